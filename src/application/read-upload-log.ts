import { manages, mayCreateAccounts } from '../domain/role/account-creation-policy';
import type { SchoolSite, SchoolSiteRepository } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { AccessDenied } from './access-denied';
import { pageSize } from './list-educator-accounts';
import type { Page } from './ports/account-directory';
import type { StoredFailure, UploadBatchView } from './ports/upload-batches';
import type { UploadLogReader } from './ports/upload-log-reader';

/** A batch the viewer may see, with the site it belongs to (read for the scope check, and shown with the batch). */
export interface VisibleBatch {
  batch: UploadBatchView;
  site: SchoolSite;
}

/**
 * The upload log: batches newest first and each batch's failed rows by line. A batch outside the
 * viewer's scope reads exactly like one that does not exist, so nothing leaks about other schools.
 */
export class ReadUploadLog {
  constructor(
    private readonly sites: SchoolSiteRepository,
    private readonly batches: UploadLogReader,
  ) {}

  async listBatches(
    actor: Actor,
    schoolSiteId: number | undefined | null,
    first: number | null | undefined,
    afterId: number | null,
  ): Promise<Page<UploadBatchView>> {
    if (!mayCreateAccounts(actor)) throw new AccessDenied();
    const size = pageSize(first);
    if (schoolSiteId === null) {
      return this.batches.listBatches(actor.roleCode === 'DISTRICT_ADMIN' ? 'all-in-district' : actor.schoolSiteIds, actor.districtId, size, afterId);
    }
    const site = schoolSiteId === undefined ? null : await this.sites.findById(schoolSiteId);
    if (!site || !manages(actor, site)) throw new AccessDenied();
    return this.batches.listBatches([site.id], actor.districtId, size, afterId);
  }

  async findBatch(actor: Actor, batchId: number | undefined): Promise<VisibleBatch | null> {
    if (batchId === undefined || !mayCreateAccounts(actor)) return null;
    const batch = await this.batches.findBatch(batchId);
    if (!batch) return null;
    const site = await this.sites.findById(batch.schoolSiteId);
    return site && manages(actor, site) ? { batch, site } : null;
  }

  /** Only for a batch this viewer was already allowed to see (the GraphQL parent, or findBatch). */
  async listFailures(batch: UploadBatchView, first: number | null | undefined, afterLine: number | null): Promise<Page<StoredFailure>> {
    // Failures are written in the same transaction as the batch's count of them: no need to count 100,000 rows per page.
    return { ...(await this.batches.listFailures(batch.id, pageSize(first), afterLine)), totalCount: batch.recordsFailed };
  }

  streamFailures(batch: UploadBatchView): AsyncIterable<StoredFailure> {
    return this.batches.streamFailures(batch.id);
  }
}
