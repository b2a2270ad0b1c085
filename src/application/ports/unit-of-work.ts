import type { EducatorAccount } from '../../domain/educator/educator-account';
import type { EducatorAccountRepository } from '../../domain/educator/educator-account-repository';
import type { QueuedInvitation } from '../../domain/educator/invitation';
import type { DomainError, Result } from '../../domain/shared/result';
import type { IdempotencyKeys, KeyedRequest } from './idempotency-keys';

export interface AgreementAcceptance {
  acceptedByAccountId: number;
  agreement: 'SINGLE_ACCOUNT_CREATION' | 'BULK_ACCOUNT_CREATION';
  version: string;
  acceptedAt: Date;
  subjectAccountId?: number;
  uploadBatchId?: number;
}

/** An account an admin creates and what must land with it: the acceptance that allowed it and its invitation, both naming it. */
export interface AccountCreation {
  /** New (no id yet), or an expired account written over (its id). */
  account: EducatorAccount;
  acceptance: Omit<AgreementAcceptance, 'subjectAccountId' | 'uploadBatchId'>;
  invitation: Omit<QueuedInvitation, 'accountId'>;
  /** A Site Admin's site, whose active Site Admins are counted once this one is written (for the recommendation). */
  countSiteAdminsOf: number | null;
  /** The admin's key for this request: it lands with the account, or fails with it. */
  idempotency?: KeyedRequest;
}

export interface WrittenCreation {
  accountId: number;
  /** Null unless `countSiteAdminsOf` named a site. */
  activeSiteAdmins: number | null;
}

/** Writes that must land together or not at all. */
export interface TransactionalStores {
  accounts: EducatorAccountRepository;
  idempotencyKeys: IdempotencyKeys;
  /**
   * EMAIL_TAKEN when a new account's email is already in use; IDEMPOTENCY_KEY_TAKEN when the creation's key already
   * names one. Either way nothing of that creation is written.
   */
  writeCreation(creation: AccountCreation): Promise<Result<WrittenCreation, DomainError>>;
}

export interface UnitOfWork {
  run<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T>;
  /**
   * `writeCreation` outside any caller's transaction: for a new email, the whole creation in one step, with nothing to
   * read first. Creations made at the same moment may share one transaction, but each lands or fails on its own:
   * EMAIL_TAKEN when the email is in use, and nothing of that creation is written. A creation whose idempotency key is
   * held is refused IDEMPOTENCY_KEY_TAKEN, or EMAIL_TAKEN where the database does not say which unique key it met
   * (MySQL's grouped writes): the caller looks the key up before it answers either.
   */
  writeCreation(creation: AccountCreation): Promise<Result<WrittenCreation, DomainError>>;
}
