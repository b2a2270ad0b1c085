import type { ChunkWrites } from '../../../src/application/ports/chunk-writer';
import type { NewAccountRow } from '../../../src/application/ports/upload-batches';
import type { TestServer } from '../../support/test-server';

/** A batch claimed by a test worker, and what its chunks need to name: for writing chunks without a file. */
export interface ClaimedForChunks {
  batchId: number;
  leaseOwner: string;
  siteId: number;
  uploaderId: number;
}

/** Opens, queues and claims a batch of the demo's first site, uploaded by its Site Admin. */
export const claimBatchForChunks = async (server: TestServer, totalRows = 3): Promise<ClaimedForChunks> => {
  const siteId = server.demo.siteIds[0];
  const [{ id }] = await server.application.dataSource.query('SELECT id FROM educator_account WHERE email_normalized = ?', [server.demo.siteAdminEmail]);
  const uploaderId = Number(id);
  const { inbox, queue } = server.application.uploadPersistence;
  const now = server.clock.now();
  const batchId = await inbox.openBatch({
    schoolSiteId: siteId,
    uploadedByAccountId: uploaderId,
    fileName: 'chunk.csv',
    dryRun: false,
    now,
    receivingUntil: new Date(now.getTime() + 60_000),
  });
  await inbox.markQueued(batchId, 100, totalRows, {
    acceptedByAccountId: uploaderId,
    agreement: 'BULK_ACCOUNT_CREATION',
    version: 'test',
    acceptedAt: now,
    uploadBatchId: batchId,
  });
  const claimed = await queue.claimNext('chunk-test-worker', now, 30_000);
  return { batchId: claimed!.id, leaseOwner: claimed!.leaseOwner, siteId, uploaderId };
};

/** A chunk of `processed` rows at `start` that creates `creates` (the rest skipped). */
export const chunkWrites = (server: TestServer, batch: ClaimedForChunks, creates: NewAccountRow[], start = 0, processed = creates.length): ChunkWrites => ({
  batchId: batch.batchId,
  leaseOwner: batch.leaseOwner,
  leaseExpiresAt: new Date(server.clock.now().getTime() + 30_000),
  districtId: server.demo.districtId,
  schoolSiteId: batch.siteId,
  placeName: 'Demo Partner High',
  createdByAccountId: batch.uploaderId,
  now: server.clock.now(),
  creates,
  recreates: [],
  failures: [],
  recordsProcessedBefore: start,
  countsAdded: { recordsProcessed: processed, recordsCreated: creates.length, recordsSkipped: processed - creates.length, recordsFailed: 0 },
});
