import { EducatorAccount, registrationDeadlineFor } from '../../domain/educator/educator-account';
import { queuedInvitation } from '../../domain/educator/invitation';
import type { RoleCode } from '../../domain/role/role';
import { mayHappen, type UploadBatchStatus } from '../../domain/upload-batch/upload-batch';
import type { RowFailure } from '../../domain/upload-batch/upload-row';
import type { ChunkWrites } from '../../application/ports/chunk-writer';
import type { NewAccountRow } from '../../application/ports/upload-batches';
import { mayHappenSql } from './batch-status-sql';
import { parameterList, type Row, type Statement } from './plain-sql';
import { normalizedName } from './account-listing-sql';
import { accountRewrite } from './sql-educator-account-repository';
import { outboxRow } from './sql-unit-of-work';
import { uploadLogChanged } from './upload-log-version';

/**
 * The statements of one chunk's transaction, as both chunk transactions (MySQL in one round trip, SQLite statement by
 * statement) write them.
 */

/** How one chunk's fenced transaction ended; 'out-of-turn': the chunk before this one has not landed (yet). */
export type ChunkCommit = 'committed' | 'lease-lost' | 'email-race' | 'contended' | 'out-of-turn';

/** Which of a chunk's accounts were just written, as a WHERE clause over educator_account. */
export interface AccountSelection {
  where: string;
  params: (number | string)[];
}

export const placeholders = (rows: number, columns: number): string => new Array(rows).fill(`(${parameterList(columns)})`).join(',');

/**
 * Adds the chunk's counts to the batch's progress, only if this worker still holds the lease and the chunk follows the
 * last one committed. While another transaction has moved the row (the chunk before, not yet committed), it waits.
 */
export const fenceStatement = (writes: ChunkWrites): Statement => {
  const counts = writes.countsAdded;
  return {
    sql: `UPDATE upload_batch SET records_processed = records_processed + ?, records_created = records_created + ?, records_skipped = records_skipped + ?,
            records_failed = records_failed + ?, lease_expires_at = ?, failed_attempts = 0
          WHERE id = ? AND lease_owner = ? AND ${mayHappenSql('recordChunk')} AND records_processed = ?`,
    params: [
      counts.recordsProcessed,
      counts.recordsCreated,
      counts.recordsSkipped,
      counts.recordsFailed,
      writes.leaseExpiresAt.getTime(),
      writes.batchId,
      writes.leaseOwner,
      writes.recordsProcessedBefore,
    ],
  };
};

const NEW_ACCOUNT_COLUMNS = [
  'email',
  'email_normalized',
  'first_name',
  'last_name',
  'first_name_normalized',
  'last_name_normalized',
  'role_code',
  'district_id',
  'created_at',
  'registration_deadline',
  'created_by_account_id',
  'source_batch_id',
];

export const NEW_ACCOUNT_COLUMN_COUNT = NEW_ACCOUNT_COLUMNS.length;

export const ACCOUNT_INSERT = `INSERT INTO educator_account (${NEW_ACCOUNT_COLUMNS.join(', ')}) VALUES`;

/** A new account's row: unregistered, with the deadline the domain gives a new account. */
export const newAccountValues = (writes: ChunkWrites): ((row: NewAccountRow) => unknown[]) => {
  const now = writes.now.getTime();
  const deadline = registrationDeadlineFor(writes.now).getTime();
  const { districtId, createdByAccountId, batchId } = writes;
  return (row) => [
    row.email,
    row.emailNormalized,
    row.firstName,
    row.lastName,
    normalizedName(row.firstName),
    normalizedName(row.lastName),
    row.roleCode,
    districtId,
    now,
    deadline,
    createdByAccountId,
    batchId,
  ];
};

/** The account a row of the file asks for, as the domain makes it (the rows were checked against the same rules). */
const accountFor = (writes: ChunkWrites, row: NewAccountRow): EducatorAccount => {
  const created = EducatorAccount.create({
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    roleCode: row.roleCode as RoleCode,
    districtId: writes.districtId,
    schoolSiteIds: [writes.schoolSiteId],
    createdByAccountId: writes.createdByAccountId,
    now: writes.now,
  });
  if (!created.ok) throw new Error(`An upload row planned for creation breaks an account rule: ${created.error.message}`);
  return created.value;
};

