import type { KeyedHash } from '../shared/half-sip-hash';

const MAX_LOAD = 0.7;
const BLOCK_BYTES = 64 * 1024;
/** Room before an encoded email for its domain's number, written in front of its local part. */
const KEY_PREFIX = 8;
const AT_SIGN = 0x40;

/**
 * The first line on which each email appeared in a file, for DUPLICATE_IN_FILE. Two rows are duplicates only when their
 * emails are the same text: each email is kept (as UTF-8, its domain once per file and referred to by number), packed
 * into flat memory rather than held as a JS string and map entry each, which for 300,000 rows took tens of megabytes.
 * That takes about as much memory as the 64-bit fingerprints kept before, which could not tell two emails apart when
 * they met. The slots are found with a keyed hash whose key is drawn for each batch: without it no file can be crafted
 * to make emails pile into the same slots, so the work stays in proportion to the rows (`probes` counts it).
 */
export class FirstLinesByEmail {
  private readonly domains: ByteStringTable;
  private readonly addresses: ByteStringTable;
  private scratch = new Uint8Array(1024);

  /** Sized for the emails expected (a batch knows its row count), so a large file never pays for growing copies. */
  constructor(hash: KeyedHash, expectedEmails = 0) {
    this.domains = new ByteStringTable(hash, 0);
    this.addresses = new ByteStringTable(hash, expectedEmails);
  }

  get size(): number {
    return this.addresses.size;
  }

  /** Slots looked at so far. */
  get probes(): number {
    return this.domains.probes + this.addresses.probes;
  }

  /** The first line the email is on: `lineNumber` itself when it is the first (it is remembered then). */
  firstLine(email: string, lineNumber: number): number {
    if (this.scratch.length < KEY_PREFIX + 3 * email.length) this.scratch = new Uint8Array(KEY_PREFIX + 3 * email.length);
    const bytes = this.scratch;
    const end = encode(email, bytes, KEY_PREFIX);
    // '@' is never part of another character in UTF-8; the domain keeps its '@', so "a" and "a@" stay apart.
    let at = end;
    for (let index = end - 1; index >= KEY_PREFIX; index -= 1) {
      if (bytes[index] === AT_SIGN) {
        at = index;
        break;
      }
    }
    const domain = this.domains.valueOrAdd(bytes, at, end, this.domains.size);
    const start = KEY_PREFIX - varintLength(domain);
    writeVarint(bytes, start, domain);
    return this.addresses.valueOrAdd(bytes, start, at, lineNumber);
  }
}

/**
 * Byte strings, each with a number, in an open-addressing table with linear probing. Each string is stored once in
 * 64 KB blocks as [length][bytes][number] (the two numbers as varints); a slot holds where, and a tag of its hash so
 * that most slots of other strings are passed over without reading their bytes. A match is always the same bytes.
 */
class ByteStringTable {
  /** 0 for an empty slot, else (block + 1) × 65,536 + offset in the block. */
  private slots: Uint32Array;
  private tags: Uint8Array;
  private readonly blocks: Uint8Array[] = [];
  private used = BLOCK_BYTES;
  size = 0;
  probes = 0;

  constructor(
    private readonly hash: KeyedHash,
    expected: number,
  ) {
    const capacity = Math.max(16, Math.ceil(expected / MAX_LOAD));
    this.slots = new Uint32Array(capacity);
    this.tags = new Uint8Array(capacity);
  }

  /** The number stored with bytes[start, end), or `value` when they are new (then stored with them). */
  valueOrAdd(bytes: Uint8Array, start: number, end: number, value: number): number {
    const hash = this.hash(bytes, start, end);
    const slot = this.find(hash, bytes, start, end);
    const entry = this.slots[slot];
    if (entry !== 0) {
      const [block, offset] = [this.blockOf(entry), entry % 65536];
      const length = readVarint(block, offset);
      return readVarint(block, offset + varintLength(length) + length);
    }
    this.slots[slot] = this.append(bytes, start, end, value);
    this.tags[slot] = hash;
    this.size += 1;
    if (this.size > this.slots.length * MAX_LOAD) this.grow();
    return value;
  }

