import { checkAlreadyUsed, checkFollowUpRefusal } from '../domain/upload-batch/check-preview';
import { checkUploadedRow, decideRowOutcome, failedColumn, type RowFailure } from '../domain/upload-batch/upload-row';
import type { Actor } from '../domain/shared/actor';
import { refusal, type DomainError } from '../domain/shared/result';
import { auditedCheckAction, type CheckActionRequest } from './audited-check-action';
import type { AuditTrail } from './ports/audit-trail';
import type { CheckFollowUps } from './ports/check-follow-ups';
import type { Clock } from './ports/clock';
import type { ExistingAccounts } from './ports/existing-accounts';
import type { StoredFailure } from './ports/upload-batches';
import type { ReadUploadLog, VisibleBatch } from './read-upload-log';

export interface CorrectRowRequest extends CheckActionRequest {
  lineNumber: number;
  /** The template's cells in order: First Name, Last Name, Email, User Role. */
  cells: [string, string, string, string];
}

export type CorrectRowOutcome = { batch: VisibleBatch | null; failure: StoredFailure | null; userErrors: DomainError[] };

/** The input field of each template column, for pointing a refusal at the cell to change. */
const CELL_FIELDS = ['firstName', 'lastName', 'email', 'userRole'] as const;

const rowRefusal = (failure: RowFailure): DomainError => refusal(failure.code, failure.reason, [CELL_FIELDS[failedColumn(failure) ?? 0]]);

/**
 * Corrects a failing row of a finished check in the page: the corrected cells must pass the row's own rules and not take
 * another site's email, and then replace that line when the check's accounts are created. Rows are checked against the
 * rest of the file (a duplicate email) when the run reads it, as every row is.
 */
export class CorrectUploadRow {
  constructor(
    private readonly log: ReadUploadLog,
    private readonly followUps: Pick<CheckFollowUps, 'findFailure' | 'saveCorrection'>,
    private readonly existingAccounts: ExistingAccounts,
    private readonly clock: Clock,
    private readonly audit: AuditTrail,
  ) {}

  execute(actor: Actor, request: CorrectRowRequest): Promise<CorrectRowOutcome> {
    return auditedCheckAction(
      { log: this.log, audit: this.audit, clock: this.clock },
      actor,
      request,
      'UPLOAD_ROW_CORRECTED',
      (found) => this.correct(actor, found, request),
      (found) => ({ targetBatchId: found.batch.id, detail: `line ${request.lineNumber} of ${found.batch.fileName}` }),
    );
  }

  private async correct(actor: Actor, found: VisibleBatch, request: CorrectRowRequest): Promise<CorrectRowOutcome> {
    const now = this.clock.now();
    const refused = (error: DomainError): CorrectRowOutcome => ({ batch: found, failure: null, userErrors: [error] });
    const notUsable = checkFollowUpRefusal({ ...found.batch, followedByBatchId: found.batch.followedByBatchId ?? null }, now);
    if (notUsable) return refused(notUsable);
    const failure = await this.followUps.findFailure(found.batch.id, request.lineNumber);
    if (!failure)
      return refused(refusal('NOT_A_FAILED_ROW', `Line ${request.lineNumber} of this check did not fail: only failing rows can be corrected.`, ['lineNumber']));
    const cells = request.cells.map((cell) => cell.trim());
    const checked = checkUploadedRow({ lineNumber: request.lineNumber, cells }, actor);
    if (!checked.ok) return refused(rowRefusal(checked.error));
    const [existing] = await this.existingAccounts.findExisting([checked.value.email.normalized], now);
    const decided = decideRowOutcome(checked.value, undefined, existing, found.site.id);
    if (decided.kind === 'fail') return refused(rowRefusal(decided.failure));
    const saved = await this.followUps.saveCorrection(found.batch.id, {
      lineNumber: request.lineNumber,
      cells,
      correctedByAccountId: actor.accountId,
      correctedAt: now,
    });
    if (!saved) return refused(checkAlreadyUsed());
    const latest = (await this.log.findBatch(actor, found.batch.id)) ?? found;
    return { batch: latest, failure: await this.followUps.findFailure(found.batch.id, request.lineNumber), userErrors: [] };
  }
}
