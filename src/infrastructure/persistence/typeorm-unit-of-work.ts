import type { DataSource } from 'typeorm';
import { INVITATION_SUBJECT, recipientOf, type QueuedEmail } from '../../domain/educator/invitation';
import type { AgreementAcceptance, TransactionalStores, UnitOfWork } from '../../application/ports/unit-of-work';
import type { AgreementAcceptanceRecord, OutboxMessageRecord } from './records/records';
import { TypeOrmEducatorAccountRepository } from './typeorm-educator-account-repository';
import { retryTransient } from './database-errors';
import { parameterList } from './plain-sql';

/** An invitation's outbox body: the one detail that is not on the account. */
export const invitationBody = (placeName: string): string => JSON.stringify({ placeName });

/** An invitation keeps its account and the place it names (rendered when sent); any other message keeps its text. */
export const outboxRow = (email: QueuedEmail, now: Date): Omit<OutboxMessageRecord, 'id'> => ({
  recipient: recipientOf(email),
  template: email.template,
  subject: email.template === 'invitation' ? INVITATION_SUBJECT : email.message.subject,
  body: email.template === 'invitation' ? invitationBody(email.invitation.placeName) : email.message.text,
  accountId: email.template === 'invitation' ? email.invitation.accountId : null,
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

const INSERT_OUTBOX_MESSAGE = `INSERT INTO outbox_message (recipient, template, subject, body, account_id, status, attempts, created_at, next_attempt_at) VALUES (${parameterList(9)})`;

/** Queues one email in the caller's transaction (a single creation's, or a batch's completion). */
export const insertOutboxMessage = async (query: (sql: string, parameters: unknown[]) => Promise<unknown>, email: QueuedEmail, now: Date): Promise<void> => {
  const row = outboxRow(email, now);
  await query(INSERT_OUTBOX_MESSAGE, [row.recipient, row.template, row.subject, row.body, row.accountId, row.status, row.attempts, row.createdAt, row.nextAttemptAt]);
};
const INSERT_AGREEMENT = `INSERT INTO agreement_acceptance (accepted_by_account_id, agreement, version, accepted_at, subject_account_id, upload_batch_id) VALUES (${parameterList(6)})`;

export class TypeOrmUnitOfWork implements UnitOfWork {
  constructor(private readonly dataSource: DataSource) {}

  /** A deadlock or lock timeout rolls everything back, so the whole unit is simply tried again, a few times. */
  run<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T> {
    return retryTransient(() => this.attempt(work));
  }

  // Plain INSERTs: TypeORM's insert builder cost more CPU than the statements themselves on every single creation.
  private attempt<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) =>
      work({
        accounts: new TypeOrmEducatorAccountRepository(manager),
        enqueueEmail: (email, now) => insertOutboxMessage((sql, parameters) => manager.query(sql, parameters), email, now),
        recordAgreement: async (acceptance) => {
          const row = agreementRow(acceptance);
          await manager.query(INSERT_AGREEMENT, [row.acceptedByAccountId, row.agreement, row.version, row.acceptedAt, row.subjectAccountId, row.uploadBatchId]);
        },
      }),
    );
  }
}
