import type { DataSource, EntityManager } from 'typeorm';
import { queuedMessage, type EmailMessage } from '../../domain/educator/invitation';
import type { Warning } from '../../domain/school/site-admin-recommendation';
import type { BatchVerb } from '../../domain/upload-batch/upload-batch';
import type { UploadBatchQueue, UploadTurns } from '../../application/ports/upload-batch-queue';
import type { ClaimedBatch, UploadBatchView } from '../../application/ports/upload-batches';
import { becomesSql, FINISHED_CHECK, mayHappenSql } from './batch-status-sql';
import { isConnectionLost, isTransientDatabaseError, retryTransient } from './database-errors';
import type { Row, Statement } from './plain-sql';
import { insertOutboxMessage } from './sql-unit-of-work';
import { BATCH_COLUMNS, toView } from './upload-batch-rows';
import { uploadLogChanged } from './upload-log-version';

/** Unfinished, unclaimed (or its lease ran out), and first of its site: a site's batches run one at a time in upload order. */
const WAITING = `${mayHappenSql('claim', 'b.status')} AND (b.lease_expires_at IS NULL OR b.lease_expires_at < ?)
  AND NOT EXISTS (SELECT 1 FROM upload_batch e WHERE e.school_site_id = b.school_site_id AND e.id < b.id AND ${mayHappenSql('claim', 'e.status')})`;

/**
 * What a busy worker may switch to: a batch never started, one it handed back itself (it resumes it from memory), or
 * one whose worker stopped renewing its lease (handed back leases are 0). A batch another worker handed back waits
 * for that worker, or an idle one, rather than being read from its start again.
 */
const MAY_TAKE_A_TURN = '(b.start_time IS NULL OR b.lease_owner = ? OR b.lease_expires_at > 0)';

/** Waiting batches a claim tries, in order, before it gives up until the next poll. */
const CLAIM_CANDIDATES = 5;

/** The fence did not hold: roll back, write nothing. */
class LeaseLost extends Error {}

/**
 * The batch queue: claims in fair order (district, then site, served longest ago first), leases, and the ends of a
 * batch. Every status change is a verb of the batch lifecycle, guarded by it and by the worker's lease.
 */
export class SqlUploadBatchQueue implements UploadBatchQueue, UploadTurns {
  constructor(private readonly dataSource: DataSource) {}

  claimNext(leaseOwner: string, now: Date, leaseMs: number): Promise<ClaimedBatch | null> {
    return retryTransient(() => this.claim(leaseOwner, now, leaseMs, false));
  }

  claimTurn(leaseOwner: string, now: Date, leaseMs: number): Promise<ClaimedBatch | null> {
    return retryTransient(() => this.claim(leaseOwner, now, leaseMs, true));
  }

