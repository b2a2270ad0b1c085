import type { ChunkLanding, ChunkRun, ChunkToWrite, ChunkWriter, HandedChunk } from '../../application/ports/chunk-writer';
import type { MySqlChunkTransaction } from './mysql-chunk-transaction';
import { settleChunk } from './settle-chunk';

/** Chunks of one run handed over and not yet ended: one commits while the next writes its rows (ADR 0001). */
export const CHUNKS_IN_FLIGHT = 2;

/**
 * A chunk's states in the pipelined writer:
 *
 *   writing ── committed ──────────────▶ landed
 *   writing ── lease lost ─────────────▶ lost
 *   writing ── email race, contended ──▶ planning-again ──▶ writing
 *   writing ── out of turn ────────────▶ waiting-for-the-chunk-before ── it landed ──▶ writing (once more)
 *                                                                     └─ it did not ─▶ lost
 *   any ─────── error ─────────────────▶ failed (and so does every chunk after it)
 */
export type PipelinedChunkState = 'writing' | 'planning-again' | 'waiting-for-the-chunk-before' | 'landed' | 'lost' | 'failed';

interface ChunkInFlight {
  start: number;
  end: number;
  state: PipelinedChunkState;
  ended: Promise<ChunkLanding>;
}

const hasEnded = (chunk: ChunkInFlight): boolean => chunk.state === 'landed' || chunk.state === 'lost' || chunk.state === 'failed';

/**
 * MySQL/MariaDB: two chunks of a batch in flight on two connections of their own (MySqlChunkTransaction), so that one
 * writes its rows while the one before commits; named locks make the later one wait for the earlier one's commit at its
 * fence, and the fence alone decides what lands. A chunk refused as out of turn (the one before was refused, or
 * planned again) is sent again once the one before it has landed.
 */
export class PipelinedMySqlChunkWriter implements ChunkWriter {
  constructor(private readonly transaction: MySqlChunkTransaction) {}

  startRun(): ChunkRun {
    return new PipelinedRun(this.transaction);
  }
}

class PipelinedRun implements ChunkRun {
  /** The chunks not ended, oldest first, and the last one that ended (the chunk before the next one). */
  private readonly chunks: ChunkInFlight[] = [];

  constructor(private readonly transaction: MySqlChunkTransaction) {}

  /** What each chunk of the run is doing, oldest first: for tests and for reading the machine. */
  get states(): PipelinedChunkState[] {
    return this.chunks.map((chunk) => chunk.state);
  }

  async hand(chunk: ChunkToWrite): Promise<HandedChunk | 'lease-lost'> {
    for (let open = this.chunks.filter((other) => !hasEnded(other)); open.length >= CHUNKS_IN_FLIGHT; open = this.chunks.filter((other) => !hasEnded(other))) {
      // A chunk that failed fails the hand-over too: the run ends with its error.
      if ((await open[0].ended) !== 'landed') return 'lease-lost';
    }
    if (this.chunks.some((other) => other.state === 'lost')) return 'lease-lost';
    const start = chunk.writes.recordsProcessedBefore;
    const before = this.chunks.find((other) => other.end === start);
    // Ended chunks other than the one right before this one are never waited for again.
    this.chunks.splice(0, this.chunks.length, ...this.chunks.filter((other) => !hasEnded(other) || other === before));
    const inFlight: ChunkInFlight = { start, end: start + chunk.writes.countsAdded.recordsProcessed, state: 'writing', ended: Promise.resolve('landed') };
    inFlight.ended = settleChunk(
      this.transaction,
      chunk,
      () => before?.ended ?? Promise.resolve('landed'),
      (state) => (inFlight.state = state),
    ).then(
      (landing) => {
        inFlight.state = landing === 'landed' ? 'landed' : 'lost';
        return landing;
      },
      (error: unknown) => {
        inFlight.state = 'failed';
        throw error;
      },
    );
    // Awaited by the use case and by the chunk after; marked handled now so a failure is not reported as unhandled meanwhile.
    inFlight.ended.catch(() => undefined);
    this.chunks.push(inFlight);
    return { landing: inFlight.ended };
  }
}
