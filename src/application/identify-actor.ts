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
  /** True when a bearer token identified the request (a browser session otherwise). */
  signedInWithToken: boolean;
}

/** Whom the credentials name, and for a token the credentials version it was issued under (null: a browser session). */
export interface CredentialHolder {
  accountId: number;
  tokenCredentialsVersion: number | null;
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
    const holder = await this.accountIdOf(credentials);
    return holder === null ? null : this.viewerFrom(await this.accounts.findById(holder.accountId), holder);
  }

  /**
   * The account the credentials name, if genuine and unexpired; the account itself is then read by the caller. A
   * bearer token, when sent, decides alone: a request is never half one person and half another.
   */
  async accountIdOf(credentials: Credentials): Promise<CredentialHolder | null> {
    if (credentials.bearerToken) {
      const claims = this.tokens.verify(credentials.bearerToken);
      return claims && { accountId: claims.accountId, tokenCredentialsVersion: claims.credentialsVersion };
    }
    const accountId = credentials.sessionSecret ? await this.sessionAccountOf(credentials.sessionSecret) : null;
    return accountId === null ? null : { accountId, tokenCredentialsVersion: null };
  }

  /**
   * The viewer an account, read for this request, stands for: only an active account acts, and a token only while the
   * account's credentials version is the one it was issued under (a reset, a password change or a deactivation moves it on).
   * Ended browser sessions are deleted instead.
   */
  viewerFrom(account: EducatorAccount | null, holder: CredentialHolder): Viewer | null {
    if (!account || account.status(this.clock.now()) !== 'ACTIVE') return null;
    if (holder.tokenCredentialsVersion !== null && holder.tokenCredentialsVersion !== account.credentialsVersion) return null;
    return {
      account,
      actor: { accountId: account.id!, roleCode: account.roleCode, districtId: account.districtId, schoolSiteIds: account.schoolSiteIds },
      signedInWithToken: holder.tokenCredentialsVersion !== null,
    };
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
