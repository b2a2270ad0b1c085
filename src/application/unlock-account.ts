import type { EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import type { SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { startAccountAction } from './managed-account';
import type { AttemptThrottle } from './ports/attempt-throttle';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';

/**
 * A person locked out by too many wrong passwords or codes may try again at once: their account's counters are cleared.
 * The counters of client addresses stay, so unlocking one account never opens a door to someone guessing many.
 */
export class UnlockAccount {
  constructor(
    private readonly accounts: EducatorAccountRepository,
    private readonly sites: SchoolSiteRepository,
    private readonly throttle: AttemptThrottle,
    private readonly auditTrail: AuditTrail,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, accountId: number | undefined, clientAddress: string): Promise<EducatorAccount> {
    const { managed, record } = await startAccountAction(this.accounts, this.sites, this.auditTrail, {
      actor,
      accountId,
      action: 'ACCOUNT_UNLOCKED',
      clientAddress,
      at: this.clock.now(),
    });
    await this.throttle.forgetAccount(managed.account.email.normalized);
    await record('SUCCEEDED');
    return managed.account;
  }
}
