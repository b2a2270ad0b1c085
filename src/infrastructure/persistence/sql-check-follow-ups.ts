import type { DataSource, EntityManager } from 'typeorm';
import type { CheckFollowUps, QueuedRun, RowCorrections } from '../../application/ports/check-follow-ups';
import type { AgreementAcceptance } from '../../application/ports/unit-of-work';
import type { RowCorrection, StoredFailure } from '../../application/ports/upload-batches';
import { becomesSql, FINISHED_CHECK, mayHappenSql } from './batch-status-sql';
import { dialectOf } from './data-source';
import { retryTransient } from './database-errors';
import { changedRows, type Row, type Statement } from './plain-sql';
import { AgreementAcceptanceRecord } from './records/records';
import { agreementRow } from './sql-unit-of-work';
import { FAILURE_COLUMNS, toFailure } from './upload-batch-rows';
import { uploadLogChanged } from './upload-log-version';

/** A finished check that no run has followed yet: its file is kept, and its rows may be corrected. */
const OPEN_CHECK = `${FINISHED_CHECK} AND followed_by_batch_id IS NULL`;

const toCorrection = (row: Row): RowCorrection => ({
  lineNumber: Number(row.line_number),
  cells: JSON.parse(String(row.cells)) as string[],
  correctedByAccountId: Number(row.corrected_by_account_id),
  correctedAt: new Date(Number(row.corrected_at)),
});

/** Corrections of a check's rows and the run that follows it, each written in one transaction with the batches they change. */
export class SqlCheckFollowUps implements CheckFollowUps, RowCorrections {
  constructor(private readonly dataSource: DataSource) {}

  async findFailure(checkBatchId: number, lineNumber: number): Promise<StoredFailure | null> {
    const [row]: Row[] = await this.dataSource.query(
      `SELECT ${FAILURE_COLUMNS} FROM upload_failure f
       LEFT JOIN upload_row_correction c ON c.batch_id = f.batch_id AND c.line_number = f.line_number
       WHERE f.batch_id = ? AND f.line_number = ?`,
      [checkBatchId, lineNumber],
    );
    return row ? toFailure(row) : null;
  }

  saveCorrection(checkBatchId: number, correction: RowCorrection): Promise<boolean> {
    return retryTransient(() =>
      this.dataSource.transaction(async (manager) => {
        // Holding the check's row: a run that follows it meanwhile waits, and takes this correction with it.
        const [check]: Row[] = await manager.query(`SELECT id FROM upload_batch WHERE id = ? AND ${OPEN_CHECK}${this.forUpdate}`, [checkBatchId]);
        if (!check) return false;
        const replaced = await changedRows(
          manager,
          'UPDATE upload_row_correction SET cells = ?, corrected_by_account_id = ?, corrected_at = ? WHERE batch_id = ? AND line_number = ?',
          [JSON.stringify(correction.cells), correction.correctedByAccountId, correction.correctedAt.getTime(), checkBatchId, correction.lineNumber],
        );
        if (replaced === 0) {
          await manager.query(
            'INSERT INTO upload_row_correction (batch_id, line_number, cells, corrected_by_account_id, corrected_at) VALUES (?, ?, ?, ?, ?)',
            [checkBatchId, correction.lineNumber, JSON.stringify(correction.cells), correction.correctedByAccountId, correction.correctedAt.getTime()],
          );
          await manager.query('UPDATE upload_batch SET rows_corrected = rows_corrected + 1 WHERE id = ?', [checkBatchId]);
        }
        await run(manager, uploadLogChanged({ batchId: checkBatchId }));
        return true;
      }),
    );
  }

  async listCorrections(batchId: number, first: number, afterLine: number | null): Promise<{ nodes: RowCorrection[]; hasNextPage: boolean }> {
    const rows: Row[] = await this.dataSource.query(
      'SELECT line_number, cells, corrected_by_account_id, corrected_at FROM upload_row_correction WHERE batch_id = ? AND line_number > ? ORDER BY line_number LIMIT ?',
      [batchId, afterLine ?? 0, first + 1],
    );
    return { nodes: rows.slice(0, first).map(toCorrection), hasNextPage: rows.length > first };
  }

  async correctionsOf(batchId: number): Promise<Map<number, string[]>> {
    const rows: Row[] = await this.dataSource.query('SELECT line_number, cells FROM upload_row_correction WHERE batch_id = ?', [batchId]);
    return new Map(rows.map((row) => [Number(row.line_number), JSON.parse(String(row.cells)) as string[]]));
  }

  queueRun(checkBatchId: number, runBatchId: number, agreement: AgreementAcceptance): Promise<QueuedRun> {
    return retryTransient(() =>
      this.dataSource.transaction(async (manager): Promise<QueuedRun> => {
        const [check]: Row[] = await manager.query(
          `SELECT byte_size, total_rows, rows_corrected, followed_by_batch_id FROM upload_batch WHERE id = ?${this.forUpdate}`,
          [checkBatchId],
        );
        if (check.followed_by_batch_id !== null) return { queued: false, because: 'ALREADY_FOLLOWED', runBatchId: Number(check.followed_by_batch_id) };
        const moved = await changedRows(manager, 'UPDATE upload_file_chunk SET batch_id = ? WHERE batch_id = ?', [runBatchId, checkBatchId]);
        if (moved === 0) return { queued: false, because: 'FILE_GONE' };
        await manager.query(
          `UPDATE upload_batch SET ${becomesSql('queue')}, byte_size = ?, total_rows = ?, rows_corrected = ?, created_from_batch_id = ?, lease_expires_at = NULL
         WHERE id = ? AND ${mayHappenSql('queue')}`,
          [check.byte_size, check.total_rows, check.rows_corrected, checkBatchId, runBatchId],
        );
        await manager.query('UPDATE upload_batch SET followed_by_batch_id = ? WHERE id = ?', [runBatchId, checkBatchId]);
        await manager.insert(AgreementAcceptanceRecord, agreementRow(agreement));
        await run(manager, uploadLogChanged({ batchId: checkBatchId }));
        return { queued: true };
      }),
    );
  }

  async discardExpiredChecks(finishedBefore: Date): Promise<number> {
    const expired: Row[] = await this.dataSource.query(
      `SELECT DISTINCT batch_id FROM upload_file_chunk WHERE batch_id IN (SELECT id FROM upload_batch WHERE ${OPEN_CHECK} AND end_time < ?)`,
      [finishedBefore.getTime()],
    );
    for (const row of expired) await this.dataSource.query('DELETE FROM upload_file_chunk WHERE batch_id = ?', [row.batch_id]);
    return expired.length;
  }

  /** SQLite holds the whole database for a writing transaction; MySQL locks the rows read with this. */
  private get forUpdate(): string {
    return dialectOf(this.dataSource) === 'mysql' ? ' FOR UPDATE' : '';
  }
}

const run = (manager: EntityManager, statement: Statement): Promise<unknown> => manager.query(statement.sql, statement.params);
