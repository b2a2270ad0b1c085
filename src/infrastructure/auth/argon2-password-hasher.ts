import argon2 from 'argon2';
import type { PasswordHasher } from '../../application/ports/password-hasher';

/** OWASP's first argon2id configuration: 19 MiB of memory, 2 iterations, 1 lane. */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class Argon2PasswordHasher implements PasswordHasher {
  private readonly decoy: Promise<string>;

  constructor() {
    this.decoy = argon2.hash('decoy password for unknown accounts', ARGON2_OPTIONS);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  async verifyNothing(password: string): Promise<void> {
    await this.verify(await this.decoy, password);
  }
}
