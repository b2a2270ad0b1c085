import { undoRefusal } from '../domain/upload-batch/upload-batch';
import type { Actor } from '../domain/shared/actor';
import type { DomainError } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import type { TakeBackRequest } from './cancel-upload-batch';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { KeptAccount, UploadTakeBack } from './ports/upload-take-back';
import type { UploadBatchView } from './ports/upload-batches';
import type { ReadUploadLog, VisibleBatch } from './read-upload-log';

/** Kept accounts named in the answer; recordsKept counts them all. */
export const KEPT_ACCOUNTS_LISTED = 100;

export interface UndoUploadBatchOutcome {
  batch: VisibleBatch;
  keptAccounts: KeptAccount[];
  userErrors: DomainError[];
}

/**
 * An admin who may see a batch's site takes a finished upload back: the accounts it created that nobody has
 * registered yet are removed (their codes stop working, unsent invitations are never sent); registered ones stay, and
 * are named. Uploading the same file again afterwards creates the removed accounts again.
 */
export class UndoUploadBatch {
  constructor(
    private readonly log: ReadUploadLog,
    private readonly takeBack: UploadTakeBack,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
  ) {}

  /** What an undo of this batch (one the viewer may see) would do now, for the confirmation that asks first. */
  preview(batch: UploadBatchView): Promise<{ pending: number; registered: number }> {
    return this.takeBack.countAccounts(batch.id);
  }

  async execute(actor: Actor, request: TakeBackRequest): Promise<UndoUploadBatchOutcome> {
    const now = this.clock.now();
    const found = await this.log.findBatch(actor, request.batchId);
    const event = { action: 'UPLOAD_UNDONE' as const, at: now, actorAccountId: actor.accountId, clientAddress: request.clientAddress };
    if (!found) {
      await this.audit.record({ ...event, outcome: 'FORBIDDEN', districtId: actor.districtId, targetBatchId: request.batchId ?? null });
      throw new AccessDenied('You are not allowed to manage that upload, or it does not exist.');
    }
    const where = { ...event, targetBatchId: found.batch.id, districtId: found.site.districtId, schoolSiteId: found.site.id };
    const refused = undoRefusal(found.batch);
    // null: someone else undid it since it was read.
    const undone = refused ? null : await this.takeBack.undo(found.batch.id, now);
    if (!undone) {
      const latest = refused ? found : ((await this.log.findBatch(actor, found.batch.id)) ?? found);
      const error = refused ?? undoRefusal(latest.batch) ?? undoRefusal({ ...latest.batch, status: 'UNDONE' })!;
      await this.audit.record({ ...where, outcome: error.code, detail: `status ${latest.batch.status}` });
      return { batch: latest, keptAccounts: [], userErrors: [error] };
    }
    await this.audit.record({
      ...where,
      outcome: 'SUCCEEDED',
      detail: `${undone.recordsRemoved ?? 0} pending accounts removed, ${undone.recordsKept ?? 0} registered accounts kept`,
    });
    const keptAccounts = (undone.recordsKept ?? 0) > 0 ? await this.takeBack.listKept(undone.id, KEPT_ACCOUNTS_LISTED) : [];
    return { batch: { batch: undone, site: found.site }, keptAccounts, userErrors: [] };
  }
}
