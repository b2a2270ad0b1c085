import type { DataSource } from 'typeorm';
import type { EmailMessage } from '../../domain/educator/invitation';
import type { AgreementAcceptance, TransactionalStores, UnitOfWork } from '../../application/ports/unit-of-work';
import { AgreementAcceptanceRecord, OutboxMessageRecord } from './records/records';
import { TypeOrmEducatorAccountRepository } from './typeorm-educator-account-repository';
import { retryTransient } from './database-errors';

export const outboxRow = (message: EmailMessage, now: Date): Omit<OutboxMessageRecord, 'id'> => ({
  recipient: message.to,
  subject: message.subject,
  body: message.text,
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
        enqueueEmail: async (message, now) => {
          await manager.insert(OutboxMessageRecord, outboxRow(message, now));
        },
        recordAgreement: async (acceptance) => {
          await manager.insert(AgreementAcceptanceRecord, agreementRow(acceptance));
        },
      }),
    );
  }
}
