import type { DataSource, EntityManager } from 'typeorm';
import { raw } from 'mysql2';
import { INVITATION_SUBJECT, type QueuedEmail, type QueuedInvitation } from '../../domain/educator/invitation';
import { fail, ok, refusal, type DomainError, type Result } from '../../domain/shared/result';
import type { AccountCreation, AgreementAcceptance, TransactionalStores, UnitOfWork, WrittenCreation } from '../../application/ports/unit-of-work';
import type { AgreementAcceptanceRecord, OutboxMessageRecord } from './records/records';
import {
  accountInsert,
  accountRewrite,
  activeSiteAdminsBySite,
  activeSiteAdminsQuery,
  membershipInserts,
  SqlEducatorAccountRepository,
} from './sql-educator-account-repository';
import { accountListChanged } from './account-list-version';
import { dialectOf, StatementBatchPool } from './data-source';
import { isConnectionLost, isUniqueViolation, retryTransient } from './database-errors';
import { inConcurrentGroups, type GroupSender } from './concurrent-groups';
import { parameterList, type IdInSql, type Row, type Statement } from './plain-sql';
import { claimKey, keyInsert, keyNamesAccount, releaseKey, SqlIdempotencyKeys } from './sql-idempotency-keys';

/** An invitation's outbox body: the one detail that is not on the account. */
export const invitationBody = (placeName: string): string => JSON.stringify({ placeName });

/** An email to queue whose account, if it names one, the row gets apart: a new account's id may exist only in MySQL. */
type EmailApartFromAccount = { template: 'invitation'; invitation: Omit<QueuedInvitation, 'accountId'> } | Extract<QueuedEmail, { template: null }>;

/** An invitation keeps its account and the place it names (rendered when sent); any other message keeps its text. */
export const outboxRow = (email: QueuedEmail, now: Date): Omit<OutboxMessageRecord, 'id'> => ({
  ...outboxRowApartFromAccount(email, now),
  accountId: email.template === 'invitation' ? email.invitation.accountId : null,
});

