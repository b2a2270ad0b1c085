import { bulkRowsLimitReached, DAY_MS } from '../domain/educator/invitation-allowance';
import { BULK_CREATION_AGREEMENT_VERSION } from './agreements';
import type { InvitationAllowances } from './ports/invitation-allowances';
import type { AgreementAcceptance } from './ports/unit-of-work';

/**
 * Every row of a file that is to create accounts may become an invitation: they count against the admin's rows of the
 * last 24 hours, the file as a whole or not at all. Null when the rows fit; otherwise why not, and when they would.
 */
export const takeBulkRows = async (
  allowances: InvitationAllowances,
  request: { adminAccountId: number; rows: number; now: Date; maxRowsPerDay: number },
): Promise<string | null> => {
  const limit = { invitations: request.maxRowsPerDay, windowMs: DAY_MS };
  const taken = await allowances.take({ adminAccountId: request.adminAccountId, kind: 'bulk-rows', amount: request.rows, at: request.now, limit });
  return taken.ok ? null : bulkRowsLimitReached(request.rows, taken.error, limit, request.now);
};

/** The bulk creation agreement, accepted for one upload batch. */
export const bulkCreationAgreement = (acceptedByAccountId: number, acceptedAt: Date, uploadBatchId: number): AgreementAcceptance => ({
  acceptedByAccountId,
  agreement: 'BULK_ACCOUNT_CREATION',
  version: BULK_CREATION_AGREEMENT_VERSION,
  acceptedAt,
  uploadBatchId,
});
