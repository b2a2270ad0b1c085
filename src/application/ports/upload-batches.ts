import type { Warning } from '../../domain/school/site-admin-recommendation';
import type { BatchCounts, UploadBatchStatus } from '../../domain/upload-batch/upload-batch';
import type { RowFailure } from '../../domain/upload-batch/upload-row';

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
  /** Once UNDONE: the accounts it created that were removed (still pending) and kept (registered by then). */
  recordsRemoved?: number | null;
  recordsKept?: number | null;
  /** On a run created from a check: that check. */
  createdFromBatchId?: number | null;
  /** On a check: the run that created its accounts, once there is one. */
  followedByBatchId?: number | null;
  /** Failing rows of a check corrected in the page; on its run, the rows read with those corrections. */
  rowsCorrected?: number;
}

export interface StoredFailure extends RowFailure {
  batchId: number;
  /** On a check: the cells this line was corrected to in the page. */
  correction?: { cells: string[]; correctedAt: Date } | null;
}

/** A check's failing row as corrected in the page: these cells replace its line when the check's accounts are created. */
export interface RowCorrection {
  lineNumber: number;
  cells: string[];
  correctedByAccountId: number;
  correctedAt: Date;
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

export type { ChunkWrites } from './chunk-writer';
