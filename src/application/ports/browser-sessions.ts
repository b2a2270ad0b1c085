import type { BrowserSession } from '../../domain/session/browser-session';

/**
 * Signed-in browsers, each known by a random secret that only its cookie holds: the store keeps a hash of it, so the
 * table cannot be turned into sessions. `expiresAt` is kept beside each session so that lapsed ones can be removed.
 */
export interface BrowserSessions {
  /** Stores a new session and returns its secret, the only time it is seen. */
  start(session: BrowserSession, expiresAt: Date): Promise<string>;
  find(secret: string): Promise<BrowserSession | null>;
  renew(secret: string, lastUsedAt: Date, expiresAt: Date): Promise<void>;
  /** True when there was such a session. */
  end(secret: string): Promise<boolean>;
  /** Ends every session of the account but the one `keeping` names (if any); returns how many were ended. */
  endAllOf(accountId: number, keeping?: string): Promise<number>;
  /** Returns how many lapsed sessions were removed. */
  removeExpired(now: Date): Promise<number>;
}
