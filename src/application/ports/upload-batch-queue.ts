import type { EmailMessage } from '../../domain/educator/invitation';
import type { Warning } from '../../domain/school/site-admin-recommendation';
import type { ClaimedBatch, UploadBatchView } from './upload-batches';

/**
 * Queued batches and the workers' leases on them: every change here is one step of the batch lifecycle
 * (domain/upload-batch/upload-batch.ts), fenced by the lease.
 */
export interface UploadBatchQueue {
  /**
   * Claims the batch whose district, then site, a worker served longest ago (never served first); a site's batches
   * run one at a time in upload order.
   */
  claimNext(leaseOwner: string, now: Date, leaseMs: number): Promise<ClaimedBatch | null>;
  complete(batchId: number, leaseOwner: string, now: Date, completionEmail: EmailMessage, warnings: Warning[]): Promise<boolean>;
  reject(batchId: number, leaseOwner: string, reason: string, now: Date): Promise<boolean>;
  /**
   * Counts an attempt that ended in `error` against the batch, unless the error is the database's passing trouble
   * (a deadlock, a lock timeout, a lost connection): the batch's failed attempts in a row, or null when not counted.
   */
  countFailedAttempt(batchId: number, leaseOwner: string, error: unknown): Promise<number | null>;
  /** Ends the batch as FAILED: the chunks that landed stay, counted; the rest of the file is not processed. */
  fail(batchId: number, leaseOwner: string, reason: string, now: Date, email: EmailMessage): Promise<boolean>;
  /** Lets any worker (this one included) take the batch up again at once, from its last committed chunk. */
  releaseLease(batchId: number, leaseOwner: string): Promise<void>;
  /** The batch as the database holds it now (its landed counts). */
  findBatch(batchId: number): Promise<UploadBatchView | null>;
}

/**
 * Lets a worker busy with a batch give another one a turn between chunks, so that one long batch does not hold up
 * everyone else's.
 */
export interface UploadTurns {
  /** Whether a batch this worker could take up instead is waiting: one never started, one it handed back, or one whose worker stopped renewing its lease. */
  someoneWaiting(leaseOwner: string, now: Date): Promise<boolean>;
  /** Claims such a batch, in claimNext's order. */
  claimTurn(leaseOwner: string, now: Date, leaseMs: number): Promise<ClaimedBatch | null>;
}
