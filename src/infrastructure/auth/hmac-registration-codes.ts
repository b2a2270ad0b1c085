import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { CodeHolder, RegistrationCodes } from '../../application/ports/registration-codes';

// No 0/O, 1/I/L or U: codes are read from an email and typed by hand.
const ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
// 12 characters of a 30-letter alphabet: about 59 bits.
const LENGTH = 12;
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/**
 * A code is HMAC-SHA256(server secret, account id and creation time), spelled in an unambiguous alphabet.
 * Nothing about it is stored, so a 300,000-row upload writes no code and no hash (the invitation is
 * rendered, code included, when it is sent), and a leaked database or outbox holds no usable code.
 * Whoever holds the secret could derive codes, but the same secret already signs sign-in tokens.
 */
export class HmacRegistrationCodes implements RegistrationCodes {
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret));
  }

  codeFor(holder: CodeHolder): string {
    let code = '';
    for (let block = 0; code.length < LENGTH; block += 1) {
      const bytes = createHmac('sha256', this.key).update(`${holder.id}.${holder.createdAt.getTime()}.${block}`).digest();
      for (const byte of bytes) {
        // Bytes from 240 up would favour the first 16 letters (256 = 8 × 30 + 16): skipped instead.
        if (byte < UNBIASED_LIMIT && code.length < LENGTH) code += ALPHABET[byte % ALPHABET.length];
      }
    }
    return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
  }

  matches(code: string, holder: CodeHolder): boolean {
    const typed = Buffer.from(canonical(code));
    const expected = Buffer.from(canonical(this.codeFor(holder)));
    return typed.length === expected.length && timingSafeEqual(typed, expected);
  }
}

// People retype codes with spaces, without dashes or in lower case.
const canonical = (code: string): string => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
