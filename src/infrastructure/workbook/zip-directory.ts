import { constants, inflateRawSync } from 'node:zlib';

/**
 * Reads a zip file's central directory (its table of contents, at the end of the file) without inflating anything,
 * so that a workbook too large once unpacked (a "zip bomb") is refused before a byte of it is inflated.
 */

/** A template workbook holds about a dozen parts; a few hundred sheets and pictures is already far beyond one. */
const MAX_ZIP_ENTRIES = 1_000;
/** 200,000 template rows as Excel or LibreOffice write them unpack to about 40 MB; ten times that is no educator list. */
const MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024;
/** Spreadsheet XML packs 5 to 30 times; a bomb packs thousands of times. */
const MAX_COMPRESSION_RATIO = 100;
/** Small parts (an empty sheet, the styles) may pack as tightly as they like: they cannot unpack to much. */
const RATIO_CHECKED_FROM_BYTES = 1024 * 1024;
/** Every cell of a 200,000-row template can be a distinct string (4 a row); they are all held in memory while the sheet is read. */
const MAX_SHARED_STRINGS = 1_000_000;

export interface WorkbookLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
  maxCompressionRatio: number;
  ratioCheckedFromBytes: number;
  maxSharedStrings: number;
}

export const WORKBOOK_LIMITS: WorkbookLimits = {
  maxEntries: MAX_ZIP_ENTRIES,
  maxUncompressedBytes: MAX_UNCOMPRESSED_BYTES,
  maxCompressionRatio: MAX_COMPRESSION_RATIO,
  ratioCheckedFromBytes: RATIO_CHECKED_FROM_BYTES,
  maxSharedStrings: MAX_SHARED_STRINGS,
};

export interface ZipEntry {
  name: string;
  compressedBytes: number;
  uncompressedBytes: number;
  encrypted: boolean;
  method: number;
  localHeaderOffset: number;
}

export type ZipDirectory = { ok: true; entries: ZipEntry[]; directoryOffset: number } | { ok: false; problem: 'NOT_A_ZIP' | 'ZIP64' };

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const END_RECORD_BYTES = 22;
const LONGEST_COMMENT = 0xffff;

export function readZipDirectory(zip: Buffer): ZipDirectory {
  const end = findEndOfDirectory(zip);
  if (end === -1) return { ok: false, problem: 'NOT_A_ZIP' };
  const count = zip.readUInt16LE(end + 10);
  const size = zip.readUInt32LE(end + 12);
  const offset = zip.readUInt32LE(end + 16);
  // Zip64 is for archives past 4 GB or 65,535 entries: never a template, and its records would need reading too.
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) return { ok: false, problem: 'ZIP64' };
  if (offset + size > end) return { ok: false, problem: 'NOT_A_ZIP' };
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > end || zip.readUInt32LE(at) !== DIRECTORY_ENTRY) return { ok: false, problem: 'NOT_A_ZIP' };
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const compressedBytes = zip.readUInt32LE(at + 20);
    const uncompressedBytes = zip.readUInt32LE(at + 24);
    if (compressedBytes === 0xffffffff || uncompressedBytes === 0xffffffff) return { ok: false, problem: 'ZIP64' };
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      compressedBytes,
      uncompressedBytes,
      encrypted: (zip.readUInt16LE(at + 8) & 1) === 1,
      method: zip.readUInt16LE(at + 10),
      localHeaderOffset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { ok: true, entries, directoryOffset: offset };
}

function findEndOfDirectory(zip: Buffer): number {
  const earliest = Math.max(0, zip.length - END_RECORD_BYTES - LONGEST_COMMENT);
  for (let at = zip.length - END_RECORD_BYTES; at >= earliest; at -= 1) {
    if (zip.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  return -1;
}

export type ZipLimitExceeded = 'ENTRIES' | 'UNCOMPRESSED_SIZE' | 'COMPRESSION_RATIO';

/** Which limit the directory's declared sizes break, if any. */
export function zipLimitExceeded(entries: ZipEntry[], limits: WorkbookLimits = WORKBOOK_LIMITS): ZipLimitExceeded | null {
  if (entries.length > limits.maxEntries) return 'ENTRIES';
  let total = 0;
  for (const entry of entries) {
    total += entry.uncompressedBytes;
    const packed = Math.max(1, entry.compressedBytes);
    if (entry.uncompressedBytes >= limits.ratioCheckedFromBytes && entry.uncompressedBytes > limits.maxCompressionRatio * packed) return 'COMPRESSION_RATIO';
  }
  return total > limits.maxUncompressedBytes ? 'UNCOMPRESSED_SIZE' : null;
}

const STORED = 0;
const DEFLATED = 8;

/** One small entry's bytes, inflated with a cap: only for parts read before the sheet (the content types), after the limits passed. */
export function readSmallEntry(zip: Buffer, entry: ZipEntry, maxBytes: number): Buffer | null {
  const at = entry.localHeaderOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== 0x04034b50) return null;
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const data = zip.subarray(start, start + entry.compressedBytes);
  try {
    if (entry.method === STORED) return data.subarray(0, maxBytes);
    if (entry.method === DEFLATED) return inflateRawSync(data, { maxOutputLength: maxBytes, finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return null;
  }
  return null;
}

/**
 * The zip's entries, each with its local header, data and data descriptor, with the named ones first (in that order)
 * and the rest as they were: for a reader that reads a zip front to back, as a streaming one does.
 */
export function entriesInOrder(zip: Buffer, directory: { entries: ZipEntry[]; directoryOffset: number }, first: readonly string[]): Buffer[] {
  const byOffset = [...directory.entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  const segment = new Map(
    byOffset.map((entry, index) => [entry, zip.subarray(entry.localHeaderOffset, byOffset[index + 1]?.localHeaderOffset ?? directory.directoryOffset)]),
  );
  const rank = (entry: ZipEntry): number => (first.includes(entry.name) ? first.indexOf(entry.name) : first.length);
  return [...byOffset].sort((a, b) => rank(a) - rank(b)).map((entry) => segment.get(entry)!);
}
