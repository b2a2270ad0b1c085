import type { DataSource, EntityManager } from 'typeorm';
import type { KeyedRequest } from '../../application/ports/idempotency-keys';
import type { StoredUploadFiles, UploadFileInbox } from '../../application/ports/upload-file-inbox';
import type { NewBatch } from '../../application/ports/upload-batches';
import type { AgreementAcceptance } from '../../application/ports/unit-of-work';
import { NEW_BATCH_STATUS, UNFINISHED_BATCH_STATUSES } from '../../domain/upload-batch/upload-batch';
import { becomesSql, mayHappenSql, statusIn } from './batch-status-sql';
import { dialectOf } from './data-source';
import { retryTransient } from './database-errors';
import type { Row, Statement } from './plain-sql';
import { AgreementAcceptanceRecord, UploadBatchRecord } from './records/records';
import { agreementRow } from './sql-unit-of-work';
import { claimKey } from './sql-idempotency-keys';
import { uploadLogChanged, uploadLogCounterFor } from './upload-log-version';

/** mysql2's own connection under a TypeORM query runner, for its binary protocol. */
interface PreparedStatements {
  execute(sql: string, values: unknown[], callback: (error: Error | null) => void): void;
}

/** A stored piece of a file: a megabyte, unless the database's packet limit is smaller. */
const STORED_CHUNK_BYTES = 1024 * 1024;

/** A batch whose file is still arriving: the one status from which it may still be queued. */
const STILL_RECEIVING = mayHappenSql('queue');

/**
 * The file inbox: a batch opens as RECEIVING, its file is stored in pieces as it arrives, and it is then queued or
 * refused (with the agreement that allowed it) or, when it never arrived whole, discarded. The worker reads the stored
 * file back from here.
 */
export class SqlUploadFileInbox implements UploadFileInbox, StoredUploadFiles {
  private readonly queuedListeners: (() => void)[] = [];
  readonly storedChunkBytes: number;

  /** `statementBytes`: the most a query may have (MySQL's max_allowed_packet less the protocol's bytes). */
  constructor(
    private readonly dataSource: DataSource,
    statementBytes: number,
  ) {
    this.storedChunkBytes = Math.min(STORED_CHUNK_BYTES, statementBytes);
  }

  private get mysql(): boolean {
    return dialectOf(this.dataSource) === 'mysql';
  }

  openBatch(batch: NewBatch): Promise<number>;
  openBatch(batch: NewBatch, maxWaiting: number): Promise<number | null>;
  async openBatch(batch: NewBatch, maxWaiting = Number.POSITIVE_INFINITY): Promise<number | null> {
    const ignore = this.mysql ? 'IGNORE' : 'OR IGNORE';
    await run(this.dataSource.manager, uploadLogCounterFor(batch.schoolSiteId, this.mysql, Date.now()));
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
      `SELECT COUNT(*) AS n FROM (SELECT 1 AS place FROM upload_batch WHERE school_site_id = ? AND ${statusIn(UNFINISHED_BATCH_STATUSES)}
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
      status: NEW_BATCH_STATUS,
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
    await this.dataSource.query(`UPDATE upload_batch SET lease_expires_at = ? WHERE id = ? AND ${STILL_RECEIVING}`, [until.getTime(), batchId]);
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
        `UPDATE upload_batch SET ${becomesSql('queue')}, byte_size = ?, total_rows = ?, lease_expires_at = NULL WHERE id = ? AND ${mayHappenSql('queue')}`,
        [byteSize, totalRows, batchId],
      );
      await run(manager, uploadLogChanged({ batchId }));
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
        `UPDATE upload_batch SET ${becomesSql('refuse')}, byte_size = ?, rejection_reason = ?, start_time = ?, end_time = ?, lease_expires_at = NULL
         WHERE id = ? AND ${mayHappenSql('refuse')}`,
        [byteSize, reason, now.getTime(), now.getTime(), batchId],
      );
      await run(manager, uploadLogChanged({ batchId }));
      await manager.insert(AgreementAcceptanceRecord, agreementRow(agreement));
      return true;
    });
  }

  async discard(batchId: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // A queueing whose answer was lost with its connection may have landed: that batch keeps its file.
      await manager.query(`DELETE FROM upload_file_chunk WHERE batch_id = ? AND EXISTS (SELECT 1 FROM upload_batch WHERE id = ? AND ${STILL_RECEIVING})`, [
        batchId,
        batchId,
      ]);
      await manager.query(`DELETE FROM upload_batch WHERE id = ? AND ${STILL_RECEIVING}`, [batchId]);
    });
  }

  async discardAbandoned(now: Date): Promise<number> {
    const abandoned: Row[] = await this.dataSource.query(`SELECT id FROM upload_batch WHERE ${STILL_RECEIVING} AND lease_expires_at < ?`, [now.getTime()]);
    for (const row of abandoned) await this.discard(Number(row.id));
    return abandoned.length;
  }

  async *readFile(batchId: number): AsyncIterable<Buffer> {
    // One chunk in memory at a time, however large the file.
    for (let seq = 0; ; seq += 1) {
      const [row]: Row[] = await retryTransient(() =>
        this.dataSource.query('SELECT data FROM upload_file_chunk WHERE batch_id = ? AND seq = ?', [batchId, seq]),
      );
      if (!row) return;
      // Drivers hand back a Buffer already; copying each megabyte again would only make garbage.
      yield Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data as Uint8Array);
    }
  }
}

const run = (manager: EntityManager, statement: Statement): Promise<unknown> => manager.query(statement.sql, statement.params);
