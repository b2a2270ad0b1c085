import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import type { Actor } from '../domain/shared/actor';
import type { AccountActivationOutcome, AccountActivationRequest } from './deactivate-educator-account';
import { auditPlaceOf, managedAccount } from './managed-account';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';

/** The account returns to what it was: ACTIVE if it was registered, else pending or expired by its deadline. */
export class ReactivateEducatorAccount {
  constructor(
    private readonly accounts: EducatorAccountRepository,
    private readonly auditTrail: AuditTrail,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, request: AccountActivationRequest): Promise<AccountActivationOutcome> {
    const at = this.clock.now();
    const attempt = { actor, accountId: request.accountId, action: 'ACCOUNT_REACTIVATED' as const, clientAddress: request.clientAddress, at };
    const account = await managedAccount(this.accounts, this.auditTrail, attempt);
    account.reactivate();
    await this.accounts.saveActivation(account);
    await this.auditTrail.record({
      action: 'ACCOUNT_REACTIVATED',
      outcome: 'SUCCEEDED',
      at,
      actorAccountId: actor.accountId,
      targetAccountId: account.id,
      ...auditPlaceOf(account),
      clientAddress: request.clientAddress,
    });
    return { account, userErrors: [] };
  }
}
