import type { EmailMessage } from '../educator/invitation';
import { fail, ok, refusal, type DomainError, type Result } from '../shared/result';
import { CHECK_KEPT_DAYS } from './check-preview';

/**
 * FAILED: processing stopped for good part way, after errors that trying again did not get past. CANCELLED: an admin
 * took it back before the end (what landed stays). UNDONE: the accounts it created that were still pending are removed.
 */
export type UploadBatchStatus = 'RECEIVING' | 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'REJECTED' | 'FAILED' | 'CANCELLED' | 'UNDONE';

/** Statuses a person sees; RECEIVING is a file still arriving, invisible until it is stored whole. */
export const VISIBLE_BATCH_STATUSES: UploadBatchStatus[] = ['QUEUED', 'PROCESSING', 'COMPLETED', 'REJECTED', 'FAILED', 'CANCELLED', 'UNDONE'];

/** Where every batch starts: its file still arriving, seen by nobody. */
export const NEW_BATCH_STATUS: UploadBatchStatus = 'RECEIVING';

interface Transition {
  readonly from: readonly UploadBatchStatus[];
  readonly to: UploadBatchStatus;
}

/**
 * A batch's whole lifecycle: every change of its status is one of these verbs, allowed only from the statuses listed.
 * The stores write each change as one guarded UPDATE whose guard is built from this table (batch-status-sql.ts), so a
 * verb added here (cancel, undo) is a row here and a statement there.
 */
export const BATCH_LIFECYCLE = {
  /** The file is stored whole and its header and rows counted: it waits for a worker. */
  queue: { from: ['RECEIVING'], to: 'QUEUED' },
  /** The file was refused on arrival; its log entry stays, with the reason. */
  refuse: { from: ['RECEIVING'], to: 'REJECTED' },
  /** A worker takes the batch with a lease; a batch whose lease ran out is taken again, from its last landed chunk. */
  claim: { from: ['QUEUED', 'PROCESSING'], to: 'PROCESSING' },
  /** A chunk lands with the batch's progress, and renews the lease. */
  recordChunk: { from: ['PROCESSING'], to: 'PROCESSING' },
  complete: { from: ['PROCESSING'], to: 'COMPLETED' },
  /** The uploader lost the authority to create accounts while the file waited. */
  reject: { from: ['PROCESSING'], to: 'REJECTED' },
  fail: { from: ['PROCESSING'], to: 'FAILED' },
  /**
   * An admin takes the upload back before it ends: a waiting one creates nothing; a running one keeps the chunks that
   * landed (its worker's next chunk finds the batch no longer PROCESSING and stops).
   */
  cancel: { from: ['QUEUED', 'PROCESSING'], to: 'CANCELLED' },
  /** The accounts it created that are still pending registration are removed, in one transaction; registered ones stay. */
  undo: { from: ['COMPLETED', 'CANCELLED'], to: 'UNDONE' },
} as const satisfies Record<string, Transition>;

export type BatchVerb = keyof typeof BATCH_LIFECYCLE;

/** Statuses a batch has not finished in: it still takes a place in its site's queue. */
export const UNFINISHED_BATCH_STATUSES: readonly UploadBatchStatus[] = [NEW_BATCH_STATUS, ...BATCH_LIFECYCLE.claim.from];

export const mayHappen = (verb: BatchVerb, status: UploadBatchStatus): boolean => (BATCH_LIFECYCLE[verb].from as readonly UploadBatchStatus[]).includes(status);

/** Why an admin may not cancel a batch in this status, in words they can act on; null when they may. */
export const cancelRefusal = (status: UploadBatchStatus): DomainError | null => {
  if (mayHappen('cancel', status)) return null;
  const why: Partial<Record<UploadBatchStatus, string>> = {
    COMPLETED: 'This upload has already finished, so it can no longer be cancelled. To remove the accounts it created, use "Undo upload".',
    CANCELLED: 'This upload was already cancelled.',
    UNDONE: 'This upload was already undone.',
    REJECTED: 'This upload was rejected and created nothing, so there is nothing to cancel.',
    FAILED: 'This upload already stopped, so there is nothing to cancel.',
  };
  return refusal('NOT_CANCELLABLE', why[status] ?? 'This upload cannot be cancelled now.', ['batchId']);
};

/**
 * Why an admin may not undo a batch, or null when they may: a finished real upload, or a cancelled one that created
 * accounts before it stopped.
 */
export const undoRefusal = (batch: { status: UploadBatchStatus; dryRun: boolean; recordsCreated: number }): DomainError | null => {
  const notUndoable = (message: string): DomainError => refusal('NOT_UNDOABLE', message, ['batchId']);
  if (batch.dryRun) return notUndoable('This was a check only and created no accounts, so there is nothing to undo.');
  if (mayHappen('cancel', batch.status)) return notUndoable('This upload is still running. Cancel it first, then undo it.');
  if (batch.status === 'UNDONE') return notUndoable('This upload was already undone.');
  if (!mayHappen('undo', batch.status)) return notUndoable('This upload created no accounts, so there is nothing to undo.');
  if (batch.status === 'CANCELLED' && batch.recordsCreated === 0) {
    return notUndoable('This upload was cancelled before it created any account, so there is nothing to undo.');
  }
  return null;
};

