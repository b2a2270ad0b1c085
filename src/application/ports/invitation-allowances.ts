import type { InvitationLimit, LimitReached } from '../../domain/educator/invitation-allowance';
import type { Result } from '../../domain/shared/result';

/** Accounts created one at a time, and rows of uploaded files: counted apart, each with its own limit. */
export type AllowanceKind = 'single' | 'bulk-rows';

export interface AllowanceRequest {
  adminAccountId: number;
  kind: AllowanceKind;
  amount: number;
  at: Date;
  limit: InvitationLimit;
}

/** Each admin's recent invitations, kept where every API process counts them: a take is atomic across processes. */
export interface InvitationAllowances {
  /** All or nothing: counts the amount if it fits within the limit. */
  take(request: AllowanceRequest): Promise<Result<void, LimitReached>>;
  /** Uncounts what a take counted for invitations that were not sent after all. */
  giveBack(request: AllowanceRequest): Promise<void>;
}