  /** The slot holding these bytes, or the empty slot where they belong. */
  private find(hash: number, bytes: Uint8Array, start: number, end: number): number {
    const capacity = this.slots.length;
    const tag = hash & 0xff;
    for (let slot = Math.floor((hash * capacity) / 4294967296); ; slot = slot + 1 === capacity ? 0 : slot + 1) {
      this.probes += 1;
      const entry = this.slots[slot];
      if (entry === 0 || (this.tags[slot] === tag && this.holds(entry, bytes, start, end))) return slot;
    }
  }

  private holds(entry: number, bytes: Uint8Array, start: number, end: number): boolean {
    const [block, offset] = [this.blockOf(entry), entry % 65536];
    if (readVarint(block, offset) !== end - start) return false;
    for (let index = start, at = offset + varintLength(end - start); index < end; index += 1, at += 1) if (block[at] !== bytes[index]) return false;
    return true;
  }

  private blockOf(entry: number): Uint8Array {
    return this.blocks[Math.floor(entry / 65536) - 1];
  }

  private append(bytes: Uint8Array, start: number, end: number, value: number): number {
    const length = end - start;
    const size = varintLength(length) + length + varintLength(value);
    if (size > BLOCK_BYTES) throw new RangeError(`A key of ${length} bytes does not fit a block of duplicate detection`);
    if (this.used + size > BLOCK_BYTES) {
      this.blocks.push(new Uint8Array(BLOCK_BYTES));
      this.used = 0;
    }
    const block = this.blocks[this.blocks.length - 1];
    const offset = this.used;
    let at = writeVarint(block, offset, length);
    for (let index = start; index < end; index += 1, at += 1) block[at] = bytes[index];
    writeVarint(block, at, value);
    this.used += size;
    return this.blocks.length * 65536 + offset;
  }

  private grow(): void {
    const slots = this.slots;
    this.slots = new Uint32Array(slots.length * 2);
    this.tags = new Uint8Array(slots.length * 2);
    for (const entry of slots) {
      if (entry === 0) continue;
      const [block, offset] = [this.blockOf(entry), entry % 65536];
      const length = readVarint(block, offset);
      const start = offset + varintLength(length);
      const hash = this.hash(block, start, start + length);
      const slot = this.find(hash, block, start, start + length);
      this.slots[slot] = entry;
      this.tags[slot] = hash;
    }
  }
}

/**
 * UTF-8 (at most three bytes a UTF-16 unit), a lone surrogate written as its own three bytes as WTF-8 does, where
 * TextEncoder would write U+FFFD for every one of them and so give different strings the same bytes.
 */
const encode = (text: string, bytes: Uint8Array, start: number): number => {
  let at = start;
  for (let index = 0; index < text.length; index += 1) {
    let code = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    if (code >= 0xd800 && code < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      code = 0x10000 + (code - 0xd800) * 0x400 + (next - 0xdc00);
      index += 1;
    }
    const extra = code < 0x80 ? 0 : code < 0x800 ? 1 : code < 0x10000 ? 2 : 3;
    bytes[at] = extra === 0 ? code : ((0xff00 >> (extra + 1)) & 0xff) | (code >> (6 * extra));
    for (let byte = 1; byte <= extra; byte += 1) bytes[at + byte] = 0x80 | ((code >> (6 * (extra - byte))) & 0x3f);
    at += 1 + extra;
  }
  return at;
};

const varintLength = (value: number): number => (value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5);

/** Seven bits a byte, low bits first; returns where the next byte goes. */
const writeVarint = (bytes: Uint8Array, at: number, value: number): number => {
  let rest = value;
  let index = at;
  while (rest >= 0x80) {
    bytes[index] = (rest & 0x7f) | 0x80;
    rest = Math.floor(rest / 128);
    index += 1;
  }
  bytes[index] = rest;
  return index + 1;
};

const readVarint = (bytes: Uint8Array, at: number): number => {
  let value = 0;
  let scale = 1;
  for (let index = at; ; index += 1, scale *= 128) {
    value += (bytes[index] & 0x7f) * scale;
    if (bytes[index] < 0x80) return value;
  }
};
