export interface RegistrationCodes {
  generate(): string;
  /** Deterministic keyed hash: the code itself is never stored. */
  hash(code: string): string;
  matches(code: string, storedHash: string): boolean;
}
