import { performance } from 'node:perf_hooks';
import type { ChunkWrites } from '../../application/ports/chunk-writer';
import type { ChunkMetrics } from '../metrics/service-metrics';
import type { ChunkCommit } from './chunk-statements';
import { isTransientDatabaseError, retryTransient } from './database-errors';

/** One chunk written in one transaction with the batch's progress, fenced: nothing of it lands unless the fence holds. */
export interface ChunkTransaction {
  write(writes: ChunkWrites): Promise<ChunkCommit>;
  close(): Promise<void>;
}

/** A chunk that still meets deadlocks or lock timeouts after a few tries is left for the batch's next attempt ('contended'). */
export const retriedAndMeasured = async (metrics: ChunkMetrics, writes: ChunkWrites, attempt: () => Promise<ChunkCommit>): Promise<ChunkCommit> => {
  const started = performance.now();
  let result: ChunkCommit | 'error' = 'error';
  try {
    result = await retryTransient(attempt);
    return result;
  } catch (error) {
    if (!isTransientDatabaseError(error)) throw error;
    result = 'contended';
    return result;
  } finally {
    metrics.chunkCommitted(result, (performance.now() - started) / 1000, writes);
  }
};
