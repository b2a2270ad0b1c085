import type { DataSource } from 'typeorm';
import type { Page } from '../../application/ports/account-directory';
import type { StoredFailure, UploadBatchView } from '../../application/ports/upload-batches';
import type { UploadLogReader } from '../../application/ports/upload-log-reader';
import { parameterList, type Row } from './plain-sql';
import { BATCH_COLUMNS, FAILURE_COLUMNS, toFailure, toView } from './upload-batch-rows';
import { visibleSql } from './batch-status-sql';

/** The upload log's reads: batches a person may see (never one still RECEIVING) and their failed rows, in pages. */
export class SqlUploadLogReader implements UploadLogReader {
  constructor(private readonly dataSource: DataSource) {}

  async findBatch(batchId: number): Promise<UploadBatchView | null> {
    const [row]: Row[] = await this.dataSource.query(`SELECT ${BATCH_COLUMNS} FROM upload_batch WHERE id = ? AND ${visibleSql()}`, [batchId]);
    return row ? toView(row) : null;
  }

  async listBatches(schoolSiteIds: number[] | 'all-in-district', districtId: number, first: number, afterId: number | null): Promise<Page<UploadBatchView>> {
    const scope =
      schoolSiteIds === 'all-in-district'
        ? { sql: 'school_site_id IN (SELECT id FROM school_site WHERE district_id = ?)', params: [districtId] }
        : { sql: schoolSiteIds.length ? `school_site_id IN (${parameterList(schoolSiteIds.length)})` : '1 = 0', params: schoolSiteIds };
    const visible = `${scope.sql} AND ${visibleSql()}`;
    const [total]: Row[] = await this.dataSource.query(`SELECT COUNT(*) AS total FROM upload_batch WHERE ${visible}`, scope.params);
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${BATCH_COLUMNS} FROM upload_batch WHERE ${visible}${afterId !== null ? ' AND id < ?' : ''} ORDER BY id DESC LIMIT ?`,
      [...scope.params, ...(afterId !== null ? [afterId] : []), first + 1],
    );
    return { nodes: rows.slice(0, first).map(toView), hasNextPage: rows.length > first, totalCount: Number(total.total) };
  }

  async listFailures(batchId: number, first: number, afterLine: number | null): Promise<Omit<Page<StoredFailure>, 'totalCount'>> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${FAILURE_COLUMNS} FROM upload_failure f
       LEFT JOIN upload_row_correction c ON c.batch_id = f.batch_id AND c.line_number = f.line_number
       WHERE f.batch_id = ? AND f.line_number > ? ORDER BY f.line_number LIMIT ?`,
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
