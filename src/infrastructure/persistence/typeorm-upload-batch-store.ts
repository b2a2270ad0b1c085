import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { INVITATION_SUBJECT, queuedMessage, type EmailMessage } from '../../domain/educator/invitation';
import { registrationDeadlineFor } from '../../domain/educator/educator-account';
import type { Warning } from '../../domain/school/site-admin-recommendation';
import type { RowFailureCode } from '../../domain/upload-batch/upload-row';
import type { Page } from '../../application/ports/account-directory';
import type { KeyedRequest } from '../../application/ports/idempotency-keys';
import type { AgreementAcceptance } from '../../application/ports/unit-of-work';
import type {
  ChunkCommit,
  ChunkWrites,
  ClaimedBatch,
  ExistingAccount,
  NewBatch,
  StoredFailure,
  NewAccountRow,
  UploadBatchStore,
  UploadBatchView,
  UploadTurns,
} from '../../application/ports/upload-batches';
import type { RowFailure } from '../../domain/upload-batch/upload-row';
import type { Connection } from 'mysql2/promise';
import { dialectOf, openStatementBatchConnection, rolledBack } from './data-source';
import { insertedId, optionalDate, parameterList, type Row, type Statement } from './plain-sql';
import { isConnectionLost, isTransientDatabaseError, isUniqueViolation, retryTransient } from './database-errors';
import { asText, largestFailureBytes, multiRowInserts, PACKET_OVERHEAD_BYTES, queriesOf, splitByBytes, type SqlText } from './sized-statements';
import { AgreementAcceptanceRecord, UploadBatchRecord } from './records/records';
import { agreementRow, insertOutboxMessage, invitationBody } from './typeorm-unit-of-work';
import { claimKey } from './typeorm-idempotency-keys';
import type { ChunkMetrics } from '../metrics/service-metrics';

/** mysql2's own connection under a TypeORM query runner, for its binary protocol. */
interface PreparedStatements {
  execute(sql: string, values: unknown[], callback: (error: Error | null) => void): void;
}

/** The fence did not hold (another worker took the batch over, or the chunk before has not landed): roll back, write nothing. */
class FenceRefused extends Error {
  constructor(readonly outcome: 'lease-lost' | 'out-of-turn') {
    super(outcome);
  }
}

const NEW_ACCOUNT_COLUMNS = [
  'email',
  'email_normalized',
  'first_name',
  'last_name',
  'role_code',
  'district_id',
  'created_at',
  'registration_deadline',
  'created_by_account_id',
  'source_batch_id',
];

export const BATCH_COLUMNS =
  'id, school_site_id, uploaded_by_account_id, file_name, dry_run, status, total_rows, records_processed, records_created, records_skipped, records_failed, ' +
  'rejection_reason, failure_reason, warnings, created_at, start_time, end_time, lease_owner';

/** A stored piece of a file: a megabyte, unless the database's packet limit is smaller. */
const STORED_CHUNK_BYTES = 1024 * 1024;

export const toView = (row: Row): UploadBatchView => ({
  id: Number(row.id),
  fileName: String(row.file_name),
  schoolSiteId: Number(row.school_site_id),
  uploadedByAccountId: Number(row.uploaded_by_account_id),
  status: row.status as UploadBatchView['status'],
  dryRun: Number(row.dry_run) === 1,
  totalRows: row.total_rows === null ? null : Number(row.total_rows),
  recordsProcessed: Number(row.records_processed),
  recordsCreated: Number(row.records_created),
  recordsSkipped: Number(row.records_skipped),
  recordsFailed: Number(row.records_failed),
  createdAt: new Date(Number(row.created_at)),
  startTime: optionalDate(row.start_time),
  endTime: optionalDate(row.end_time),
  rejectionReason: (row.rejection_reason as string | null) ?? null,
  failureReason: (row.failure_reason as string | null) ?? null,
  warnings: row.warnings ? (JSON.parse(row.warnings as string) as Warning[]) : [],
});

const toFailure = (row: Row): StoredFailure => ({
  batchId: Number(row.batch_id),
  lineNumber: Number(row.line_number),
  code: row.code as RowFailureCode,
  reason: String(row.reason),
  roleAsWritten: String(row.role_as_written),
  email: (row.email as string | null) ?? null,
  cells: JSON.parse(String(row.original_cells)) as string[],
});

/** Which of a chunk's accounts were just written, as a WHERE clause over educator_account. */
interface AccountSelection {
  where: string;
  params: (number | string)[];
}

const placeholders = (rows: number, columns: number): string => new Array(rows).fill(`(${parameterList(columns)})`).join(',');

/**
 * Every change the upload log can show moves its site's counter on, in the same transaction: API processes answer
 * log and failure pages again from memory only while their district's counters stand still (upload-log-cache.ts;
 * the accounts repository reads the sum with the viewer's account).
 */
const LOG_CHANGED_BY_BATCH =
  'UPDATE upload_log_version SET version = version + 1 WHERE school_site_id = (SELECT school_site_id FROM upload_batch WHERE id = ?)';

/** Unfinished, unclaimed (or its lease ran out), and first of its site: a site's batches run one at a time in upload order. */
const WAITING = `b.status IN ('QUEUED', 'PROCESSING') AND (b.lease_expires_at IS NULL OR b.lease_expires_at < ?)
  AND NOT EXISTS (SELECT 1 FROM upload_batch e WHERE e.school_site_id = b.school_site_id AND e.id < b.id AND e.status IN ('QUEUED', 'PROCESSING'))`;

