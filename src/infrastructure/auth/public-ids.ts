import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

export type PublicIdKind = 'district' | 'site' | 'account' | 'batch' | 'cursor';

const KINDS: readonly PublicIdKind[] = ['district', 'site', 'account', 'batch', 'cursor'];

/**
 * Internal keys ascend (fast inserts) but must not be guessable or countable from outside: a public id
 * is one AES block holding the kind, the internal number and nine zero bytes. Decryption must give back
 * exactly that shape (80 bits of redundancy), so an edited or invented id names nothing.
 */
export class PublicIds {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update(`public-ids:${secret}`).digest().subarray(0, 16);
  }

  encode(kind: PublicIdKind, id: number): string {
    const block = Buffer.alloc(16);
    block.writeUInt8(KINDS.indexOf(kind), 0);
    block.writeUIntBE(id, 1, 6);
    const cipher = createCipheriv('aes-128-ecb', this.key, null).setAutoPadding(false);
    return Buffer.concat([cipher.update(block), cipher.final()]).toString('base64url');
  }

  /** The internal id, or undefined for anything that was not issued by encode() for that kind. */
  decode(kind: PublicIdKind, publicId: string): number | undefined {
    if (!/^[A-Za-z0-9_-]{22}$/.test(publicId)) return undefined;
    const encrypted = Buffer.from(publicId, 'base64url');
    if (encrypted.length !== 16) return undefined;
    const decipher = createDecipheriv('aes-128-ecb', this.key, null).setAutoPadding(false);
    const block = Buffer.concat([decipher.update(encrypted), decipher.final()]);
    if (block.readUInt8(0) !== KINDS.indexOf(kind) || !block.subarray(7).equals(Buffer.alloc(9))) return undefined;
    return block.readUIntBE(1, 6);
  }
}
