import type { EducatorAccount } from '../domain/educator/educator-account';
import { expiryOf, type SessionLifetime } from '../domain/session/browser-session';
import type { DomainError } from '../domain/shared/result';
import type { BrowserSessions } from './ports/browser-sessions';
import type { Clock } from './ports/clock';
import type { SignIn, SignInRequest } from './sign-in';

export interface StartSessionRequest extends SignInRequest {
  /** The session the browser already holds, if any: replaced by the new one, so that no old secret lives on. */
  replacing: string | undefined;
}

export type StartSessionOutcome = { secret: string; account: EducatorAccount; userErrors: [] } | { secret: null; account: null; userErrors: DomainError[] };

/** Signing in from the page: the rules of signIn, but the proof is a server-side session instead of a token. */
export class StartBrowserSession {
  constructor(
    private readonly signIn: SignIn,
    private readonly sessions: BrowserSessions,
    private readonly lifetime: SessionLifetime,
    private readonly clock: Clock,
  ) {}

  async execute(request: StartSessionRequest): Promise<StartSessionOutcome> {
    const checked = await this.signIn.checkCredentials(request);
    if (!checked.account) return { ...checked, secret: null };
    if (request.replacing) await this.sessions.end(request.replacing);
    const now = this.clock.now();
    const session = { accountId: checked.account.id!, startedAt: now, lastUsedAt: now };
    return { ...checked, secret: await this.sessions.start(session, expiryOf(session, this.lifetime)) };
  }
}
