import type { AgreementAcceptance } from './unit-of-work';
import type { RowCorrection, StoredFailure } from './upload-batches';

export type QueuedRun = { queued: true } | { queued: false; because: 'ALREADY_FOLLOWED'; runBatchId: number } | { queued: false; because: 'FILE_GONE' };

/** What can follow a finished check: corrections of its failing rows, then the run that creates its accounts from its stored file. */
export interface CheckFollowUps {
  findFailure(checkBatchId: number, lineNumber: number): Promise<StoredFailure | null>;
  /**
   * Stores the line's correction (replacing an earlier one), counted on the check; false, and nothing stored, when the
   * check was followed by its run meanwhile.
   */
  saveCorrection(checkBatchId: number, correction: RowCorrection): Promise<boolean>;
  /** In line order, after `afterLine`. */
  listCorrections(batchId: number, first: number, afterLine: number | null): Promise<{ nodes: RowCorrection[]; hasNextPage: boolean }>;
  /**
   * Turns `runBatchId` (opened as RECEIVING for the check's site) into the check's run, in one step: the check's file
   * moves to it, it is queued with the agreement, and each names the other (the run reads the check's corrections). When another run followed the
   * check first, or its file is gone, nothing changes and the run batch is for the caller to discard.
   */
  queueRun(checkBatchId: number, runBatchId: number, agreement: AgreementAcceptance): Promise<QueuedRun>;
  /** Files of checks that finished before `finishedBefore` and were never followed by a run. */
  discardExpiredChecks(finishedBefore: Date): Promise<number>;
}

/** The worker's side: the corrections a run reads in place of the lines they correct. */
export interface RowCorrections {
  /** The check's corrections, by line number. */
  correctionsOf(checkBatchId: number): Promise<Map<number, string[]>>;
}
