export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same time as a real verification, so unknown users cannot be told apart by timing. */
  verifyNothing(password: string): Promise<void>;
}
