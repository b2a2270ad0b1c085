import type { PasswordReset } from '../../domain/educator/password-reset';

export interface PasswordResets {
  /**
   * Replaces the account's earlier requests (their codes stop working) with a new one and queues its email, in one
   * transaction; the email's code is derived when it is sent.
   */
  start(account: { id: number; email: string }, requestedAt: Date, expiresAt: Date): Promise<void>;
  /** The account's latest request, if any. */
  latestOf(accountId: number): Promise<PasswordReset | null>;
  /** Marks the request used unless it already was: false then, so two concurrent resets cannot both use one code. */
  markUsed(resetId: number, at: Date): Promise<boolean>;
}
