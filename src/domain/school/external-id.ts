import { fail, ok, refusal, type DomainError, type Result } from '../shared/result';

export const MAX_EXTERNAL_ID_LENGTH = 64;

/** Letters, digits, punctuation and inner spaces: what a state school code or SIS identifier is made of. */
const PRINTABLE = /^[\p{L}\p{N}\p{P}\p{S} ]+$/u;

/** The identifier as stored: trimmed, or null when the admin cleared it. */
export const externalIdFrom = (typed: string | null | undefined): Result<string | null, DomainError> => {
  const trimmed = (typed ?? '').trim();
  if (trimmed === '') return ok(null);
  if ([...trimmed].length > MAX_EXTERNAL_ID_LENGTH || !PRINTABLE.test(trimmed)) {
    return fail(
      refusal(
        'INVALID_EXTERNAL_ID',
        `An external identifier is 1 to ${MAX_EXTERNAL_ID_LENGTH} letters, digits or punctuation marks, such as the state's school code.`,
        ['externalId'],
      ),
    );
  }
  return ok(trimmed);
};
