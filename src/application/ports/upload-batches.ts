import type { EmailMessage } from '../../domain/educator/invitation';
import type { Warning } from '../../domain/school/site-admin-recommendation';
import type { BatchCounts, UploadBatchStatus } from '../../domain/upload-batch/upload-batch';
import type { RowFailure } from '../../domain/upload-batch/upload-row';
import type { Page } from './account-directory';
import type { KeyedRequest } from './idempotency-keys';
import type { AgreementAcceptance } from './unit-of-work';

export interface UploadBatchView extends BatchCounts {
  id: number;
  fileName: string;
  schoolSiteId: number;
  uploadedByAccountId: number;
  status: Exclude<UploadBatchStatus, 'RECEIVING'>;
  dryRun: boolean;
  totalRows: number | null;
  createdAt: Date;
  startTime: Date | null;
  endTime: Date | null;
  rejectionReason: string | null;
  /** Why a FAILED batch stopped, for the person who uploaded it (absent or null for any other). */
  failureReason?: string | null;
  warnings: Warning[];
}

export interface StoredFailure extends RowFailure {
  batchId: number;
}

export interface NewBatch {
  schoolSiteId: number;
  uploadedByAccountId: number;
  fileName: string;
  dryRun: boolean;
  now: Date;
  receivingUntil: Date;
  /** The uploader's key, if they sent one: copies of one keyed upload arriving at once take one place in the site's queue. */
  idempotencyKey?: string | null;
}

/** A batch a worker holds the lease on; every write it makes is fenced by that lease. */
export interface ClaimedBatch extends UploadBatchView {
  leaseOwner: string;
}

export interface NewAccountRow {
  firstName: string;
  lastName: string;
  email: string;
  emailNormalized: string;
  roleCode: string;
}

export interface ExistingAccount {
  id: number;
  emailNormalized: string;
  expired: boolean;
  schoolSiteIds: number[];
}

/** One chunk's worth of work, written atomically together with the batch's progress. */
export interface ChunkWrites {
  batchId: number;
  leaseOwner: string;
  leaseExpiresAt: Date;
  districtId: number;
  schoolSiteId: number;
  /** Named in the invitations: the site the file was uploaded for. */
  placeName: string;
  createdByAccountId: number;
  now: Date;
  creates: NewAccountRow[];
  recreates: (NewAccountRow & { accountId: number })[];
  failures: RowFailure[];
  /** Where the chunk starts: it lands only right after the chunk before it. */
  recordsProcessedBefore: number;
  /** This chunk's own counts, added to the batch's. */
  countsAdded: BatchCounts;
}

/**
 * 'contended': deadlocks, lock timeouts or dropped connections outlasted every retry; nothing was written.
 * 'out-of-turn': the chunk before this one has not landed (yet); nothing was written.
 */
export type ChunkCommit = 'committed' | 'lease-lost' | 'email-race' | 'contended' | 'out-of-turn';

export interface UploadBatchStore {
  /**
   * Opens the batch as RECEIVING, or, when its site already has `maxWaiting` uploads arriving, queued or running, opens
   * nothing (null): counting them and opening this one are one step, however many uploads arrive at once. Uploads under
   * the same key count once, since only one of them can be queued (the key names one batch).
   */
  openBatch(batch: NewBatch): Promise<number>;
  openBatch(batch: NewBatch, maxWaiting: number): Promise<number | null>;
  /** How many bytes of a file go in one stored chunk: at most a megabyte, and within the database's packet limit. */
  readonly storedChunkBytes: number;
  appendFileChunk(batchId: number, seq: number, bytes: Buffer): Promise<void>;
  /** Bytes are still arriving: keep the half-received file until then. */
  stillReceiving(batchId: number, until: Date): Promise<void>;
  /**
   * Queues the stored file together with the agreement that allowed it, and the request's idempotency key if it has one:
   * never one without the others. False, and nothing written, when the key already names an upload.
   */
  markQueued(batchId: number, byteSize: number, totalRows: number, agreement: AgreementAcceptance, idempotency?: KeyedRequest): Promise<boolean>;
  /** A batch was queued: a worker running in this process may start at once instead of at its next poll. */
  announceQueued(): void;
  /** Rejected files keep their log entry (with the reason, the agreement and the key) but not their bytes. False as for markQueued. */
  markRejected(batchId: number, byteSize: number, reason: string, now: Date, agreement: AgreementAcceptance, idempotency?: KeyedRequest): Promise<boolean>;
  /** A file that never arrived whole leaves nothing behind; a batch that was queued or rejected after all is left as it is. */
  discard(batchId: number): Promise<void>;
  /** Files left half-received by a client that went away or a process that died. */
  discardAbandoned(now: Date): Promise<number>;

  /**
   * Claims the batch whose district, then site, a worker served longest ago (never served first); a site's batches
   * run one at a time in upload order.
   */
  claimNext(leaseOwner: string, now: Date, leaseMs: number): Promise<ClaimedBatch | null>;
  readFile(batchId: number): AsyncIterable<Buffer>;
  findExisting(emailsNormalized: string[], now: Date): Promise<ExistingAccount[]>;
  /** Chunks of a batch may be handed over before the one before them has landed; each lands only after it. */
  commitChunk(writes: ChunkWrites): Promise<ChunkCommit>;
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

  findBatch(batchId: number): Promise<UploadBatchView | null>;
  listBatches(schoolSiteIds: number[] | 'all-in-district', districtId: number, first: number, afterId: number | null): Promise<Page<UploadBatchView>>;
  /** A page of failures; how many there are in all is the batch's own count. */
  listFailures(batchId: number, first: number, afterLine: number | null): Promise<Omit<Page<StoredFailure>, 'totalCount'>>;
  streamFailures(batchId: number): AsyncIterable<StoredFailure>;
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