/**
 * Expired accounts made new again in place, written as the accounts repository writes a re-created account (the domain
 * decides what it becomes: EducatorAccount.recreatedInPlace), their old memberships dropped; then marked as this batch's.
 */
export const recreateStatements = (writes: ChunkWrites): Statement[] =>
  writes.recreates.length === 0
    ? []
    : [
        ...writes.recreates.flatMap((row) => accountRewrite(EducatorAccount.recreatedInPlace(row.accountId, accountFor(writes, row)))),
        {
          sql: `UPDATE educator_account SET source_batch_id = ? WHERE id IN (${parameterList(writes.recreates.length)})`,
          params: [writes.batchId, ...writes.recreates.map((row) => row.accountId)],
        },
      ];

export const createdByEmail = (rows: NewAccountRow[]): AccountSelection => ({
  where: `email_normalized IN (${parameterList(rows.length)})`,
  params: rows.map((row) => row.emailNormalized),
});

export const recreatedById = (writes: ChunkWrites): AccountSelection => ({
  where: `id IN (${parameterList(writes.recreates.length)})`,
  params: writes.recreates.map((row) => row.accountId),
});

/**
 * Invitations for the accounts just written, copied from them by the database itself, so nothing is sent twice: the
 * row a single creation queues (outboxRow), with each account's email and id in place of the recipient and account.
 */
const invitationsCopiedFrom = (writes: ChunkWrites, accounts: AccountSelection): Statement => {
  const row = outboxRow(queuedInvitation({ accountId: 0, to: '', placeName: writes.placeName }), writes.now);
  return {
    sql: `INSERT INTO outbox_message (recipient, account_id, template, subject, body, status, attempts, created_at, next_attempt_at)
          SELECT email, id, ?, ?, ?, ?, ?, ?, ? FROM educator_account WHERE ${accounts.where}`,
    params: [row.template, row.subject, row.body, row.status, row.attempts, row.createdAt, row.nextAttemptAt, ...accounts.params],
  };
};

/** Memberships and invitations of the accounts just written. */
export const copiedToMembershipsAndInvitations = (writes: ChunkWrites, accounts: AccountSelection): Statement[] => [
  {
    sql: `INSERT INTO educator_account_site (account_id, school_site_id) SELECT id, ? FROM educator_account WHERE ${accounts.where}`,
    params: [writes.schoolSiteId, ...accounts.params],
  },
  invitationsCopiedFrom(writes, accounts),
];

export const logChangedStatement = (writes: ChunkWrites): Statement => uploadLogChanged({ schoolSiteId: writes.schoolSiteId });

export const FAILURE_INSERT = 'INSERT INTO upload_failure (batch_id, line_number, code, reason, role_as_written, email, original_cells) VALUES';

export const failureValues =
  (writes: ChunkWrites) =>
  (failure: RowFailure): unknown[] => [
    writes.batchId,
    failure.lineNumber,
    failure.code,
    failure.reason.slice(0, 500),
    failure.roleAsWritten.slice(0, 200),
    failure.email?.slice(0, 300) ?? null,
    JSON.stringify(failure.cells),
  ];

export const failureStatements = (writes: ChunkWrites): Statement[] =>
  writes.failures.length === 0
    ? []
    : [{ sql: `${FAILURE_INSERT} ${placeholders(writes.failures.length, 7)}`, params: writes.failures.flatMap(failureValues(writes)) }];

/**
 * The fence did not hold. A connection lost during COMMIT hides whether the chunk landed: if its progress is there,
 * it did. Progress short of where it starts means the chunk before has not landed (yet).
 */
export const whyFenceRefused = async (
  writes: ChunkWrites,
  query: (sql: string, params: unknown[]) => Promise<Row[]>,
): Promise<'committed' | 'lease-lost' | 'out-of-turn'> => {
  const [batch] = await query('SELECT lease_owner, status, records_processed FROM upload_batch WHERE id = ?', [writes.batchId]);
  if (batch?.lease_owner !== writes.leaseOwner || !mayHappen('recordChunk', batch.status as UploadBatchStatus)) return 'lease-lost';
  const processed = Number(batch.records_processed);
  if (processed === writes.recordsProcessedBefore + writes.countsAdded.recordsProcessed) return 'committed';
  return processed <= writes.recordsProcessedBefore ? 'out-of-turn' : 'lease-lost';
};