/**
 * What a busy worker may switch to: a batch never started, one it handed back itself (it resumes it from memory), or
 * one whose worker stopped renewing its lease (handed back leases are 0). A batch another worker handed back waits
 * for that worker, or an idle one, rather than being read from its start again.
 */
const MAY_TAKE_A_TURN = '(b.start_time IS NULL OR b.lease_owner = ? OR b.lease_expires_at > 0)';

/** Waiting batches a claim tries, in order, before it gives up until the next poll. */
const CLAIM_CANDIDATES = 5;

/**
 * Adds the chunk's counts to the batch's progress, only if this worker still holds the lease and the chunk follows the
 * last one committed. While another transaction has moved the row (the chunk before, not yet committed), it waits.
 */
const fenceStatement = (writes: ChunkWrites): Statement => {
  const counts = writes.countsAdded;
  return {
    sql: `UPDATE upload_batch SET records_processed = records_processed + ?, records_created = records_created + ?, records_skipped = records_skipped + ?,
            records_failed = records_failed + ?, lease_expires_at = ?, failed_attempts = 0
          WHERE id = ? AND lease_owner = ? AND status = 'PROCESSING' AND records_processed = ?`,
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

const ACCOUNT_INSERT = `INSERT INTO educator_account (${NEW_ACCOUNT_COLUMNS.join(', ')}) VALUES`;

const newAccountValues = (writes: ChunkWrites): ((row: NewAccountRow) => unknown[]) => {
  const now = writes.now.getTime();
  const deadline = registrationDeadlineFor(writes.now).getTime();
  const { districtId, createdByAccountId, batchId } = writes;
  return (row) => [row.email, row.emailNormalized, row.firstName, row.lastName, row.roleCode, districtId, now, deadline, createdByAccountId, batchId];
};

/** Expired accounts made new again in place, their old memberships dropped. */
const recreateStatements = (writes: ChunkWrites): Statement[] => {
  const now = writes.now.getTime();
  const deadline = registrationDeadlineFor(writes.now).getTime();
  return writes.recreates.flatMap((row) => [
    {
      sql: `UPDATE educator_account SET email = ?, first_name = ?, last_name = ?, role_code = ?, district_id = ?, created_at = ?, registration_deadline = ?,
              registered_at = NULL, password_hash = NULL, created_by_account_id = ?, source_batch_id = ? WHERE id = ?`,
      params: [
        row.email,
        row.firstName,
        row.lastName,
        row.roleCode,
        writes.districtId,
        now,
        deadline,
        writes.createdByAccountId,
        writes.batchId,
        row.accountId,
      ],
    },
    { sql: 'DELETE FROM educator_account_site WHERE account_id = ?', params: [row.accountId] },
  ]);
};

const createdByEmail = (rows: NewAccountRow[]): AccountSelection => ({
  where: `email_normalized IN (${parameterList(rows.length)})`,
  params: rows.map((row) => row.emailNormalized),
});

const recreatedById = (writes: ChunkWrites): AccountSelection => ({
  where: `id IN (${parameterList(writes.recreates.length)})`,
  params: writes.recreates.map((row) => row.accountId),
});

/** Memberships and invitations copied from the accounts just written by the database itself, so nothing is sent twice. */
const copiedToMembershipsAndInvitations = (writes: ChunkWrites, accounts: AccountSelection): Statement[] => {
  const now = writes.now.getTime();
  return [
    {
      sql: `INSERT INTO educator_account_site (account_id, school_site_id) SELECT id, ? FROM educator_account WHERE ${accounts.where}`,
      params: [writes.schoolSiteId, ...accounts.params],
    },
    {
      sql: `INSERT INTO outbox_message (recipient, template, subject, body, status, attempts, created_at, next_attempt_at, account_id)
            SELECT email, 'invitation', ?, ?, 'PENDING', 0, ?, ?, id FROM educator_account WHERE ${accounts.where}`,
      params: [INVITATION_SUBJECT, invitationBody(writes.placeName), now, now, ...accounts.params],
    },
  ];
};

/**
 * Fails the query (MySQL error 1242, "Subquery returns more than 1 row") unless the fence just before moved one row:
 * without stored programs, that is how a query of several statements stops before its COMMIT.
 */
const FENCE_MUST_HOLD: Statement[] = [
  { sql: 'SET @fence_rows = ROW_COUNT()', params: [] },
  { sql: 'SELECT (SELECT 1 UNION ALL SELECT 1 FROM DUAL WHERE @fence_rows <> 1) AS fence_holds', params: [] },
];

const isFenceRefusal = (error: unknown): boolean => (error as { errno?: number } | null)?.errno === 1242;

/**
 * MySQL named locks, one per place in the batch, order two chunks in flight: a chunk holds the lock of the place it
 * ends at until it has committed, and the chunk after waits for that lock before its fence. Without them, a chunk that
 * wrote its rows faster than the one before would reach the fence first, be refused, and be written again. Only the
 * waiting depends on them: the fence alone decides what lands, so a lock given up after CHUNK_TURN_WAIT_S costs time,
 * never correctness.
 */
const CHUNK_TURN_WAIT_S = 10;
const chunkTurn = (writes: ChunkWrites, place: number) => ({ name: "CONCAT(DATABASE(), '.upload-', ?, '-at-', ?)", params: [writes.batchId, place] });
const holdTurnUntilLanded = (writes: ChunkWrites): Statement => {
  const turn = chunkTurn(writes, writes.recordsProcessedBefore + writes.countsAdded.recordsProcessed);
  return { sql: `DO GET_LOCK(${turn.name}, ?)`, params: [...turn.params, CHUNK_TURN_WAIT_S] };
};
const waitForChunkBefore = (writes: ChunkWrites): Statement[] => {
  const turn = chunkTurn(writes, writes.recordsProcessedBefore);
  return [
    { sql: `DO GET_LOCK(${turn.name}, ?)`, params: [...turn.params, CHUNK_TURN_WAIT_S] },
    { sql: `DO RELEASE_LOCK(${turn.name})`, params: turn.params },
  ];
};
const RELEASE_TURNS = 'DO RELEASE_ALL_LOCKS()';
const START_TRANSACTION: Statement = { sql: 'START TRANSACTION', params: [] };

const logChangedStatement = (writes: ChunkWrites): Statement => ({
  sql: 'UPDATE upload_log_version SET version = version + 1 WHERE school_site_id = ?',
  params: [writes.schoolSiteId],
});

const FAILURE_INSERT = 'INSERT INTO upload_failure (batch_id, line_number, code, reason, role_as_written, email, original_cells) VALUES';

const failureValues =
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

const failureStatements = (writes: ChunkWrites): Statement[] =>
  writes.failures.length === 0
    ? []
    : [{ sql: `${FAILURE_INSERT} ${placeholders(writes.failures.length, 7)}`, params: writes.failures.flatMap(failureValues(writes)) }];

/**
 * The bulk path in plain SQL: multi-row inserts per chunk, one transaction per chunk, fenced by the
 * worker's lease so that a worker that lost its lease can never write a row twice.
 */
export class TypeOrmUploadBatchStore implements UploadBatchStore, UploadTurns {
  private consecutiveIds: Promise<boolean> | undefined;
  /** The bulk writer's own connections (MySQL): one chunk writes its rows on one while the chunk before commits on the other. */
  private readonly writers: WriterLane[] = [new WriterLane(), new WriterLane()];
  private readonly queuedListeners: (() => void)[] = [];
  readonly storedChunkBytes: number;

  /** `statementBytes`: the most a query may have, the server's max_allowed_packet less the protocol's own bytes. */
  private constructor(
    private readonly dataSource: DataSource,
    private readonly statementBytes: number,
    private readonly metrics: ChunkMetrics,
  ) {
    this.storedChunkBytes = Math.min(STORED_CHUNK_BYTES, statementBytes);
  }

  /**
   * Reads the server's max_allowed_packet once (MySQL), for sizing every statement by bytes, and refuses to start when
   * it cannot hold the largest failed row a file within `maxRowBytes` may have.
   */
  static async open(dataSource: DataSource, maxRowBytes: number, metrics: ChunkMetrics): Promise<TypeOrmUploadBatchStore> {
    if (dialectOf(dataSource) !== 'mysql') return new TypeOrmUploadBatchStore(dataSource, Number.POSITIVE_INFINITY, metrics);
    const [row]: Row[] = await dataSource.query('SELECT @@max_allowed_packet AS packet');
    const statementBytes = Number(row.packet) - PACKET_OVERHEAD_BYTES;
    const needed = largestFailureBytes(maxRowBytes);
    if (statementBytes < needed) {
      throw new Error(
        `The database's max_allowed_packet is ${Number(row.packet)} bytes: a failed row of a file within MAX_ROW_BYTES=${maxRowBytes} may need ` +
          `${needed + PACKET_OVERHEAD_BYTES}. Raise max_allowed_packet to at least that, or lower MAX_ROW_BYTES.`,
      );
    }
    return new TypeOrmUploadBatchStore(dataSource, statementBytes, metrics);
  }

  private get mysql(): boolean {
    return dialectOf(this.dataSource) === 'mysql';
  }

  openBatch(batch: NewBatch): Promise<number>;
  openBatch(batch: NewBatch, maxWaiting: number): Promise<number | null>;
  async openBatch(batch: NewBatch, maxWaiting = Number.POSITIVE_INFINITY): Promise<number | null> {
    const ignore = this.mysql ? 'IGNORE' : 'OR IGNORE';
    // The site's log counter exists before its first batch can be seen, so that every change after is a plain UPDATE.
    // It starts from the wall clock, so that a counter made anew (a restored database) cannot repeat an earlier value.
    await this.dataSource.query(`INSERT ${ignore} INTO upload_log_version (school_site_id, version) VALUES (?, ?)`, [batch.schoolSiteId, Date.now()]);
    await this.dataSource.query(
      `INSERT ${ignore} INTO upload_site_queue (school_site_id, district_id, last_turn_at) SELECT id, district_id, 0 FROM school_site WHERE id = ?`,
      [batch.schoolSiteId],
    );
    const open = (manager: EntityManager) => this.openWithin(manager, batch, maxWaiting);
    // READ COMMITTED: the count sees what the upload that held the row before committed.
    return retryTransient(() => (this.mysql ? this.dataSource.transaction('READ COMMITTED', open) : this.dataSource.transaction(open)));
  }

  /**
   * MySQL: holding the site's queue row, one upload of a site at a time counts and opens, across processes. SQLite: a
   * transaction that read before another process wrote cannot write (SQLITE_BUSY_SNAPSHOT), and is run again.
   */
  private async openWithin(manager: EntityManager, batch: NewBatch, maxWaiting: number): Promise<number | null> {
    if (this.mysql) await manager.query('SELECT school_site_id FROM upload_site_queue WHERE school_site_id = ? FOR UPDATE', [batch.schoolSiteId]);
    const key = batch.idempotencyKey ?? null;
    // Copies of one keyed upload arriving together take one place: the batches of one key count once.
    const [waiting]: Row[] = await manager.query(
      `SELECT COUNT(*) AS n FROM (SELECT 1 AS place FROM upload_batch WHERE school_site_id = ? AND status IN ('RECEIVING', 'QUEUED', 'PROCESSING')
       ${key === null ? '' : 'AND (idempotency_key IS NULL OR idempotency_key <> ? OR uploaded_by_account_id <> ?)'}
       GROUP BY uploaded_by_account_id, idempotency_key, CASE WHEN idempotency_key IS NULL THEN id END) places`,
      key === null ? [batch.schoolSiteId] : [batch.schoolSiteId, key, batch.uploadedByAccountId],
    );
    if (Number(waiting.n) >= maxWaiting) return null;
    const result = await manager.getRepository(UploadBatchRecord).insert({
      schoolSiteId: batch.schoolSiteId,
      uploadedByAccountId: batch.uploadedByAccountId,
      fileName: batch.fileName,
      byteSize: 0,
      dryRun: batch.dryRun ? 1 : 0,
      status: 'RECEIVING',
      totalRows: null,
      recordsProcessed: 0,
      recordsCreated: 0,
      recordsSkipped: 0,
      recordsFailed: 0,
      rejectionReason: null,
      warnings: '[]',
      createdAt: batch.now.getTime(),
      startTime: null,
      endTime: null,
      leaseOwner: null,
      // While RECEIVING, the lease is the file's arrival deadline (see discardAbandoned).
      leaseExpiresAt: batch.receivingUntil.getTime(),
      failedAttempts: 0,
      failureReason: null,
      idempotencyKey: key,
    });
    return Number(result.identifiers[0].id);
  }

  async stillReceiving(batchId: number, until: Date): Promise<void> {
    await this.dataSource.query("UPDATE upload_batch SET lease_expires_at = ? WHERE id = ? AND status = 'RECEIVING'", [until.getTime(), batchId]);
  }

  async appendFileChunk(batchId: number, seq: number, bytes: Buffer): Promise<void> {
    const sql = 'INSERT INTO upload_file_chunk (batch_id, seq, data) VALUES (?, ?, ?)';
    if (!this.mysql) {
      await this.dataSource.query(sql, [batchId, seq, bytes]);
      return;
    }
    // A prepared statement sends the megabyte as it is; TypeORM's text protocol would spell it out in hex, twice the size.
    const runner = this.dataSource.createQueryRunner();
    try {
      const connection = (await runner.connect()) as PreparedStatements;
      await new Promise<void>((resolve, reject) => connection.execute(sql, [batchId, seq, bytes], (error) => (error ? reject(error) : resolve())));
    } finally {
      await runner.release();
    }
  }

  /** Called when this process has queued a batch, so that a worker in the same process need not wait for its next poll. */
  onQueued(listener: () => void): void {
    this.queuedListeners.push(listener);
  }

  announceQueued(): void {
    for (const listener of this.queuedListeners) listener();
  }

  async markQueued(batchId: number, byteSize: number, totalRows: number, agreement: AgreementAcceptance, idempotency?: KeyedRequest): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      if (idempotency && !(await claimKey((sql, parameters) => manager.query(sql, parameters), idempotency, agreement.acceptedAt, batchId))) return false;
      await manager.query(
        "UPDATE upload_batch SET status = 'QUEUED', byte_size = ?, total_rows = ?, lease_expires_at = NULL WHERE id = ? AND status = 'RECEIVING'",
        [byteSize, totalRows, batchId],
      );
      await manager.query(LOG_CHANGED_BY_BATCH, [batchId]);
      await manager.insert(AgreementAcceptanceRecord, agreementRow(agreement));
      return true;
    });
  }

  async markRejected(
    batchId: number,
    byteSize: number,
    reason: string,
    now: Date,
    agreement: AgreementAcceptance,
    idempotency?: KeyedRequest,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      if (idempotency && !(await claimKey((sql, parameters) => manager.query(sql, parameters), idempotency, agreement.acceptedAt, batchId))) return false;
      await manager.query('DELETE FROM upload_file_chunk WHERE batch_id = ?', [batchId]);
      await manager.query(
        "UPDATE upload_batch SET status = 'REJECTED', byte_size = ?, rejection_reason = ?, start_time = ?, end_time = ?, lease_expires_at = NULL WHERE id = ?",
        [byteSize, reason, now.getTime(), now.getTime(), batchId],
      );
      await manager.query(LOG_CHANGED_BY_BATCH, [batchId]);
      await manager.insert(AgreementAcceptanceRecord, agreementRow(agreement));
      return true;
    });
  }

  async discard(batchId: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // A queueing whose answer was lost with its connection may have landed: that batch keeps its file.
      await manager.query("DELETE FROM upload_file_chunk WHERE batch_id = ? AND EXISTS (SELECT 1 FROM upload_batch WHERE id = ? AND status = 'RECEIVING')", [
        batchId,
        batchId,
      ]);
      await manager.query("DELETE FROM upload_batch WHERE id = ? AND status = 'RECEIVING'", [batchId]);
    });
  }

  async discardAbandoned(now: Date): Promise<number> {
    const abandoned: Row[] = await this.dataSource.query("SELECT id FROM upload_batch WHERE status = 'RECEIVING' AND lease_expires_at < ?", [now.getTime()]);
    for (const row of abandoned) await this.discard(Number(row.id));
    return abandoned.length;
  }

  /** The worker's reads: a dropped connection or a deadlock costs a retry, not the batch attempt. */
  private query(sql: string, parameters: unknown[]): Promise<Row[]> {
    return retryTransient(() => this.dataSource.query(sql, parameters));
  }

  claimNext(leaseOwner: string, now: Date, leaseMs: number): Promise<ClaimedBatch | null> {
    return retryTransient(() => this.claim(leaseOwner, now, leaseMs, false));
  }

  claimTurn(leaseOwner: string, now: Date, leaseMs: number): Promise<ClaimedBatch | null> {
    return retryTransient(() => this.claim(leaseOwner, now, leaseMs, true));
  }

  async someoneWaiting(leaseOwner: string, now: Date): Promise<boolean> {
    const [waiting]: Row[] = await this.query(`SELECT b.id FROM upload_batch b WHERE ${WAITING} AND ${MAY_TAKE_A_TURN} LIMIT 1`, [now.getTime(), leaseOwner]);
    return waiting !== undefined;
  }

  /**
   * The first few waiting batches in claim order are read without locks and tried in turn: the claim itself is an
   * UPDATE that holds only while the batch is still unclaimed, so two workers reading the same batch claim it once.
   */
  private async claim(leaseOwner: string, now: Date, leaseMs: number, takingTurns: boolean): Promise<ClaimedBatch | null> {
    const candidates: Row[] = await this.dataSource.query(
      `SELECT b.id FROM upload_batch b LEFT JOIN upload_site_queue q ON q.school_site_id = b.school_site_id
       WHERE ${WAITING}${takingTurns ? ` AND ${MAY_TAKE_A_TURN}` : ''}
       ORDER BY COALESCE((SELECT MAX(d.last_turn_at) FROM upload_site_queue d WHERE d.district_id = q.district_id), 0), COALESCE(q.last_turn_at, 0), b.id
       LIMIT ${CLAIM_CANDIDATES}`,
      takingTurns ? [now.getTime(), leaseOwner] : [now.getTime()],
    );
    for (const candidate of candidates) {
      const claimed = await this.dataSource.transaction((manager) => this.claimCandidate(manager, Number(candidate.id), leaseOwner, now, leaseMs));
      if (claimed) return claimed;
    }
    return null;
  }

  private async claimCandidate(manager: EntityManager, batchId: number, leaseOwner: string, now: Date, leaseMs: number): Promise<ClaimedBatch | null> {
    const claimed = await manager.queryRunner!.query(
      `UPDATE upload_batch SET status = 'PROCESSING', lease_owner = ?, lease_expires_at = ?, start_time = COALESCE(start_time, ?)
       WHERE id = ? AND status IN ('QUEUED', 'PROCESSING') AND (lease_expires_at IS NULL OR lease_expires_at < ?)`,
      [leaseOwner, now.getTime() + leaseMs, now.getTime(), batchId, now.getTime()],
      true,
    );
    if (claimed.affected !== 1) return null;
    await manager.query('UPDATE upload_site_queue SET last_turn_at = ? WHERE school_site_id = (SELECT school_site_id FROM upload_batch WHERE id = ?)', [
      now.getTime(),
      batchId,
    ]);
    await manager.query(LOG_CHANGED_BY_BATCH, [batchId]);
    const [row]: Row[] = await manager.query(`SELECT ${BATCH_COLUMNS} FROM upload_batch WHERE id = ?`, [batchId]);
    return { ...toView(row), leaseOwner };
  }

  async *readFile(batchId: number): AsyncIterable<Buffer> {
    // One chunk in memory at a time, however large the file.
    for (let seq = 0; ; seq += 1) {
      const [row]: Row[] = await this.query('SELECT data FROM upload_file_chunk WHERE batch_id = ? AND seq = ?', [batchId, seq]);
      if (!row) return;
      // Drivers hand back a Buffer already; copying each megabyte again would only make garbage.
      yield Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data as Uint8Array);
    }
  }

  async findExisting(emailsNormalized: string[], now: Date): Promise<ExistingAccount[]> {
    const rows: Row[] = [];
    // An email spelled out costs at most twice its bytes (every character escaped), its quotes and a comma.
    for (const emails of splitByBytes(emailsNormalized, this.statementBytes - 512, (email) => 2 * Buffer.byteLength(email) + 4)) {
      const found: Row[] = await this.query(
        `SELECT a.id, a.email_normalized, a.registered_at, a.registration_deadline, m.school_site_id
         FROM educator_account a LEFT JOIN educator_account_site m ON m.account_id = a.id
         WHERE a.email_normalized IN (${parameterList(emails.length)})`,
        emails,
      );
      rows.push(...found);
    }
    const accounts = new Map<number, ExistingAccount>();
    for (const row of rows) {
      const id = Number(row.id);
      const account = accounts.get(id) ?? {
        id,
        emailNormalized: String(row.email_normalized),
        expired: row.registered_at === null && Number(row.registration_deadline) < now.getTime(),
        schoolSiteIds: [],
      };
      if (row.school_site_id !== null) account.schoolSiteIds.push(Number(row.school_site_id));
      accounts.set(id, account);
    }
    return [...accounts.values()];
  }

  /** A chunk that still meets deadlocks or lock timeouts after a few tries is left for the batch's next attempt. */
  async commitChunk(writes: ChunkWrites): Promise<ChunkCommit> {
    const started = performance.now();
    let result: ChunkCommit | 'error' = 'error';
    try {
      result = await retryTransient(() => this.writeChunk(writes));
      return result;
    } catch (error) {
      if (!isTransientDatabaseError(error)) throw error;
      result = 'contended';
      return result;
    } finally {
      this.metrics.chunkCommitted(result, (performance.now() - started) / 1000, writes);
    }
  }

  private writeChunk(writes: ChunkWrites): Promise<ChunkCommit> {
    return this.mysql ? this.writeChunkInOneRoundTrip(writes) : this.writeChunkStatementByStatement(writes);
  }

  /**
   * MySQL/MariaDB: the whole transaction, COMMIT included, goes in one query of several statements: one round trip a
   * chunk. The chunk's rows are written first and the fence last, so that they are written while the chunk before
   * still commits on the other connection; the chunk then waits for that commit (chunkTurn). Right after the fence, a statement
   * fails unless the fence moved exactly the batch's row, so that nothing after it runs (COMMIT included) when the
   * lease is lost or the chunk before did not land. READ COMMITTED: copying the accounts just written into
   * memberships and invitations must not lock the rows after them, which the other chunk may be writing.
   */
  private writeChunkInOneRoundTrip(writes: ChunkWrites): Promise<ChunkCommit> {
    const lane = this.writers.reduce((quietest, other) => (other.waiting < quietest.waiting ? other : quietest));
    return lane.take(async () => this.sendChunk(lane, await lane.connection(() => openStatementBatchConnection(this.dataSource)), writes));
  }

  private async sendChunk(lane: WriterLane, connection: Connection, writes: ChunkWrites): Promise<ChunkCommit> {
    let open = false;
    try {
      const queries = queriesOf(this.statementBytes, await this.chunkStatements(connection, writes));
      open = true;
      // One query, one round trip, unless the chunk's rows need more bytes than one query may have.
      for (const query of queries) await connection.query(query);
      return 'committed';
    } catch (error) {
      // A statement failed part way (the fence, a taken email, a deadlock): nothing of the chunk may stay. A connection
      // that cannot even roll back is closed, which rolls back too, and the next chunk on this lane opens a new one.
      if (open && !(await rolledBack(connection, RELEASE_TURNS))) lane.discard(connection);
      if (open && isFenceRefusal(error)) return this.whyFenceRefused(writes, (sql, params) => this.query(sql, params));
      if (isUniqueViolation(error)) {
        // The rows come before the fence: a chunk written again after it landed (its answer lost) meets its own accounts.
        return (await this.whyFenceRefused(writes, (sql, params) => this.query(sql, params))) === 'committed' ? 'committed' : 'email-race';
      }
      throw error;
    }
  }

  /**
   * The chunk's transaction as the text MySQL receives, in groups that must share a query: its start, then each
   * statement, then its fence through its COMMIT. Multi-row inserts are cut by bytes, each part with its own copies.
   */
  private async chunkStatements(connection: Connection, writes: ChunkWrites): Promise<SqlText[][]> {
    const start = [holdTurnUntilLanded(writes), { sql: 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', params: [] }, START_TRANSACTION];
    const groups: SqlText[][] = [start.map(asText)];
    const alone = (statements: Statement[]): void => {
      for (const statement of statements) groups.push([asText(statement)]);
    };
    const consecutive = writes.creates.length > 0 && (await this.idsAreConsecutive(connection));
    // Room beside each part for the copies that name its accounts by email.
    for (const part of multiRowInserts(this.statementBytes - 1024, ACCOUNT_INSERT, writes.creates, newAccountValues(writes))) {
      // LAST_INSERT_ID() is the first of the block InnoDB gave the statement; kept before any later insert can change it.
      groups.push([part, asText({ sql: 'SET @first_new_account_id = LAST_INSERT_ID()', params: [] })]);
      const selection: AccountSelection = consecutive
        ? { where: 'id BETWEEN @first_new_account_id AND @first_new_account_id + ?', params: [part.rows.length - 1] }
        : createdByEmail(part.rows);
      alone(copiedToMembershipsAndInvitations(writes, selection));
    }
    alone(recreateStatements(writes));
    if (writes.recreates.length > 0) alone(copiedToMembershipsAndInvitations(writes, recreatedById(writes)));
    for (const part of multiRowInserts(this.statementBytes, FAILURE_INSERT, writes.failures, failureValues(writes))) groups.push([part]);
    const fenceToEnd = [...waitForChunkBefore(writes), fenceStatement(writes), ...FENCE_MUST_HOLD, logChangedStatement(writes)];
    groups.push([...fenceToEnd, { sql: 'COMMIT', params: [] }, { sql: RELEASE_TURNS, params: [] }].map(asText));
    return groups;
  }

  /** SQLite runs in this process: there are no round trips to save, each statement runs on its own. */
  private async writeChunkStatementByStatement(writes: ChunkWrites): Promise<ChunkCommit> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const runner = manager.queryRunner!;
        const fence = fenceStatement(writes);
        const fenced = await runner.query(fence.sql, fence.params, true);
        if (fenced.affected !== 1) {
          const refusal = await this.whyFenceRefused(writes, (sql, params) => runner.query(sql, params));
          if (refusal === 'committed') return refusal;
          throw new FenceRefused(refusal);
        }
        if (writes.creates.length > 0) {
          // SQLite takes the values as they are, however long: no packet to fit them in.
          const insert = `${ACCOUNT_INSERT} ${placeholders(writes.creates.length, NEW_ACCOUNT_COLUMNS.length)}`;
          const inserted = await runner.query(insert, writes.creates.flatMap(newAccountValues(writes)), true);
          const lastId = insertedId(inserted.raw);
          for (const statement of copiedToMembershipsAndInvitations(writes, {
            where: 'id BETWEEN ? AND ?',
            params: [lastId - writes.creates.length + 1, lastId],
          })) {
            await runner.query(statement.sql, statement.params);
          }
        }
        for (const statement of recreateStatements(writes)) await runner.query(statement.sql, statement.params);
        if (writes.recreates.length > 0) {
          for (const statement of copiedToMembershipsAndInvitations(writes, recreatedById(writes))) await runner.query(statement.sql, statement.params);
        }
        for (const statement of [...failureStatements(writes), logChangedStatement(writes)]) await runner.query(statement.sql, statement.params);
        return 'committed' as const;
      });
    } catch (error) {
      if (error instanceof FenceRefused) return error.outcome;
      if (isUniqueViolation(error)) return 'email-race';
      throw error;
    }
  }

  /**
   * The fence did not hold. A connection lost during COMMIT hides whether the chunk landed: if its progress is there,
   * it did. Progress short of where it starts means the chunk before has not landed (yet).
   */
  private async whyFenceRefused(
    writes: ChunkWrites,
    query: (sql: string, params: unknown[]) => Promise<Row[]>,
  ): Promise<'committed' | 'lease-lost' | 'out-of-turn'> {
    const [batch] = await query('SELECT lease_owner, status, records_processed FROM upload_batch WHERE id = ?', [writes.batchId]);
    if (batch?.lease_owner !== writes.leaseOwner || batch.status !== 'PROCESSING') return 'lease-lost';
    const processed = Number(batch.records_processed);
    if (processed === writes.recordsProcessedBefore + writes.countsAdded.recordsProcessed) return 'committed';
    return processed <= writes.recordsProcessedBefore ? 'out-of-turn' : 'lease-lost';
  }

  /**
   * A multi-row INSERT's ids are one consecutive block when InnoDB hands out one block per statement
   * (innodb_autoinc_lock_mode 0 or 1, increment 1); otherwise the new accounts are found again by email.
   */
  private idsAreConsecutive(connection: Connection): Promise<boolean> {
    this.consecutiveIds ??= connection
      .query('SELECT @@innodb_autoinc_lock_mode AS lock_mode, @@auto_increment_increment AS step')
      .then(([rows]) => {
        const [settings] = rows as Row[];
        return Number(settings.lock_mode) <= 1 && Number(settings.step) === 1;
      })
      .catch((error: unknown) => {
        this.consecutiveIds = undefined;
        throw error;
      });
    return this.consecutiveIds;
  }

  async close(): Promise<void> {
    await Promise.all(this.writers.map((lane) => lane.close()));
  }

  complete(batchId: number, leaseOwner: string, now: Date, completionEmail: EmailMessage, warnings: Warning[]): Promise<boolean> {
    return this.finish(batchId, leaseOwner, now, completionEmail, { sql: "status = 'COMPLETED', warnings = ?", params: [JSON.stringify(warnings)] });
  }

  fail(batchId: number, leaseOwner: string, reason: string, now: Date, email: EmailMessage): Promise<boolean> {
    return this.finish(batchId, leaseOwner, now, email, { sql: "status = 'FAILED', failure_reason = ?", params: [reason] });
  }

  /** Ends the batch for good, fenced by the lease, with the email that tells its uploader. */
  private async finish(batchId: number, leaseOwner: string, now: Date, email: EmailMessage, outcome: Statement): Promise<boolean> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const runner = manager.queryRunner!;
        const done = await runner.query(
          `UPDATE upload_batch SET ${outcome.sql}, end_time = ?, lease_owner = NULL, lease_expires_at = NULL
           WHERE id = ? AND lease_owner = ? AND status = 'PROCESSING'`,
          [...outcome.params, now.getTime(), batchId, leaseOwner],
          true,
        );
        if (done.affected !== 1) throw new FenceRefused('lease-lost');
        await runner.query(LOG_CHANGED_BY_BATCH, [batchId]);
        await insertOutboxMessage((sql, parameters) => runner.query(sql, parameters), queuedMessage(email), now);
        // No row of it will be read again: the stored file has done its job.
        await runner.query('DELETE FROM upload_file_chunk WHERE batch_id = ?', [batchId]);
        return true;
      });
    } catch (error) {
      if (error instanceof FenceRefused) return false;
      throw error;
    }
  }

  async countFailedAttempt(batchId: number, leaseOwner: string, error: unknown): Promise<number | null> {
    if (isTransientDatabaseError(error) || isConnectionLost(error)) return null;
    return this.dataSource.transaction(async (manager) => {
      const counted = await manager.queryRunner!.query(
        "UPDATE upload_batch SET failed_attempts = failed_attempts + 1 WHERE id = ? AND lease_owner = ? AND status = 'PROCESSING'",
        [batchId, leaseOwner],
        true,
      );
      if (counted.affected !== 1) return null;
      const [row]: Row[] = await manager.query('SELECT failed_attempts FROM upload_batch WHERE id = ?', [batchId]);
      return Number(row.failed_attempts);
    });
  }

  async reject(batchId: number, leaseOwner: string, reason: string, now: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rejected = await manager.queryRunner!.query(
        "UPDATE upload_batch SET status = 'REJECTED', rejection_reason = ?, end_time = ?, lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ? AND status = 'PROCESSING'",
        [reason, now.getTime(), batchId, leaseOwner],
        true,
      );
      if (rejected.affected !== 1) return false;
      await manager.query(LOG_CHANGED_BY_BATCH, [batchId]);
      await manager.query('DELETE FROM upload_file_chunk WHERE batch_id = ?', [batchId]);
      return true;
    });
  }

  async releaseLease(batchId: number, leaseOwner: string): Promise<void> {
    await this.dataSource.query('UPDATE upload_batch SET lease_expires_at = 0 WHERE id = ? AND lease_owner = ?', [batchId, leaseOwner]);
  }

  async findBatch(batchId: number): Promise<UploadBatchView | null> {
    const [row]: Row[] = await this.dataSource.query(`SELECT ${BATCH_COLUMNS} FROM upload_batch WHERE id = ? AND status <> 'RECEIVING'`, [batchId]);
    return row ? toView(row) : null;
  }

  async listBatches(schoolSiteIds: number[] | 'all-in-district', districtId: number, first: number, afterId: number | null): Promise<Page<UploadBatchView>> {
    const scope =
      schoolSiteIds === 'all-in-district'
        ? { sql: 'school_site_id IN (SELECT id FROM school_site WHERE district_id = ?)', params: [districtId] }
        : { sql: schoolSiteIds.length ? `school_site_id IN (${parameterList(schoolSiteIds.length)})` : '1 = 0', params: schoolSiteIds };
    const visible = `${scope.sql} AND status <> 'RECEIVING'`;
    const [total]: Row[] = await this.dataSource.query(`SELECT COUNT(*) AS total FROM upload_batch WHERE ${visible}`, scope.params);
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${BATCH_COLUMNS} FROM upload_batch WHERE ${visible}${afterId !== null ? ' AND id < ?' : ''} ORDER BY id DESC LIMIT ?`,
      [...scope.params, ...(afterId !== null ? [afterId] : []), first + 1],
    );
    return { nodes: rows.slice(0, first).map(toView), hasNextPage: rows.length > first, totalCount: Number(total.total) };
  }

  async listFailures(batchId: number, first: number, afterLine: number | null): Promise<Omit<Page<StoredFailure>, 'totalCount'>> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT batch_id, line_number, code, reason, role_as_written, email, original_cells FROM upload_failure
       WHERE batch_id = ? AND line_number > ? ORDER BY line_number LIMIT ?`,
      [batchId, afterLine ?? 0, first + 1],
    );
    return { nodes: rows.slice(0, first).map(toFailure), hasNextPage: rows.length > first };
  }

  async *streamFailures(batchId: number): AsyncIterable<StoredFailure> {
    let afterLine = 0;
    for (;;) {
      const page = await this.listFailures(batchId, 1000, afterLine);
      yield* page.nodes;
      if (!page.hasNextPage) return;
      afterLine = page.nodes[page.nodes.length - 1].lineNumber;
    }
  }
}

