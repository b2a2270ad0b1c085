import { cancelRefusal } from '../domain/upload-batch/upload-batch';
import type { Actor } from '../domain/shared/actor';
import type { DomainError } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { UploadTakeBack } from './ports/upload-take-back';
import type { ReadUploadLog, VisibleBatch } from './read-upload-log';

export interface TakeBackRequest {
  /** Undefined when the id did not decode: it names no batch the actor could see. */
  batchId: number | undefined;
  clientAddress: string;
}

export interface CancelUploadBatchOutcome {
  batch: VisibleBatch;
  userErrors: DomainError[];
}

/**
 * An admin who may see a batch's site takes a running upload back: a waiting file creates nothing, a running one stops
 * after the chunk in flight, and what it created so far stays created and counted.
 */
export class CancelUploadBatch {
  constructor(
    private readonly log: ReadUploadLog,
    private readonly takeBack: UploadTakeBack,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, request: TakeBackRequest): Promise<CancelUploadBatchOutcome> {
    const now = this.clock.now();
    const found = await this.log.findBatch(actor, request.batchId);
    const event = { action: 'UPLOAD_CANCELLED' as const, at: now, actorAccountId: actor.accountId, clientAddress: request.clientAddress };
    if (!found) {
      await this.audit.record({ ...event, outcome: 'FORBIDDEN', districtId: actor.districtId, targetBatchId: request.batchId ?? null });
      throw new AccessDenied('You are not allowed to manage that upload, or it does not exist.');
    }
    const where = { ...event, targetBatchId: found.batch.id, districtId: found.site.districtId, schoolSiteId: found.site.id };
    const refused = cancelRefusal(found.batch.status);
    // null: it finished, or someone else took it back, since it was read.
    const cancelled = refused ? null : await this.takeBack.cancel(found.batch.id, now);
    if (!cancelled) {
      const latest = refused ? found : ((await this.log.findBatch(actor, found.batch.id)) ?? found);
      const error = refused ?? cancelRefusal(latest.batch.status) ?? cancelRefusal('COMPLETED')!;
      await this.audit.record({ ...where, outcome: error.code, detail: `status ${latest.batch.status}` });
      return { batch: latest, userErrors: [error] };
    }
    await this.audit.record({
      ...where,
      outcome: 'SUCCEEDED',
      detail: `${cancelled.recordsProcessed} of ${cancelled.totalRows ?? '?'} rows handled, ${cancelled.recordsCreated} accounts created before the cancel`,
    });
    return { batch: { batch: cancelled, site: found.site }, userErrors: [] };
  }
}
