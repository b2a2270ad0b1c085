import type { EducatorAccount } from '../../domain/educator/educator-account';
import type { QueuedInvitation } from '../../domain/educator/invitation';
import type { DomainError, Result } from '../../domain/shared/result';

/** An account's corrected names, email, role and sites, written in one transaction with the invitation a new email needs. */
export interface AccountCorrections {
  /**
   * Writes `corrected` over the account as it was read (`was`). ACCOUNT_CHANGED (nothing written) when it was registered,
   * created again or given a new email since; EMAIL_TAKEN when another account took the new email meanwhile. `invitation`
   * is queued in the same transaction and replaces one of the account's still waiting to be sent.
   */
  correct(corrected: EducatorAccount, was: EducatorAccount, invitation: QueuedInvitation | null): Promise<Result<void, DomainError>>;
}