/**
 * One of the bulk writer's connections, opened at its first chunk and kept: a chunk's statements then leave in the same
 * turn of the event loop as the commit is asked for (a pool hands connections out a turn later, after the worker has
 * read and planned the next 1,000 records). One chunk at a time on it: another chunk's START TRANSACTION would commit
 * this one unchecked. Dropped when it fails, so that the next chunk reconnects.
 */
class WriterLane {
  private open: Promise<Connection> | undefined;
  private turn: Promise<unknown> = Promise.resolve();
  /** Chunks waiting for or using this lane. */
  waiting = 0;

  take<T>(work: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    const taken = this.turn.then(work).finally(() => {
      this.waiting -= 1;
    });
    this.turn = taken.catch(() => undefined);
    return taken;
  }

  connection(openConnection: () => Promise<Connection>): Promise<Connection> {
    if (!this.open) {
      const opening = openConnection().then((connection) => {
        const forget = (): void => {
          if (this.open === opening) this.open = undefined;
        };
        connection.on('error', forget);
        connection.on('end', forget);
        return connection;
      });
      opening.catch(() => {
        if (this.open === opening) this.open = undefined;
      });
      this.open = opening;
    }
    return this.open;
  }

  discard(connection: Connection): void {
    this.open = undefined;
    connection.destroy();
  }

  async close(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    await open?.then(
      (connection) => connection.end(),
      () => undefined,
    );
  }
}
