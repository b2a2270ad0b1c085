import { createCipheriv, createDecipheriv, createHash, type Cipher, type Decipher } from 'node:crypto';

export type PublicIdKind = 'district' | 'site' | 'account' | 'batch' | 'cursor' | 'roster';

const KINDS: readonly PublicIdKind[] = ['district', 'site', 'account', 'batch', 'cursor', 'roster'];
const RECENTLY_ENCODED_LIMIT = 10_000;

/**
 * Internal keys ascend (fast inserts) but must not be guessable or countable from outside: a public id
 * is one AES block holding the kind, the internal number and nine zero bytes. Decryption must give back
 * exactly that shape (80 bits of redundancy), so an edited or invented id names nothing.
 */
export class PublicIds {
  // ECB without padding turns each 16-byte block over independently, so one cipher object serves every call.
  private readonly cipher: Cipher;
  private readonly decipher: Decipher;
  // A log page names ~150 ids, mostly the same few sites and uploaders again: remember recent ones instead of encrypting each again.
  private readonly recentlyEncoded = new Map<number, string>();

  constructor(secret: string) {
    const key = createHash('sha256').update(`public-ids:${secret}`).digest().subarray(0, 16);
    this.cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    this.decipher = createDecipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  }

  encode(kind: PublicIdKind, id: number): string {
    // id < 2^48 (six bytes below), so kind and id fit one safe integer.
    const key = KINDS.indexOf(kind) * 2 ** 48 + id;
    let publicId = this.recentlyEncoded.get(key);
    if (publicId === undefined) {
      const block = Buffer.alloc(16);
      block.writeUInt8(KINDS.indexOf(kind), 0);
      block.writeUIntBE(id, 1, 6);
      publicId = this.cipher.update(block).toString('base64url');
      if (this.recentlyEncoded.size >= RECENTLY_ENCODED_LIMIT) this.recentlyEncoded.clear();
      this.recentlyEncoded.set(key, publicId);
    }
    return publicId;
  }

  /** The internal id, or undefined for anything that was not issued by encode() for that kind. */
  decode(kind: PublicIdKind, publicId: string): number | undefined {
    if (!/^[A-Za-z0-9_-]{22}$/.test(publicId)) return undefined;
    const encrypted = Buffer.from(publicId, 'base64url');
    if (encrypted.length !== 16) return undefined;
    const block = this.decipher.update(encrypted);
    if (block.readUInt8(0) !== KINDS.indexOf(kind) || !block.subarray(7).equals(Buffer.alloc(9))) return undefined;
    return block.readUIntBE(1, 6);
  }
}
