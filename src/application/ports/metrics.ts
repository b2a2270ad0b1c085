export type SignInRefusal = 'INVALID_CREDENTIALS' | 'TOO_MANY_ATTEMPTS';

/** What the use cases count of their own work, for operators; the infrastructure decides how it is exposed. */
export interface SignInMetrics {
  signInRefused(code: SignInRefusal): void;
}
