import type { SchoolSite } from '../domain/school/school-site';
import type { Actor } from '../domain/shared/actor';
import { bulkCreationAgreement, takeBulkRows } from './bulk-rows';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { InvitationAllowances } from './ports/invitation-allowances';
import type { RosterImports } from './ports/roster-imports';
import type { UploadFileInbox } from './ports/upload-file-inbox';
import { RECEIVING_WINDOW_MS } from './upload-educator-accounts';

export interface SchoolFile {
  rosterImportId: number;
  fileName: string;
  site: SchoolSite;
  csv: string;
  rows: number;
  dryRun: boolean;
  clientAddress: string;
}

export interface QueueLimits {
  maxWaitingBatchesPerSite: number;
  maxRowsPerAdminPerDay: number;
}

/**
 * Stores one school's generated template file as an ordinary upload batch of its site, as an upload of that file would
 * be: within the site's queue limit, counted against the admin's daily rows, with the agreement, then queued (or
 * rejected with the reason) for the unchanged worker. Null when the site's queue is full: nothing was stored.
 */
export class QueueRosterSchool {
  constructor(
    private readonly inbox: UploadFileInbox,
    private readonly rosters: RosterImports,
    private readonly allowances: InvitationAllowances,
    private readonly limits: QueueLimits,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, file: SchoolFile): Promise<number | null> {
    const now = this.clock.now();
    const newBatch = { schoolSiteId: file.site.id, uploadedByAccountId: actor.accountId, fileName: file.fileName, dryRun: file.dryRun, now };
    const batchId = await this.inbox.openBatch(
      { ...newBatch, receivingUntil: new Date(now.getTime() + RECEIVING_WINDOW_MS) },
      this.limits.maxWaitingBatchesPerSite,
    );
    if (batchId === null) return null;
    const bytes = Buffer.from(file.csv, 'utf8');
    try {
      await this.rosters.linkBatch(file.rosterImportId, batchId);
      const size = this.inbox.storedChunkBytes;
      for (let at = 0, seq = 0; at < bytes.length; at += size, seq += 1) await this.inbox.appendFileChunk(batchId, seq, bytes.subarray(at, at + size));
      const agreement = bulkCreationAgreement(actor.accountId, now, batchId);
      const rejection = file.dryRun
        ? null
        : await takeBulkRows(this.allowances, { adminAccountId: actor.accountId, rows: file.rows, now, maxRowsPerDay: this.limits.maxRowsPerAdminPerDay });
      if (rejection) await this.inbox.markRejected(batchId, bytes.length, rejection, this.clock.now(), agreement);
      else await this.inbox.markQueued(batchId, bytes.length, file.rows, agreement);
    } catch (error) {
      await this.inbox.discard(batchId);
      throw error;
    }
    const detail = file.dryRun ? `${file.fileName} (dry run)` : file.fileName;
    await this.audit.record({
      action: 'ACCOUNTS_UPLOADED',
      outcome: 'SUCCEEDED',
      at: this.clock.now(),
      actorAccountId: actor.accountId,
      districtId: actor.districtId,
      schoolSiteId: file.site.id,
      targetBatchId: batchId,
      clientAddress: file.clientAddress,
      detail,
    });
    return batchId;
  }
}
