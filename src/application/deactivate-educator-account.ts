import type { EducatorAccount } from '../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../domain/educator/educator-account-repository';
import type { Actor } from '../domain/shared/actor';
import { refusal, type DomainError } from '../domain/shared/result';
import { auditPlaceOf, managedAccount } from './managed-account';
import type { AuditTrail } from './ports/audit-trail';
import type { BrowserSessions } from './ports/browser-sessions';
import type { Clock } from './ports/clock';

export interface AccountActivationRequest {
  /** Undefined: an id that did not decode. */
  accountId: number | undefined;
  clientAddress: string;
}

export type AccountActivationOutcome = { account: EducatorAccount | null; userErrors: DomainError[] };

const SELF = refusal('CANNOT_DEACTIVATE_SELF', 'You cannot deactivate your own account. Ask another administrator.', ['accountId']);

/**
 * A deactivated account cannot sign in or register, and its sessions and tokens stop working on their next request
 * (the viewer is read per request and must be ACTIVE); they are ended too, so that reactivation revives none. Its email stays taken.
 */
export class DeactivateEducatorAccount {
  constructor(
    private readonly accounts: EducatorAccountRepository,
    private readonly sessions: BrowserSessions,
    private readonly auditTrail: AuditTrail,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, request: AccountActivationRequest): Promise<AccountActivationOutcome> {
    const at = this.clock.now();
    const attempt = { actor, accountId: request.accountId, action: 'ACCOUNT_DEACTIVATED' as const, clientAddress: request.clientAddress, at };
    const account = await managedAccount(this.accounts, this.auditTrail, attempt);
    const self = account.id === actor.accountId;
    if (!self) {
      account.deactivate(at);
      await this.accounts.saveActivation(account);
      await this.sessions.endAllOf(account.id!);
    }
    await this.auditTrail.record({
      action: 'ACCOUNT_DEACTIVATED',
      outcome: self ? SELF.code : 'SUCCEEDED',
      at,
      actorAccountId: actor.accountId,
      targetAccountId: account.id,
      ...auditPlaceOf(account),
      clientAddress: request.clientAddress,
    });
    return self ? { account: null, userErrors: [SELF] } : { account, userErrors: [] };
  }
}
