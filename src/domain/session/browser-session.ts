/** How long a browser session lasts: `idleMs` without use, and `maxMs` after sign-in whatever the use. */
export interface SessionLifetime {
  idleMs: number;
  maxMs: number;
}

/** Use is written back at most this often, so that a page polling every few seconds does not write on every request. */
export const RENEWAL_INTERVAL_MS = 60_000;

/** A signed-in browser, as stored: the account it acts for, when it signed in and when its use was last written. */
export interface BrowserSession {
  accountId: number;
  startedAt: Date;
  lastUsedAt: Date;
}

/** The first moment the session no longer counts: idle for too long, or too long after sign-in. */
export const expiryOf = (session: BrowserSession, lifetime: SessionLifetime): Date =>
  new Date(Math.min(session.lastUsedAt.getTime() + lifetime.idleMs, session.startedAt.getTime() + lifetime.maxMs));

export const isExpired = (session: BrowserSession, lifetime: SessionLifetime, now: Date): boolean => now.getTime() >= expiryOf(session, lifetime).getTime();

/** Whether this use must be written back (pushing the idle deadline on): a minute or more since the last write. */
export const isRenewalDue = (session: BrowserSession, now: Date): boolean => now.getTime() - session.lastUsedAt.getTime() >= RENEWAL_INTERVAL_MS;
