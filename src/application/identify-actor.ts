import type { EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import type { Actor } from '../domain/shared/actor';
import type { Clock } from './ports/clock';
import type { TokenIssuer } from './ports/token-issuer';

export interface Viewer {
  actor: Actor;
  account: EducatorAccount;
}

/** Authority is read from the account as it stands now, so a demotion takes effect on the next request. */
export class IdentifyActor {
  constructor(
    private readonly tokens: TokenIssuer,
    private readonly accounts: EducatorAccountRepository,
    private readonly clock: Clock,
  ) {}

  async execute(bearerToken: string | undefined): Promise<Viewer | null> {
    const accountId = this.accountIdOf(bearerToken);
    return accountId === null ? null : this.viewerFrom(await this.accounts.findById(accountId));
  }

  /** The account a token names, if it is genuine and unexpired; the account itself is then read by the caller. */
  accountIdOf(bearerToken: string | undefined): number | null {
    return bearerToken ? this.tokens.verify(bearerToken) : null;
  }

  /** The viewer an account, read for this request, stands for: only an active account acts. */
  viewerFrom(account: EducatorAccount | null): Viewer | null {
    if (!account || account.status(this.clock.now()) !== 'ACTIVE') return null;
    return { account, actor: { accountId: account.id!, roleCode: account.roleCode, districtId: account.districtId, schoolSiteIds: account.schoolSiteIds } };
  }
}
