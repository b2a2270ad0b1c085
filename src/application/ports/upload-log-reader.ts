import type { Page } from './account-directory';
import type { StoredFailure, UploadBatchView } from './upload-batches';

/** What the upload log shows: batches (never one still arriving) and their failed rows. */
export interface UploadLogReader {
  findBatch(batchId: number): Promise<UploadBatchView | null>;
  listBatches(schoolSiteIds: number[] | 'all-in-district', districtId: number, first: number, afterId: number | null): Promise<Page<UploadBatchView>>;
  /** A page of failures; how many there are in all is the batch's own count. */
  listFailures(batchId: number, first: number, afterLine: number | null): Promise<Omit<Page<StoredFailure>, 'totalCount'>>;
  streamFailures(batchId: number): AsyncIterable<StoredFailure>;
}
