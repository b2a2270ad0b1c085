export interface ThrottledAttempt {
  action: 'sign-in' | 'register' | 'change-password' | 'request-password-reset' | 'reset-password';
  account: string;
  address: string;
}

/**
 * Failures are limited per account and per client address. An attempt is counted before it is checked, in one atomic
 * step shared by every API process, so no number of concurrent attempts gets more of them checked than the limit allows.
 */
export interface AttemptThrottle {
  /** Counts the attempt as a failure until it proves otherwise; false, with nothing counted, when the account or the address has none left. */
  reserve(attempt: ThrottledAttempt, now: Date): Promise<boolean>;
  /** A reserved attempt succeeded: the account's failures are forgotten and the address gets its attempt back. */
  succeeded(attempt: ThrottledAttempt): Promise<void>;
  /** Whether `reserve` would refuse now: for an attempt that is already known to be right and so must not count. */
  isBlocked(attempt: ThrottledAttempt, now: Date): Promise<boolean>;
  /** An admin unlocked the account (or its owner reset the password): its own sign-in, registration and reset-code failures are forgotten; no address's counter is touched. */
  forgetAccount(account: string): Promise<void>;
}
