import { BATCH_LIFECYCLE, NEW_BATCH_STATUS, type BatchVerb, type UploadBatchStatus } from '../../domain/upload-batch/upload-batch';

/**
 * The batch lifecycle as SQL: every statement that changes a batch's status, or works only on batches in some
 * statuses, builds its condition here from BATCH_LIFECYCLE. The statuses are constants of ours, never input.
 */
export const statusIn = (statuses: readonly UploadBatchStatus[], column = 'status'): string =>
  statuses.length === 1 ? `${column} = '${statuses[0]}'` : `${column} IN (${statuses.map((status) => `'${status}'`).join(', ')})`;

/** The condition under which `verb` may happen to a batch row. */
export const mayHappenSql = (verb: BatchVerb, column = 'status'): string => statusIn(BATCH_LIFECYCLE[verb].from, column);

/** The assignment `verb` makes. */
export const becomesSql = (verb: BatchVerb): string => `status = '${BATCH_LIFECYCLE[verb].to}'`;

/** Batches a person may see: all but a file still arriving. */
export const visibleSql = (column = 'status'): string => `${column} <> '${NEW_BATCH_STATUS}'`;

/** A check that ran to its end: it keeps its file for a while (check-preview.ts). */
export const FINISHED_CHECK = `dry_run = 1 AND ${statusIn([BATCH_LIFECYCLE.complete.to])}`;
