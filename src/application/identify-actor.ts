import type { EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import { expiryOf, isExpired, isRenewalDue, type SessionLifetime } from '../domain/session/browser-session';
import type { Actor } from '../domain/shared/actor';
import type { BrowserSessions } from './ports/browser-sessions';
import type { Clock } from './ports/clock';
import type { TokenIssuer } from './ports/token-issuer';

export interface Viewer {
  actor: Actor;
  account: EducatorAccount;
}

/** What a request shows of who sent it: a bearer token (from signIn) or a browser session's secret (from startSession). */
export interface Credentials {
  bearerToken: string | undefined;
  sessionSecret: string | undefined;
}

/** Authority is read from the account as it stands now, so a demotion takes effect on the next request. */
export class IdentifyActor {
  constructor(
    private readonly tokens: TokenIssuer,
    private readonly accounts: EducatorAccountRepository,
    private readonly sessions: BrowserSessions,
    private readonly sessionLifetime: SessionLifetime,
    private readonly clock: Clock,
  ) {}

  async execute(credentials: Credentials): Promise<Viewer | null> {
    const accountId = await this.accountIdOf(credentials);
    return accountId === null ? null : this.viewerFrom(await this.accounts.findById(accountId));
  }

  /**
   * The account the credentials name, if genuine and unexpired; the account itself is then read by the caller. A
   * bearer token, when sent, decides alone: a request is never half one person and half another.
   */
  async accountIdOf(credentials: Credentials): Promise<number | null> {
    if (credentials.bearerToken) return this.tokens.verify(credentials.bearerToken);
    return credentials.sessionSecret ? this.sessionAccountOf(credentials.sessionSecret) : null;
  }

  /** The viewer an account, read for this request, stands for: only an active account acts. */
  viewerFrom(account: EducatorAccount | null): Viewer | null {
    if (!account || account.status(this.clock.now()) !== 'ACTIVE') return null;
    return { account, actor: { accountId: account.id!, roleCode: account.roleCode, districtId: account.districtId, schoolSiteIds: account.schoolSiteIds } };
  }

  private async sessionAccountOf(secret: string): Promise<number | null> {
    const session = await this.sessions.find(secret);
    if (!session) return null;
    const now = this.clock.now();
    if (isExpired(session, this.sessionLifetime, now)) {
      await this.sessions.end(secret);
      return null;
    }
    if (isRenewalDue(session, now)) await this.sessions.renew(secret, now, expiryOf({ ...session, lastUsedAt: now }, this.sessionLifetime));
    return session.accountId;
  }
}
