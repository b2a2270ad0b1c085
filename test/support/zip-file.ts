import { crc32, deflateRawSync } from 'node:zlib';

/** General-purpose flag bit 11: the entry's name is UTF-8. */
const UTF8_NAMES = 0x0800;

export interface ZipPart {
  name: string;
  data: Buffer | string;
  /** What the directory claims the part unpacks to, when it is to lie. */
  declaredBytes?: number;
  /** Stored as it is instead of deflated. */
  stored?: boolean;
}

/**
 * A zip file written by hand, so its directory can say what a test needs (many parts, sizes that lie): the workbooks'
 * and the OneRoster exports' fixtures. Names are flagged UTF-8; no zip64, no encryption.
 */
export const zipFile = (parts: ZipPart[]): Buffer => {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const data = Buffer.from(part.data);
    const packed = part.stored ? data : deflateRawSync(data);
    const name = Buffer.from(part.name, 'utf8');
    const sizes = { crc: crc32(data), packed: packed.length, unpacked: part.declaredBytes ?? data.length, method: part.stored ? 0 : 8 };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(sizes.method, 8);
    local.writeUInt32LE(sizes.crc, 14);
    local.writeUInt32LE(sizes.packed, 18);
    local.writeUInt32LE(sizes.unpacked, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(sizes.method, 10);
    central.writeUInt32LE(sizes.crc, 16);
    central.writeUInt32LE(sizes.packed, 20);
    central.writeUInt32LE(sizes.unpacked, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
};
