import type { BatchCounts } from '../../domain/upload-batch/upload-batch';
import type { RowFailure } from '../../domain/upload-batch/upload-row';
import type { NewAccountRow } from './upload-batches';

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
 * Why a chunk could not be written as planned, and nothing of it was: 'email-race', one of its emails has an account
 * (it had one all along, or someone created it since the look-up); 'contended', deadlocks, lock timeouts or dropped
 * connections outlasted every retry.
 */
export type PlanAgainBecause = 'email-race' | 'contended';

/** A planned chunk, and how its planner plans it again, in the same place, when it cannot be written as planned. */
export interface ChunkToWrite {
  writes: ChunkWrites;
  planAgain(because: PlanAgainBecause): Promise<ChunkWrites>;
}

/** 'lease-lost': another worker has taken the batch over; nothing of the chunk was written. */
export type ChunkLanding = 'landed' | 'lease-lost';

export interface HandedChunk {
  /** How the chunk ended, once it has: landed with its last plan's writes, or not at all. Rejects with what stopped it. */
  landing: Promise<ChunkLanding>;
}

/** Writes a batch's chunks, each with the batch's progress, in file order. */
export interface ChunkWriter {
  /** A run at a batch's chunks, from a claim of it: the chunks it hands over follow one another. */
  startRun(): ChunkRun;
}

export interface ChunkRun {
  /**
   * Hands over the run's next chunk. Resolves once the writer can take another chunk, with this one's landing; or
   * 'lease-lost', and nothing handed over, when a chunk before it ended without landing. Chunks land one after another,
   * each only right after the one before it, however many the writer keeps in flight.
   */
  hand(chunk: ChunkToWrite): Promise<HandedChunk | 'lease-lost'>;
}
