import { checkExpired, checkFollowUpRefusal } from '../domain/upload-batch/check-preview';
import type { Actor } from '../domain/shared/actor';
import { refusal, type DomainError } from '../domain/shared/result';
import { auditedCheckAction, type CheckActionRequest } from './audited-check-action';
import { bulkCreationAgreement, takeBulkRows } from './bulk-rows';
import type { AuditTrail } from './ports/audit-trail';
import type { CheckFollowUps } from './ports/check-follow-ups';
import type { Clock } from './ports/clock';
import type { InvitationAllowances } from './ports/invitation-allowances';
import type { UploadFileInbox } from './ports/upload-file-inbox';
import type { ReadUploadLog, VisibleBatch } from './read-upload-log';
import { RECEIVING_WINDOW_MS, type UploadLimits } from './upload-educator-accounts';

export type CreateFromCheckOutcome = { batch: VisibleBatch | null; userErrors: DomainError[] };

/**
 * "Create accounts" on a finished check: the same stored file, with the rows corrected in the page, is queued as a real
 * upload, without sending it again. The run decides every row afresh, so what changed in the database since the check
 * stands. Asked twice, the check answers the run it already has.
 */
export class CreateAccountsFromCheck {
  constructor(
    private readonly log: ReadUploadLog,
    private readonly inbox: Pick<UploadFileInbox, 'openBatch' | 'discard' | 'announceQueued'>,
    private readonly followUps: Pick<CheckFollowUps, 'queueRun'>,
    private readonly allowances: InvitationAllowances,
    private readonly limits: Pick<UploadLimits, 'maxWaitingBatchesPerSite' | 'maxRowsPerAdminPerDay'>,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  execute(actor: Actor, request: CheckActionRequest): Promise<CreateFromCheckOutcome> {
    return auditedCheckAction(
      { log: this.log, audit: this.audit, clock: this.clock },
      actor,
      request,
      'CHECKED_ACCOUNTS_CREATED',
      (found) => this.follow(actor, found),
      (found, outcome) => ({
        targetBatchId: outcome.batch?.batch.id ?? found.batch.id,
        detail: `${found.batch.fileName}, checked in upload ${found.batch.id}`,
      }),
    );
  }

  private async follow(actor: Actor, { batch: check, site }: VisibleBatch): Promise<CreateFromCheckOutcome> {
    const now = this.clock.now();
    if (check.followedByBatchId) return this.answerRun(actor, check.followedByBatchId);
    const refused = checkFollowUpRefusal({ ...check, followedByBatchId: check.followedByBatchId ?? null }, now);
    if (refused) return { batch: null, userErrors: [refused] };
    const run = { schoolSiteId: site.id, uploadedByAccountId: actor.accountId, fileName: check.fileName, dryRun: false, now };
    const runId = await this.inbox.openBatch({ ...run, receivingUntil: new Date(now.getTime() + RECEIVING_WINDOW_MS) }, this.limits.maxWaitingBatchesPerSite);
    if (runId === null) {
      const limit = this.limits.maxWaitingBatchesPerSite;
      return {
        batch: null,
        userErrors: [refusal('TOO_MANY_QUEUED_UPLOADS', `${site.name} already has ${limit} uploads waiting. Wait for them to finish, then try again.`)],
      };
    }
    try {
      const rows = { adminAccountId: actor.accountId, rows: check.totalRows ?? 0, now, maxRowsPerDay: this.limits.maxRowsPerAdminPerDay };
      const overLimit = await takeBulkRows(this.allowances, rows);
      if (overLimit) {
        await this.inbox.discard(runId);
        return { batch: null, userErrors: [refusal('BULK_ROWS_LIMIT_REACHED', overLimit, ['batchId'])] };
      }
      const agreement = bulkCreationAgreement(actor.accountId, now, runId);
      const queued = await this.followUps.queueRun(check.id, runId, agreement);
      if (!queued.queued) {
        await this.inbox.discard(runId);
        if (queued.because === 'ALREADY_FOLLOWED') return this.answerRun(actor, queued.runBatchId);
        return { batch: null, userErrors: [checkExpired()] };
      }
    } catch (error) {
      await this.inbox.discard(runId);
      throw error;
    }
    this.inbox.announceQueued();
    return { batch: await this.log.findBatch(actor, runId), userErrors: [] };
  }

  private async answerRun(actor: Actor, runBatchId: number): Promise<CreateFromCheckOutcome> {
    return { batch: await this.log.findBatch(actor, runBatchId), userErrors: [] };
  }
}
