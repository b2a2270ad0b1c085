import type { KeyedRequest } from './idempotency-keys';
import type { NewBatch } from './upload-batches';
import type { AgreementAcceptance } from './unit-of-work';

/** Where an uploaded file arrives, is stored whole, and is queued or refused; and where the worker reads it back. */
export interface UploadFileInbox {
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
}

/** A queued batch's stored file, read back a stored chunk at a time. */
export interface StoredUploadFiles {
  readFile(batchId: number): AsyncIterable<Buffer>;
}
