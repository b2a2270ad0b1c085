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
    const accountId = bearerToken ? this.tokens.verify(bearerToken) : null;
    if (accountId === null) return null;
    const account = await this.accounts.findById(accountId);
    if (!account || account.status(this.clock.now()) !== 'ACTIVE') return null;
    return { account, actor: { accountId, roleCode: account.roleCode, districtId: account.districtId, schoolSiteIds: account.schoolSiteIds } };
  }
}