export interface BatchCounts {
  recordsProcessed: number;
  recordsCreated: number;
  recordsSkipped: number;
  recordsFailed: number;
}

/** A batch's counts after a chunk's own counts are added to them. */
export const addCounts = (a: BatchCounts, b: BatchCounts): BatchCounts => ({
  recordsProcessed: a.recordsProcessed + b.recordsProcessed,
  recordsCreated: a.recordsCreated + b.recordsCreated,
  recordsSkipped: a.recordsSkipped + b.recordsSkipped,
  recordsFailed: a.recordsFailed + b.recordsFailed,
});

export interface UploadBatchState {
  id: number;
  status: UploadBatchStatus;
  counts: BatchCounts;
}

/**
 * One uploaded file and its processing, as a worker or an upload holds it in memory. Its status changes only through
 * the verbs of BATCH_LIFECYCLE; the counts only grow, a landed chunk at a time.
 */
export class UploadBatch {
  private constructor(private state: UploadBatchState) {}

  static restore(state: UploadBatchState): UploadBatch {
    return new UploadBatch({ ...state, counts: { ...state.counts } });
  }

  get id(): number {
    return this.state.id;
  }
  get status(): UploadBatchStatus {
    return this.state.status;
  }
  get counts(): BatchCounts {
    return { ...this.state.counts };
  }

  queue(): Result<void, DomainError> {
    return this.move('queue');
  }
  refuse(): Result<void, DomainError> {
    return this.move('refuse');
  }
  claim(): Result<void, DomainError> {
    return this.move('claim');
  }
  recordChunk(added: BatchCounts): Result<void, DomainError> {
    const moved = this.move('recordChunk');
    if (moved.ok) this.state = { ...this.state, counts: addCounts(this.state.counts, added) };
    return moved;
  }
  complete(): Result<void, DomainError> {
    return this.move('complete');
  }
  reject(): Result<void, DomainError> {
    return this.move('reject');
  }
  fail(): Result<void, DomainError> {
    return this.move('fail');
  }
  cancel(): Result<void, DomainError> {
    return this.move('cancel');
  }
  undo(): Result<void, DomainError> {
    return this.move('undo');
  }

  private move(verb: BatchVerb): Result<void, DomainError> {
    if (!mayHappen(verb, this.state.status)) return fail(refusal('BATCH_STATUS', `A ${this.state.status} batch cannot ${verb}.`, []));
    this.state = { ...this.state, status: BATCH_LIFECYCLE[verb].to };
    return ok(undefined);
  }
}

export const completionEmail = (to: string, fileName: string, siteName: string, counts: BatchCounts, dryRun: boolean, logLink: string): EmailMessage => ({
  to,
  subject: `${dryRun ? 'Check' : 'Upload'} of ${fileName} finished: ${counts.recordsFailed} failed`,
  text: [
    `Your ${dryRun ? 'check (nothing was created)' : 'upload'} of ${fileName} for ${siteName} has finished.`,
    '',
    `Records processed: ${counts.recordsProcessed}`,
    `Created: ${counts.recordsCreated}`,
    `Already created earlier (skipped): ${counts.recordsSkipped}`,
    `Failed: ${counts.recordsFailed}`,
    '',
    dryRun
      ? `Open the upload log to see which lines would fail and why, correct them there if you like, and choose "Create accounts" to create them from the same file, without uploading it again (within ${CHECK_KEPT_DAYS} days).`
      : counts.recordsFailed > 0
        ? 'Open the upload log to see which lines failed and why, fix them in your original file, and upload it again: only the failed rows will be created.'
        : 'Every row was handled.',
    '',
    `This upload in the log: ${logLink}`,
  ].join('\r\n'),
});

/** Why a batch ended as FAILED, for the person who uploaded it: what stands, what did not happen, and what to do. */
export const failureReason = (counts: BatchCounts, totalRows: number, attempts: number): string =>
  `Processing stopped after ${attempts} attempts failed with an error on our side that trying again did not get past. ` +
  `The first ${counts.recordsProcessed} of ${totalRows} rows were handled and stay as counted (${counts.recordsCreated} created, ` +
  `${counts.recordsSkipped} skipped, ${counts.recordsFailed} failed); the other ${totalRows - counts.recordsProcessed} were not processed. ` +
  'Upload the same file again later to finish it (accounts already created are skipped); if it stops again, contact support with the reference ' +
  'the upload log shows for this upload.';

export const failedEmail = (to: string, fileName: string, siteName: string, reason: string): EmailMessage => ({
  to,
  subject: `Upload of ${fileName} stopped before the end`,
  text: [`Your upload of ${fileName} for ${siteName} stopped before the end.`, '', reason].join('\r\n'),
});

const MAX_FILE_NAME_LENGTH = 200;

/** The uploaded file's name is shown in the log and nothing else: never a path, never control characters. */
export const cleanFileName = (raw: string): string => {
  const lastSegment = raw.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are what this strips from a file name
  const cleaned = [...lastSegment.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim()].slice(0, MAX_FILE_NAME_LENGTH).join('');
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'upload.csv' : cleaned;
};
