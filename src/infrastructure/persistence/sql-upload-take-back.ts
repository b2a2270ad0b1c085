import type { DataSource, EntityManager } from 'typeorm';
import type { KeptAccount, UploadTakeBack } from '../../application/ports/upload-take-back';
import type { UploadBatchView } from '../../application/ports/upload-batches';
import { becomesSql, mayHappenSql, visibleSql } from './batch-status-sql';
import { retryTransient } from './database-errors';
import type { Row } from './plain-sql';
import { BATCH_COLUMNS, toView } from './upload-batch-rows';
import { uploadLogChanged } from './upload-log-version';

/** The accounts of a batch that nobody has registered yet: what an undo removes. */
const PENDING_OF_BATCH = 'SELECT id FROM educator_account WHERE source_batch_id = ? AND registered_at IS NULL';

/**
 * Cancel and undo, each one set-based transaction keyed by the batch id (indexed on educator_account.source_batch_id
 * and outbox_message.account_id): a 100,000-row batch is taken back in seconds, and a process killed part way leaves
 * the batch as it was, since nothing of the transaction is committed.
 */
export class SqlUploadTakeBack implements UploadTakeBack {
  constructor(private readonly dataSource: DataSource) {}

  cancel(batchId: number, now: Date): Promise<UploadBatchView | null> {
    return retryTransient(() =>
      this.dataSource.transaction(async (manager) => {
        // Clearing the lease fences the worker out: its next chunk, its completion and its lease renewals all need it.
        const cancelled = await affected(
          manager,
          `UPDATE upload_batch SET ${becomesSql('cancel')}, end_time = ?, lease_owner = NULL, lease_expires_at = NULL
           WHERE id = ? AND ${mayHappenSql('cancel')} AND ${visibleSql()}`,
          [now.getTime(), batchId],
        );
        if (cancelled !== 1) return null;
        // The rest of the file will not be read.
        await manager.query('DELETE FROM upload_file_chunk WHERE batch_id = ?', [batchId]);
        const changed = uploadLogChanged({ batchId });
        await manager.query(changed.sql, changed.params);
        return readBatch(manager, batchId);
      }),
    );
  }

  undo(batchId: number, now: Date): Promise<UploadBatchView | null> {
    return retryTransient(() =>
      this.dataSource.transaction(async (manager) => {
        // Taken first: a second undo, or a cancel, of the same batch waits here and then finds it UNDONE.
        const undone = await affected(
          manager,
          `UPDATE upload_batch SET ${becomesSql('undo')}, end_time = ? WHERE id = ? AND ${mayHappenSql('undo')} AND dry_run = 0`,
          [now.getTime(), batchId],
        );
        if (undone !== 1) return null;
        // Invitations not yet sent are never sent; a code already sent stops working once its account is gone.
        await manager.query(`DELETE FROM outbox_message WHERE status = 'PENDING' AND account_id IN (${PENDING_OF_BATCH})`, [batchId]);
        await manager.query(`DELETE FROM educator_account_site WHERE account_id IN (${PENDING_OF_BATCH})`, [batchId]);
        const removed = await affected(manager, 'DELETE FROM educator_account WHERE source_batch_id = ? AND registered_at IS NULL', [batchId]);
        const [kept]: Row[] = await manager.query('SELECT COUNT(*) AS kept FROM educator_account WHERE source_batch_id = ?', [batchId]);
        await manager.query('UPDATE upload_batch SET records_removed = ?, records_kept = ? WHERE id = ?', [removed, Number(kept.kept), batchId]);
        const changed = uploadLogChanged({ batchId });
        await manager.query(changed.sql, changed.params);
        return readBatch(manager, batchId);
      }),
    );
  }

  async countAccounts(batchId: number): Promise<{ pending: number; registered: number }> {
    const [row]: Row[] = await this.dataSource.query(
      'SELECT COUNT(*) AS created, COUNT(registered_at) AS registered FROM educator_account WHERE source_batch_id = ?',
      [batchId],
    );
    return { pending: Number(row.created) - Number(row.registered), registered: Number(row.registered) };
  }

  async listKept(batchId: number, first: number): Promise<KeptAccount[]> {
    const rows: Row[] = await this.dataSource.query(
      'SELECT id, email, first_name, last_name FROM educator_account WHERE source_batch_id = ? AND registered_at IS NOT NULL ORDER BY id LIMIT ?',
      [batchId, first],
    );
    return rows.map((row) => ({ id: Number(row.id), email: String(row.email), firstName: String(row.first_name), lastName: String(row.last_name) }));
  }
}

const affected = async (manager: EntityManager, sql: string, params: unknown[]): Promise<number> =>
  Number((await manager.queryRunner!.query(sql, params, true)).affected ?? 0);

const readBatch = async (manager: EntityManager, batchId: number): Promise<UploadBatchView> => {
  const [row]: Row[] = await manager.query(`SELECT ${BATCH_COLUMNS} FROM upload_batch WHERE id = ?`, [batchId]);
  return toView(row);
};
