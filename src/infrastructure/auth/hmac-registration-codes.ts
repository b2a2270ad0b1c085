import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { RegistrationCodes } from '../../application/ports/registration-codes';

// No 0/O, 1/I/L or U: codes are read from an email and typed by hand.
const ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
// 12 characters of a 30-letter alphabet: about 59 bits of entropy.
const LENGTH = 12;

/**
 * A keyed hash (HMAC-SHA256 with a server secret) rather than argon2: codes are random and high-entropy,
 * and bulk creation makes hundreds of thousands of them, which a slow hash would turn into hours.
 */
export class HmacRegistrationCodes implements RegistrationCodes {
  constructor(private readonly secret: string) {}

  generate(): string {
    let code = '';
    for (let index = 0; index < LENGTH; index += 1) code += ALPHABET[randomInt(ALPHABET.length)];
    return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
  }

  hash(code: string): string {
    return createHmac('sha256', this.secret).update(canonical(code)).digest('base64url');
  }

  matches(code: string, storedHash: string): boolean {
    const candidate = Buffer.from(this.hash(code));
    const stored = Buffer.from(storedHash);
    return candidate.length === stored.length && timingSafeEqual(candidate, stored);
  }
}

// People retype codes with spaces, without dashes or in lower case.
const canonical = (code: string): string => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
