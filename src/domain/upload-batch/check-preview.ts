import { DAY_MS } from '../educator/invitation-allowance';
import { refusal, type DomainError } from '../shared/result';
import type { UploadBatchStatus } from './upload-batch';

/** How long a finished check keeps its file for "Create accounts": long enough to fix the original and come back. */
export const CHECK_KEPT_DAYS = 7;
export const CHECK_KEPT_MS = CHECK_KEPT_DAYS * DAY_MS;

export interface CheckFacts {
  status: UploadBatchStatus;
  dryRun: boolean;
  endTime: Date | null;
  followedByBatchId: number | null;
}

/** Until when a check's accounts can still be created from its stored file; null when they cannot (any more). */
export const checkKeptUntil = (check: CheckFacts, now: Date): Date | null => {
  if (!check.dryRun || check.status !== 'COMPLETED' || !check.endTime || check.followedByBatchId !== null) return null;
  const until = new Date(check.endTime.getTime() + CHECK_KEPT_MS);
  return until > now ? until : null;
};

/**
 * Why nothing can follow this check now (creating its accounts, correcting its rows), in words the admin can act on;
 * null when it can. A check whose accounts were already created is for the caller to tell apart: creating again is
 * answered that run, correcting is refused.
 */
export const checkFollowUpRefusal = (check: CheckFacts, now: Date): DomainError | null => {
  const refused = (code: string, message: string): DomainError => refusal(code, message, ['batchId']);
  if (!check.dryRun) return refused('NOT_A_CHECK', 'This upload was not a check: its accounts were created when it ran.');
  if (check.status === 'QUEUED' || check.status === 'PROCESSING')
    return refused('CHECK_NOT_FINISHED', 'This check is still running. Wait until it has finished.');
  if (check.status !== 'COMPLETED') {
    return refused(
      'CHECK_NOT_USABLE',
      'This check did not finish (it was rejected, cancelled or stopped), so nothing can be created from it. Upload the file again.',
    );
  }
  if (check.followedByBatchId !== null) return checkAlreadyUsed();
  return checkKeptUntil(check, now) ? null : checkExpired();
};

export const checkAlreadyUsed = (): DomainError =>
  refusal('CHECK_ALREADY_USED', 'The accounts of this check were already created. Correct rows in the fix file of that upload instead.', ['batchId']);

export const checkExpired = (): DomainError =>
  refusal('CHECK_EXPIRED', `This check finished more than ${CHECK_KEPT_DAYS} days ago, and its file is no longer kept. Upload the file again.`, ['batchId']);
