import type { EducatorAccountRepository } from '../../domain/educator/educator-account-repository';
import type { QueuedEmail } from '../../domain/educator/invitation';

export interface AgreementAcceptance {
  acceptedByAccountId: number;
  agreement: 'SINGLE_ACCOUNT_CREATION' | 'BULK_ACCOUNT_CREATION';
  version: string;
  acceptedAt: Date;
  subjectAccountId?: number;
  uploadBatchId?: number;
}

/** Writes that must land together or not at all: an account, its invitation and the agreement that allowed it. */
export interface TransactionalStores {
  accounts: EducatorAccountRepository;
  enqueueEmail(email: QueuedEmail, now: Date): Promise<void>;
  recordAgreement(acceptance: AgreementAcceptance): Promise<void>;
}

export interface UnitOfWork {
  run<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T>;
}
