import { fail, ok, refusal, type DomainError, type Result } from '../shared/result';

export const MAX_NAME_LENGTH = 100;

// Control characters (C0, DEL, C1) and the line/paragraph separators never belong in a name.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** Names are trimmed, 1–100 characters (code points, so accents and emoji count once), no control characters. */
export const checkPersonName = (raw: string, label: string, field: string[]): Result<string, DomainError> => {
  const name = raw.trim();
  const length = [...name].length;
  if (length === 0) return fail(refusal('INVALID_NAME', `${label} is required.`, field));
  if (length > MAX_NAME_LENGTH) return fail(refusal('INVALID_NAME', `${label} is longer than ${MAX_NAME_LENGTH} characters.`, field));
  if (CONTROL.test(name)) return fail(refusal('INVALID_NAME', `${label} contains a control character (such as a tab or line break).`, field));
  return ok(name);
};
