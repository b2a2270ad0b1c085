import type { QueuedInvitation } from '../../domain/educator/invitation';

export interface ResendWindow {
  at: Date;
  /** A resend at or before this moment (and after the account's latest creation) makes this one too soon. */
  lastResendNoLaterThan: Date;
}

/** The resend throttle's memory and the invitation it queues, written together so two clicks never send two. */
export interface InvitationResends {
  /** When an admin last resent the account's invitation since it was (re)created; null when never. */
  lastResentAt(accountId: number): Promise<Date | null>;
  /** Queues the invitation and remembers the resend; false (nothing written) when the account is no longer unregistered or a resend came too soon. */
  resend(invitation: QueuedInvitation, window: ResendWindow): Promise<boolean>;
}