  async someoneWaiting(leaseOwner: string, now: Date): Promise<boolean> {
    const [waiting]: Row[] = await retryTransient(() =>
      this.dataSource.query(`SELECT b.id FROM upload_batch b WHERE ${WAITING} AND ${MAY_TAKE_A_TURN} LIMIT 1`, [now.getTime(), leaseOwner]),
    );
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
      `UPDATE upload_batch SET ${becomesSql('claim')}, lease_owner = ?, lease_expires_at = ?, start_time = COALESCE(start_time, ?)
       WHERE id = ? AND ${mayHappenSql('claim')} AND (lease_expires_at IS NULL OR lease_expires_at < ?)`,
      [leaseOwner, now.getTime() + leaseMs, now.getTime(), batchId, now.getTime()],
      true,
    );
    if (claimed.affected !== 1) return null;
    await manager.query('UPDATE upload_site_queue SET last_turn_at = ? WHERE school_site_id = (SELECT school_site_id FROM upload_batch WHERE id = ?)', [
      now.getTime(),
      batchId,
    ]);
    await run(manager, uploadLogChanged({ batchId }));
    const [row]: Row[] = await manager.query(`SELECT ${BATCH_COLUMNS} FROM upload_batch WHERE id = ?`, [batchId]);
    return { ...toView(row), leaseOwner };
  }

  complete(batchId: number, leaseOwner: string, now: Date, completionEmail: EmailMessage, warnings: Warning[]): Promise<boolean> {
    return this.finish('complete', batchId, leaseOwner, now, completionEmail, { sql: 'warnings = ?', params: [JSON.stringify(warnings)] });
  }

  fail(batchId: number, leaseOwner: string, reason: string, now: Date, email: EmailMessage): Promise<boolean> {
    return this.finish('fail', batchId, leaseOwner, now, email, { sql: 'failure_reason = ?', params: [reason] });
  }

  /** Ends the batch for good, fenced by the lease, with the email that tells its uploader. */
  private async finish(verb: BatchVerb, batchId: number, leaseOwner: string, now: Date, email: EmailMessage, outcome: Statement): Promise<boolean> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        if (!(await this.ended(manager, verb, batchId, leaseOwner, now, outcome))) throw new LeaseLost();
        await insertOutboxMessage((sql, parameters) => manager.query(sql, parameters), queuedMessage(email), now);
        // No row of it will be read again, but for a check's: its accounts may still be created from it (sql-check-follow-ups.ts).
        await manager.query(`DELETE FROM upload_file_chunk WHERE batch_id = ? AND NOT EXISTS (SELECT 1 FROM upload_batch WHERE id = ? AND ${FINISHED_CHECK})`, [
          batchId,
          batchId,
        ]);
        return true;
      });
    } catch (error) {
      if (error instanceof LeaseLost) return false;
      throw error;
    }
  }

  /** The batch's end (`verb`), if this worker still holds its lease; the log shows it. */
  private async ended(manager: EntityManager, verb: BatchVerb, batchId: number, leaseOwner: string, now: Date, outcome: Statement): Promise<boolean> {
    const done = await manager.queryRunner!.query(
      `UPDATE upload_batch SET ${becomesSql(verb)}, ${outcome.sql}, end_time = ?, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ? AND lease_owner = ? AND ${mayHappenSql(verb)}`,
      [...outcome.params, now.getTime(), batchId, leaseOwner],
      true,
    );
    if (done.affected !== 1) return false;
    await run(manager, uploadLogChanged({ batchId }));
    return true;
  }

  async reject(batchId: number, leaseOwner: string, reason: string, now: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.ended(manager, 'reject', batchId, leaseOwner, now, { sql: 'rejection_reason = ?', params: [reason] }))) return false;
      await manager.query('DELETE FROM upload_file_chunk WHERE batch_id = ?', [batchId]);
      return true;
    });
  }

  async countFailedAttempt(batchId: number, leaseOwner: string, error: unknown): Promise<number | null> {
    if (isTransientDatabaseError(error) || isConnectionLost(error)) return null;
    return this.dataSource.transaction(async (manager) => {
      const counted = await manager.queryRunner!.query(
        `UPDATE upload_batch SET failed_attempts = failed_attempts + 1 WHERE id = ? AND lease_owner = ? AND ${mayHappenSql('recordChunk')}`,
        [batchId, leaseOwner],
        true,
      );
      if (counted.affected !== 1) return null;
      const [row]: Row[] = await manager.query('SELECT failed_attempts FROM upload_batch WHERE id = ?', [batchId]);
      return Number(row.failed_attempts);
    });
  }

  async releaseLease(batchId: number, leaseOwner: string): Promise<void> {
    await this.dataSource.query('UPDATE upload_batch SET lease_expires_at = 0 WHERE id = ? AND lease_owner = ?', [batchId, leaseOwner]);
  }

  async findBatch(batchId: number): Promise<UploadBatchView | null> {
    const [row]: Row[] = await this.dataSource.query(`SELECT ${BATCH_COLUMNS} FROM upload_batch WHERE id = ?`, [batchId]);
    return row ? toView(row) : null;
  }
}

const run = (manager: EntityManager, statement: Statement): Promise<unknown> => manager.query(statement.sql, statement.params);
