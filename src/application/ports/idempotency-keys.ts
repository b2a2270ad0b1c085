/** The key an admin sent with a request they may send again; keys of different admins never meet. */
export interface IdempotencyKey {
  ownerAccountId: number;
  key: string;
}

/** A keyed request, with a digest of what it asked: a retry asks the same, a different request under the same key does not. */
export interface KeyedRequest extends IdempotencyKey {
  requestDigest: string;
}

/** What a key names: the creation or upload that landed with it. */
export interface KeyedResult {
  requestDigest: string;
  accountId: number | null;
  batchId: number | null;
}

export interface IdempotencyKeys {
  find(key: IdempotencyKey): Promise<KeyedResult | null>;
}

/** A one-way digest of what is fed to it (SHA-256 in production): recognises a request sent again without keeping it. */
export interface Fingerprint {
  update(data: string | Buffer): Fingerprint;
  digest(): string;
}

export type StartFingerprint = () => Fingerprint;
