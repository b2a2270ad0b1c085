import { refusal } from '../domain/shared/result';
import type { IdempotencyKey, KeyedRequest, StartFingerprint } from './ports/idempotency-keys';

export const IDEMPOTENCY_KEY_REUSED = refusal(
  'IDEMPOTENCY_KEY_REUSED',
  'This idempotency key was already used for a different request. Send a new key with each new request, and the same key only with that request again.',
  ['idempotencyKey'],
);

/** The key of a request, or null when the client sent none. */
export const keyOf = (ownerAccountId: number, key: string | undefined): IdempotencyKey | null => (key === undefined ? null : { ownerAccountId, key });

/** The request under its key, told apart from another by the operation and the values that decide its result. */
export const keyedRequest = (key: IdempotencyKey, startFingerprint: StartFingerprint, operation: string, decisive: unknown[]): KeyedRequest => ({
  ...key,
  requestDigest: startFingerprint()
    .update(JSON.stringify([operation, ...decisive]))
    .digest(),
});
