import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { RegistrationCodes } from '../../application/ports/registration-codes';

// No 0/O, 1/I/L or U: codes are read from an email and typed by hand.
const ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
// 12 characters of a 30-letter alphabet: about 59 bits of entropy.
const LENGTH = 12;
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/**
 * A keyed hash (HMAC-SHA256 with a server secret) rather than argon2: codes are random and high-entropy,
 * and bulk creation makes hundreds of thousands of them, which a slow hash would turn into hours.
 */
export class HmacRegistrationCodes implements RegistrationCodes {
  private readonly key: KeyObject;
  // Random bytes drawn in bulk: one system call per few hundred codes rather than twelve per code.
  private pool = Buffer.alloc(0);
  private poolOffset = 0;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret));
  }

  generate(): string {
    let code = '';
    while (code.length < LENGTH) {
      const byte = this.randomByte();
      // Bytes from 240 up would favour the first 16 letters (256 = 8 × 30 + 16): drawn again instead.
      if (byte < UNBIASED_LIMIT) code += ALPHABET[byte % ALPHABET.length];
    }
    return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
  }

  hash(code: string): string {
    return createHmac('sha256', this.key).update(canonical(code)).digest('base64url');
  }

  private randomByte(): number {
    if (this.poolOffset >= this.pool.length) {
      this.pool = randomBytes(4096);
      this.poolOffset = 0;
    }
    return this.pool[this.poolOffset++];
  }

  matches(code: string, storedHash: string): boolean {
    const candidate = Buffer.from(this.hash(code));
    const stored = Buffer.from(storedHash);
    return candidate.length === stored.length && timingSafeEqual(candidate, stored);
  }
}

// People retype codes with spaces, without dashes or in lower case.
const canonical = (code: string): string => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
