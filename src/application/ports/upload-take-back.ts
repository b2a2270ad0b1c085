import type { UploadBatchView } from './upload-batches';

/** A registered account an undo kept: its owner has already signed up, so it is theirs now. */
export interface KeptAccount {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
}

/**
 * Taking an upload back. Each change is one transaction guarded by the batch lifecycle (cancel, undo): it happens
 * whole or not at all, and null means the batch was no longer in a status that allows it.
 */
export interface UploadTakeBack {
  /** CANCELLED: a waiting batch creates nothing; a running one's worker finds it so at its next chunk and stops. */
  cancel(batchId: number, now: Date): Promise<UploadBatchView | null>;
  /**
   * UNDONE: the accounts the batch created that are still pending registration are removed, with their memberships and
   * unsent invitations; the registered ones stay, counted.
   */
  undo(batchId: number, now: Date): Promise<UploadBatchView | null>;
  /** The accounts the batch created as they stand now: what an undo would remove (pending) and keep (registered). */
  countAccounts(batchId: number): Promise<{ pending: number; registered: number }>;
  /** The registered accounts that stayed after an undo, by id. */
  listKept(batchId: number, first: number): Promise<KeptAccount[]>;
}
