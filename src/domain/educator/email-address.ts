import { firstInvisibleCharacter } from '../shared/invisible-characters';
import { fail, ok, refusal, type DomainError, type Result } from '../shared/result';

/**
 * Emails are unique among accounts, compared case-insensitively; `normalized` is the comparison key
 * and `value` keeps the address as the admin typed it (trimmed, NFC-normalised) for display.
 */
export class EmailAddress {
  private constructor(
    readonly value: string,
    readonly normalized: string,
  ) {}

  static readonly MAX_LENGTH = 254;

  // Deliberately practical rather than RFC 5322: one @, a dotted domain, no spaces or control characters.
  private static readonly SHAPE =
    // eslint-disable-next-line no-control-regex -- control characters are matched to be refused
    /^[^\s@"(),:;<>[\\\]\u0000-\u001f\u007f]+@[^\s@"(),:;<>[\\\]\u0000-\u001f\u007f]+\.[^\s@"(),:;<>[\\\]\u0000-\u001f\u007f.]{2,}$/u;

  static create(raw: string, field: string[] = ['email']): Result<EmailAddress, DomainError> {
    const value = raw.trim().normalize('NFC');
    if (value.length === 0) return fail(refusal('INVALID_EMAIL', 'Email is required.', field));
    // Refused rather than removed, so that what is stored is exactly what the admin saw when typing it.
    const invisible = firstInvisibleCharacter(value);
    if (invisible) {
      return fail(
        refusal(
          'INVALID_EMAIL',
          `The email contains an invisible character (${invisible}), often pasted along with an address. Type the address again.`,
          field,
        ),
      );
    }
    if (value.length > EmailAddress.MAX_LENGTH || !EmailAddress.SHAPE.test(value) || value.includes('..')) {
      return fail(refusal('INVALID_EMAIL', `"${value.slice(0, 80)}" is not a valid email address.`, field));
    }
    return ok(new EmailAddress(value, EmailAddress.normalize(value)));
  }

  /** A decomposed "é" and a composed one are the same letter, so the same address. */
  static normalize(raw: string): string {
    return raw.trim().normalize('NFC').toLowerCase();
  }

  static restore(value: string): EmailAddress {
    return new EmailAddress(value, EmailAddress.normalize(value));
  }
}
