import type { BrowserSessions } from './ports/browser-sessions';

/** Signing out from the page: the session ends on the server, so its cookie is worthless even if it was copied. */
export class EndBrowserSession {
  constructor(private readonly sessions: BrowserSessions) {}

  /** True when the browser held a session that has now ended. */
  async execute(secret: string | undefined): Promise<boolean> {
    return secret ? this.sessions.end(secret) : false;
  }
}
