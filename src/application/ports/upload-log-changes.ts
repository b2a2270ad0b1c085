import type { UploadBatchView } from './upload-batches';

/** Changes to the upload log, whichever process made them. */
export interface UploadLogChanges {
  /**
   * Calls `listener` with every batch of these sites that changes from now on (at the first look at a site, also with
   * its batches that are waiting, running or just finished), until the returned function is called.
   */
  watch(schoolSiteIds: number[], listener: (batch: UploadBatchView) => void): () => void;
}
