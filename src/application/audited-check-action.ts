import type { Actor } from '../domain/shared/actor';
import type { DomainError } from '../domain/shared/result';
import { AccessDenied } from './access-denied';
import type { AuditAction, AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { ReadUploadLog, VisibleBatch } from './read-upload-log';

export interface CheckActionRequest {
  /** Undefined when the id did not decode: it names no batch the actor could see. */
  checkBatchId: number | undefined;
  clientAddress: string;
}

/**
 * What follows a check (correcting a row, creating its accounts) acts on a batch the actor may see in the log, and is
 * recorded in the audit trail whatever it ends in; a batch out of reach is FORBIDDEN, like one that does not exist.
 */
export const auditedCheckAction = async <Outcome extends { userErrors: DomainError[] }>(
  deps: { log: ReadUploadLog; audit: AuditTrail; clock: Clock },
  actor: Actor,
  request: CheckActionRequest,
  action: Extract<AuditAction, 'UPLOAD_ROW_CORRECTED' | 'CHECKED_ACCOUNTS_CREATED'>,
  act: (found: VisibleBatch) => Promise<Outcome>,
  recorded: (found: VisibleBatch, outcome: Outcome) => { targetBatchId: number; detail: string },
): Promise<Outcome> => {
  const event = { action, actorAccountId: actor.accountId, clientAddress: request.clientAddress };
  const found = await deps.log.findBatch(actor, request.checkBatchId);
  if (!found) {
    await deps.audit.record({
      ...event,
      outcome: 'FORBIDDEN',
      at: deps.clock.now(),
      districtId: actor.districtId,
      targetBatchId: request.checkBatchId ?? null,
    });
    throw new AccessDenied('You are not allowed to act on that check, or it does not exist.');
  }
  const outcome = await act(found);
  await deps.audit.record({
    ...event,
    ...recorded(found, outcome),
    outcome: outcome.userErrors[0]?.code ?? 'SUCCEEDED',
    at: deps.clock.now(),
    districtId: found.site.districtId,
    schoolSiteId: found.site.id,
  });
  return outcome;
};
