export interface ThrottledAttempt {
  action: 'sign-in' | 'register';
  account: string;
  address: string;
}

/** Repeated failures per account and per client address lock further attempts for a while. */
export interface AttemptThrottle {
  isBlocked(attempt: ThrottledAttempt, now: Date): Promise<boolean>;
  recordFailure(attempt: ThrottledAttempt, now: Date): Promise<void>;
  recordSuccess(attempt: ThrottledAttempt): Promise<void>;
}
