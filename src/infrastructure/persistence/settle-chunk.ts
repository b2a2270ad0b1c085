import type { ChunkLanding, ChunkToWrite } from '../../application/ports/chunk-writer';
import type { ChunkTransaction } from './chunk-transaction';

/**
 * Writes a chunk until it has landed or cannot: planned again by its planner after an email race or contention, and,
 * when it came out of turn, sent again once `chunkBefore` says the chunk before it has landed. `onState` follows it.
 */
export const settleChunk = async (
  transaction: ChunkTransaction,
  chunk: ChunkToWrite,
  chunkBefore: () => Promise<ChunkLanding>,
  onState: (state: 'writing' | 'planning-again' | 'waiting-for-the-chunk-before') => void = () => undefined,
): Promise<ChunkLanding> => {
  let writes = chunk.writes;
  let waitedForChunkBefore = false;
  for (;;) {
    onState('writing');
    const result = await transaction.write(writes);
    if (result === 'committed') return 'landed';
    if (result === 'lease-lost') return 'lease-lost';
    if (result === 'out-of-turn') {
      // The chunk before is still on its way, or is being written again: send this one once it has landed.
      if (waitedForChunkBefore)
        throw new Error(`Batch ${writes.batchId}: a chunk's place in the batch was not where it was expected; will retry from the last committed chunk.`);
      onState('waiting-for-the-chunk-before');
      if ((await chunkBefore()) !== 'landed') return 'lease-lost';
      waitedForChunkBefore = true;
      continue;
    }
    onState('planning-again');
    writes = await chunk.planAgain(result);
  }
};