const outboxRowApartFromAccount = (email: EmailApartFromAccount, now: Date): Omit<OutboxMessageRecord, 'id' | 'accountId'> => ({
  recipient: email.template === 'invitation' ? email.invitation.to : email.message.to,
  template: email.template,
  subject: email.template === 'invitation' ? INVITATION_SUBJECT : email.message.subject,
  body: email.template === 'invitation' ? invitationBody(email.invitation.placeName) : email.message.text,
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

const outboxInsert = (email: EmailApartFromAccount, now: Date, accountId: IdInSql | null): Statement => {
  const row = outboxRowApartFromAccount(email, now);
  return {
    sql: INSERT_OUTBOX_MESSAGE,
    params: [row.recipient, row.template, row.subject, row.body, accountId, row.status, row.attempts, row.createdAt, row.nextAttemptAt],
  };
};

/** Queues one email in the caller's transaction (a single creation's, or a batch's completion). */
export const insertOutboxMessage = async (query: (sql: string, parameters: unknown[]) => Promise<unknown>, email: QueuedEmail, now: Date): Promise<void> => {
  const statement = outboxInsert(email, now, outboxRow(email, now).accountId);
  await query(statement.sql, statement.params);
};

const INSERT_AGREEMENT = `INSERT INTO agreement_acceptance (accepted_by_account_id, agreement, version, accepted_at, subject_account_id, upload_batch_id) VALUES (${parameterList(6)})`;

const agreementInsert = (acceptance: AgreementAcceptance, subjectAccountId: IdInSql | null): Statement => {
  const row = agreementRow(acceptance);
  return { sql: INSERT_AGREEMENT, params: [row.acceptedByAccountId, row.agreement, row.version, row.acceptedAt, subjectAccountId, row.uploadBatchId] };
};

/** What lands with the account once it has an id: the acceptance that allowed it and its invitation. */
const rowsNamingTheAccount = (creation: AccountCreation, accountId: IdInSql): Statement[] => [
  agreementInsert(creation.acceptance, accountId),
  outboxInsert({ template: 'invitation', invitation: creation.invitation }, creation.acceptance.acceptedAt, accountId),
];

/** In the one-round-trip transaction a new account's id exists only in MySQL, kept in a session variable. */
const NEW_ACCOUNT_ID: IdInSql = raw('@new_account_id');

const EMAIL_TAKEN = refusal('EMAIL_TAKEN', 'Email has already been taken.', ['email']);
const IDEMPOTENCY_KEY_TAKEN = refusal('IDEMPOTENCY_KEY_TAKEN', 'A request with this idempotency key was written meanwhile: send it again.', ['idempotencyKey']);

/** Statement by statement in the caller's transaction: SQLite (in process, no round trips to save), and the rare re-creation. */
const writeCreationStepByStep = async (manager: EntityManager, creation: AccountCreation): Promise<Result<WrittenCreation, DomainError>> => {
  const query = (sql: string, parameters: unknown[]): Promise<unknown> => manager.query(sql, parameters);
  const key = creation.idempotency;
  if (key && !(await claimKey(query, key, creation.acceptance.acceptedAt))) return fail(IDEMPOTENCY_KEY_TAKEN);
  const saved = await new SqlEducatorAccountRepository(manager).save(creation.account);
  if (!saved.ok) {
    // The transaction goes on (a group's other creations, or the caller's): the refused creation's key must not stay in it.
    if (key) await releaseKey(query, key);
    return saved;
  }
  for (const statement of rowsNamingTheAccount(creation, saved.value)) await manager.query(statement.sql, statement.params);
  if (key) await keyNamesAccount(query, key, saved.value);
  const siteId = creation.countSiteAdminsOf;
  if (siteId === null) return ok({ accountId: saved.value, activeSiteAdmins: null });
  const count = activeSiteAdminsQuery([siteId], creation.acceptance.acceptedAt);
  return ok({ accountId: saved.value, activeSiteAdmins: activeSiteAdminsBySite(await manager.query(count.sql, count.params)).get(siteId) ?? 0 });
};

/** One group of creations in flight at a time: two gave smaller groups and fewer creations a second (docs/adr/0003). */
const CREATION_GROUPS = { groupsInFlight: 1, largestGroup: 100 };

export class SqlUnitOfWork implements UnitOfWork {
  /**
   * Creations that arrive while others are being written share one transaction: under load, its COMMIT and (on MySQL)
   * its round trip were most of what a creation cost the database (SQLite: the pages a commit writes to its log).
   */
  private readonly writeInGroup: (creation: AccountCreation) => Promise<Result<WrittenCreation, DomainError>>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly statementBatches = new StatementBatchPool(dataSource),
  ) {
    this.writeInGroup = inConcurrentGroups(dialectOf(dataSource) === 'mysql' ? this.inOneRoundTrip() : this.statementByStatement(), CREATION_GROUPS);
  }

  /** A deadlock or lock timeout rolls everything back, so the whole unit is simply tried again, a few times. */
  run<T>(work: (stores: TransactionalStores) => Promise<T>): Promise<T> {
    return retryTransient(() =>
      this.dataSource.transaction((manager) =>
        work({
          accounts: new SqlEducatorAccountRepository(manager),
          idempotencyKeys: new SqlIdempotencyKeys(manager),
          writeCreation: (creation) => writeCreationStepByStep(manager, creation),
        }),
      ),
    );
  }

  writeCreation(creation: AccountCreation): Promise<Result<WrittenCreation, DomainError>> {
    return this.writeInGroup(creation);
  }

  async close(): Promise<void> {
    await this.statementBatches.close();
  }

  /**
   * SQLite: a group's creations one after the other in one transaction. A taken email fails only its own INSERT (SQLite
   * undoes the statement, not the transaction) and is answered EMAIL_TAKEN; any other failure rolls the group back, and
   * each creation is written again alone.
   */
  private statementByStatement(): GroupSender<AccountCreation, Result<WrittenCreation, DomainError>> {
    return {
      together: (creations) =>
        this.dataSource.transaction(async (manager) => {
          const written: Result<WrittenCreation, DomainError>[] = [];
          for (const creation of creations) written.push(await writeCreationStepByStep(manager, creation));
          return written;
        }),
      alone: (creation) => retryTransient(() => this.dataSource.transaction((manager) => writeCreationStepByStep(manager, creation))),
      mayRetryAloneAfter: () => true,
    };
  }

  /**
   * MySQL/MariaDB: a group's creations as one transaction sent in one query. One creation's failure (a taken email or
   * idempotency key, a deadlock) rolls the whole group back; each is then written again alone. A lost connection leaves
   * unknown whether the group committed: its creations fail rather than risk answering EMAIL_TAKEN for an account that
   * was in fact created (a client that sent a key learns which by sending it again). Alone, a creation is sent again
   * after a lost connection; if the first landed, the second meets its email and key, and the caller finds the key.
   */
  private inOneRoundTrip(): GroupSender<AccountCreation, Result<WrittenCreation, DomainError>> {
    return {
      together: (creations) => this.writeInOneRoundTrip(creations).then((written) => written.map((creation) => ok(creation))),
      alone: (creation) =>
        retryTransient(() =>
          this.writeInOneRoundTrip([creation]).then(
            ([written]) => ok(written),
            (error: unknown) => {
              if (isUniqueViolation(error)) return fail(EMAIL_TAKEN);
              throw error;
            },
          ),
        ),
      mayRetryAloneAfter: (error) => !isConnectionLost(error),
    };
  }

  /**
   * The whole transaction, COMMIT included, as one query of several statements. Each round trip (a socket write and a
   * wake-up of both processes) cost more CPU than building and running the statements.
   */
  private async writeInOneRoundTrip(creations: AccountCreation[]): Promise<WrittenCreation[]> {
    const statements: Statement[] = [{ sql: 'START TRANSACTION', params: [] }];
    const answersAt = creations.map((creation) => {
      const { account } = creation;
      const accountId = account.id ?? NEW_ACCOUNT_ID;
      const insertAt = account.id === null ? statements.length : null;
      // LAST_INSERT_ID() changes with the next insert into a table with an auto-increment id: kept while it is the account's.
      statements.push(
        ...(account.id === null ? [accountInsert(account), { sql: 'SET @new_account_id = LAST_INSERT_ID()', params: [] }] : accountRewrite(account)),
        ...membershipInserts(accountId, account.schoolSiteIds),
        ...rowsNamingTheAccount(creation, accountId),
        ...(creation.idempotency ? [keyInsert(creation.idempotency, creation.acceptance.acceptedAt, { accountId, batchId: null })] : []),
      );
      if (creation.countSiteAdminsOf === null) return { insertAt, countAt: null };
      statements.push(activeSiteAdminsQuery([creation.countSiteAdminsOf], creation.acceptance.acceptedAt));
      return { insertAt, countAt: statements.length - 1 };
    });
    statements.push(...[...new Set(creations.map(({ account }) => account.districtId))].map((districtId) => accountListChanged(districtId, 'mysql')));
    statements.push({ sql: 'COMMIT', params: [] });
    const answers = (await this.statementBatches.send(statements)) as ({ insertId: number } | Row[])[];
    return creations.map(({ account, countSiteAdminsOf }, index) => {
      const { insertAt, countAt } = answersAt[index];
      return {
        accountId: insertAt === null ? account.id! : Number((answers[insertAt] as { insertId: number }).insertId),
        activeSiteAdmins: countAt === null ? null : (activeSiteAdminsBySite(answers[countAt] as Row[]).get(countSiteAdminsOf!) ?? 0),
      };
    });
  }
}
