import type { ChunkLanding, ChunkRun, ChunkToWrite, ChunkWriter, HandedChunk } from '../../application/ports/chunk-writer';
import type { ChunkTransaction } from './chunk-transaction';
import { settleChunk } from './settle-chunk';

/**
 * One chunk in flight at a time (SQLite, which runs in this process and one writer at a time): the next chunk is read
 * and planned while this one is written, and handed over once it has landed.
 */
export class SequentialChunkWriter implements ChunkWriter {
  constructor(private readonly transaction: ChunkTransaction) {}

  startRun(): ChunkRun {
    let last: Promise<ChunkLanding> = Promise.resolve('landed');
    return {
      hand: async (chunk: ChunkToWrite): Promise<HandedChunk | 'lease-lost'> => {
        if ((await last) !== 'landed') return 'lease-lost';
        last = settleChunk(this.transaction, chunk, () => Promise.resolve('landed'));
        return { landing: last };
      },
    };
  }
}
