import { createHmac, timingSafeEqual } from 'node:crypto';

export type PublicIdKind = 'district' | 'site' | 'account' | 'batch' | 'cursor';

/**
 * Internal keys ascend (fast inserts) but must not be guessable from outside: a public id is the
 * internal number with a keyed MAC, so a district cannot enumerate another's ids.
 */
export class PublicIds {
  constructor(private readonly secret: string) {}

  encode(kind: PublicIdKind, id: number): string {
    const number = Buffer.alloc(6);
    number.writeUIntBE(id, 0, 6);
    return Buffer.concat([number, this.mac(kind, number)]).toString('base64url');
  }

  /** The internal id, or undefined for anything that was not issued by encode() for that kind. */
  decode(kind: PublicIdKind, publicId: string): number | undefined {
    if (!/^[A-Za-z0-9_-]{22}$/.test(publicId)) return undefined;
    const bytes = Buffer.from(publicId, 'base64url');
    if (bytes.length !== 16) return undefined;
    const number = bytes.subarray(0, 6);
    if (!timingSafeEqual(bytes.subarray(6), this.mac(kind, number))) return undefined;
    return number.readUIntBE(0, 6);
  }

  private mac(kind: PublicIdKind, number: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(kind).update(number).digest().subarray(0, 10);
  }
}
