import type { DataSource, EntityManager } from 'typeorm';
import { raw } from 'mysql2';
import type { Pool } from 'mysql2/promise';
import { INVITATION_SUBJECT, queuedInvitation, recipientOf, type QueuedEmail } from '../../domain/educator/invitation';
import { fail, ok, refusal, type DomainError, type Result } from '../../domain/shared/result';
import type { AccountCreation, AgreementAcceptance, TransactionalStores, UnitOfWork, WrittenCreation } from '../../application/ports/unit-of-work';
import type { AgreementAcceptanceRecord, OutboxMessageRecord } from './records/records';
import {
  accountInsert,
  accountRewrite,
  activeSiteAdminsBySite,
  activeSiteAdminsQuery,
  membershipInserts,
  TypeOrmEducatorAccountRepository,
} from './typeorm-educator-account-repository';
import { dialectOf, openStatementBatchPool, rolledBack, sendAsOneQuery } from './data-source';
import { isUniqueViolation, retryTransient } from './database-errors';
import { parameterList, type Row, type Statement } from './plain-sql';

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

const outboxInsert = (email: QueuedEmail, now: Date): Statement => {
  const row = outboxRow(email, now);
  return { sql: INSERT_OUTBOX_MESSAGE, params: [row.recipient, row.template, row.subject, row.body, row.accountId, row.status, row.attempts, row.createdAt, row.nextAttemptAt] };
};

/** Queues one email in the caller's transaction (a single creation's, or a batch's completion). */
export const insertOutboxMessage = async (query: (sql: string, parameters: unknown[]) => Promise<unknown>, email: QueuedEmail, now: Date): Promise<void> => {
  const statement = outboxInsert(email, now);
  await query(statement.sql, statement.params);
};

const INSERT_AGREEMENT = `INSERT INTO agreement_acceptance (accepted_by_account_id, agreement, version, accepted_at, subject_account_id, upload_batch_id) VALUES (${parameterList(6)})`;

const agreementInsert = (acceptance: AgreementAcceptance): Statement => {
  const row = agreementRow(acceptance);
  return { sql: INSERT_AGREEMENT, params: [row.acceptedByAccountId, row.agreement, row.version, row.acceptedAt, row.subjectAccountId, row.uploadBatchId] };
};

/** What lands with the account once it has an id: the acceptance that allowed it and its invitation. */
const rowsNamingTheAccount = (creation: AccountCreation, accountId: number): Statement[] => [
  agreementInsert({ ...creation.acceptance, subjectAccountId: accountId }),
  outboxInsert(queuedInvitation({ ...creation.invitation, accountId }), creation.acceptance.acceptedAt),
];

/**
 * In the one-round-trip transaction a new account's id exists only in MySQL, kept in a session variable; mysql2 writes
 * this value as the variable's name. Typed as an id so that the rows naming the account come from the same helpers.
 */
const NEW_ACCOUNT_ID = raw('@new_account_id') as unknown as number;

const EMAIL_TAKEN = refusal('EMAIL_TAKEN', 'Email has already been taken.', ['email']);

/** Statement by statement in the caller's transaction: SQLite (in process, no round trips to save), and the rare re-creation. */
const writeCreationStepByStep = async (manager: EntityManager, creation: AccountCreation): Promise<Result<WrittenCreation, DomainError>> => {
  const saved = await new TypeOrmEducatorAccountRepository(manager).save(creation.account);
  if (!saved.ok) return saved;
  for (const statement of rowsNamingTheAccount(creation, saved.value)) await manager.query(statement.sql, statement.params);
  const siteId = creation.countSiteAdminsOf;
  if (siteId === null) return ok({ accountId: saved.value, activeSiteAdmins: null });
  const count = activeSiteAdminsQuery([siteId], creation.acceptance.acceptedAt);
  return ok({ accountId: saved.value, activeSiteAdmins: activeSiteAdminsBySite(await manager.query(count.sql, count.params)).get(siteId) ?? 0 });
};

export class TypeOrmUnitOfWork implements UnitOfWork {
  private statementBatches: Pool | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** A deadlock or lock timeout rolls everything back, so the whole unit is simply tried again, a few times. */
  run<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T> {
    return retryTransient(() =>
      this.dataSource.transaction((manager) =>
        work({ accounts: new TypeOrmEducatorAccountRepository(manager), writeCreation: (creation) => writeCreationStepByStep(manager, creation) }),
      ),
    );
  }

  writeCreation(creation: AccountCreation): Promise<Result<WrittenCreation, DomainError>> {
    return retryTransient(() =>
      dialectOf(this.dataSource) === 'mysql'
        ? this.writeCreationInOneRoundTrip(creation)
        : this.dataSource.transaction((manager) => writeCreationStepByStep(manager, creation)),
    );
  }

  async close(): Promise<void> {
    await this.statementBatches?.end();
    this.statementBatches = undefined;
  }

  /**
   * MySQL/MariaDB: the whole transaction, COMMIT included, as one query of several statements. Each round trip
   * (a socket write and a wake-up of both processes) cost the server more CPU than building and running the statement.
   */
  private async writeCreationInOneRoundTrip(creation: AccountCreation): Promise<Result<WrittenCreation, DomainError>> {
    const { account } = creation;
    const accountId = account.id ?? NEW_ACCOUNT_ID;
    const statements: Statement[] = [
      { sql: 'START TRANSACTION', params: [] },
      // LAST_INSERT_ID() changes with the next insert into a table with an auto-increment id: kept while it is the account's.
      ...(account.id === null ? [accountInsert(account), { sql: 'SET @new_account_id = LAST_INSERT_ID()', params: [] }] : accountRewrite(account)),
      ...membershipInserts(accountId, account.schoolSiteIds),
      ...rowsNamingTheAccount(creation, accountId),
      ...(creation.countSiteAdminsOf === null ? [] : [activeSiteAdminsQuery([creation.countSiteAdminsOf], creation.acceptance.acceptedAt)]),
      { sql: 'COMMIT', params: [] },
    ];
    this.statementBatches ??= openStatementBatchPool(this.dataSource);
    const connection = await this.statementBatches.getConnection();
    let healthy = true;
    try {
      const answers = (await sendAsOneQuery(connection, statements)) as ({ insertId: number } | Row[])[];
      const siteId = creation.countSiteAdminsOf;
      return ok({
        accountId: account.id ?? Number((answers[1] as { insertId: number }).insertId),
        activeSiteAdmins: siteId === null ? null : (activeSiteAdminsBySite(answers[answers.length - 2] as Row[]).get(siteId) ?? 0),
      });
    } catch (error) {
      // A statement failed part way (a taken email, a deadlock) and the rest were not run: nothing may stay. A
      // connection that cannot even roll back is closed, which rolls back too.
      healthy = await rolledBack(connection);
      if (isUniqueViolation(error)) return fail(EMAIL_TAKEN);
      throw error;
    } finally {
      if (healthy) connection.release();
      else connection.destroy();
    }
  }
}
