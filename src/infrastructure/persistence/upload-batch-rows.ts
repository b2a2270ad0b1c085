import type { Warning } from '../../domain/school/site-admin-recommendation';
import type { RowFailureCode } from '../../domain/upload-batch/upload-row';
import type { StoredFailure, UploadBatchView } from '../../application/ports/upload-batches';
import { optionalDate, type Row } from './plain-sql';

/** upload_batch's columns as the log, the queue and live updates read them. */
export const BATCH_COLUMNS =
  'id, school_site_id, uploaded_by_account_id, file_name, dry_run, status, total_rows, records_processed, records_created, records_skipped, records_failed, ' +
  'rejection_reason, failure_reason, warnings, created_at, start_time, end_time, lease_owner, records_removed, records_kept, ' +
  'created_from_batch_id, followed_by_batch_id, rows_corrected';

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
  recordsRemoved: row.records_removed === null || row.records_removed === undefined ? null : Number(row.records_removed),
  recordsKept: row.records_kept === null || row.records_kept === undefined ? null : Number(row.records_kept),
  createdFromBatchId: optionalNumber(row.created_from_batch_id),
  followedByBatchId: optionalNumber(row.followed_by_batch_id),
  rowsCorrected: Number(row.rows_corrected ?? 0),
});

const optionalNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** A failure with the correction made to its line in the page, if any: upload_failure as f, upload_row_correction joined as c. */
export const FAILURE_COLUMNS =
  'f.batch_id, f.line_number, f.code, f.reason, f.role_as_written, f.email, f.original_cells, c.cells AS corrected_cells, c.corrected_at';

export const toFailure = (row: Row): StoredFailure => ({
  batchId: Number(row.batch_id),
  lineNumber: Number(row.line_number),
  code: row.code as RowFailureCode,
  reason: String(row.reason),
  roleAsWritten: String(row.role_as_written),
  email: (row.email as string | null) ?? null,
  cells: JSON.parse(String(row.original_cells)) as string[],
  correction: row.corrected_cells ? { cells: JSON.parse(row.corrected_cells as string) as string[], correctedAt: new Date(Number(row.corrected_at)) } : null,
});
