import type { DataSource } from 'typeorm';
import { INVITATION_SUBJECT, recipientOf, type QueuedEmail } from '../../domain/educator/invitation';
import type { AgreementAcceptance, TransactionalStores, UnitOfWork } from '../../application/ports/unit-of-work';
import { AgreementAcceptanceRecord, OutboxMessageRecord } from './records/records';
import { TypeOrmEducatorAccountRepository } from './typeorm-educator-account-repository';
import { retryTransient } from './database-errors';

/** An invitation keeps only its details (rendered when sent); any other message keeps its text. */
export const outboxRow = (email: QueuedEmail, now: Date): Omit<OutboxMessageRecord, 'id'> => ({
  recipient: recipientOf(email),
  template: email.template,
  subject: email.template === 'invitation' ? INVITATION_SUBJECT : email.message.subject,
  body: email.template === 'invitation' ? JSON.stringify(email.details) : email.message.text,
  status: 'PENDING',
  attempts: 0,
  createdAt: now.getTime(),
  nextAttemptAt: now.getTime(),
  sentAt: null,
  lastError: null,
});

export const agreementRow = (acceptance: AgreementAcceptance): Omit<AgreementAcceptanceRecord, 'id'> => ({
  acceptedByAccountId: acceptance.acceptedByAccountId,
  agreement: acceptance.agreement,
  version: acceptance.version,
  acceptedAt: acceptance.acceptedAt.getTime(),
  subjectAccountId: acceptance.subjectAccountId ?? null,
  uploadBatchId: acceptance.uploadBatchId ?? null,
});

export class TypeOrmUnitOfWork implements UnitOfWork {
  constructor(private readonly dataSource: DataSource) {}

  /** A deadlock or lock timeout rolls everything back, so the whole unit is simply tried again, a few times. */
  run<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T> {
    return retryTransient(() => this.attempt(work));
  }

  private attempt<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) =>
      work({
        accounts: new TypeOrmEducatorAccountRepository(manager),
        enqueueEmail: async (email, now) => {
          await manager.insert(OutboxMessageRecord, outboxRow(email, now));
        },
        recordAgreement: async (acceptance) => {
          await manager.insert(AgreementAcceptanceRecord, agreementRow(acceptance));
        },
      }),
    );
  }
}
