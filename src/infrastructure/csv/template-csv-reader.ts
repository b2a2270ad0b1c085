import type { CsvLimits, CsvRejectionCode, TemplateCsvEvent } from '../../application/ports/template-csv';
import { compareHeader } from '../../domain/upload-batch/template-header';
import { cellsInLine, CsvRecordReader, type CsvDelimiter, type CsvFailure } from './csv-records';

export type { CsvLimits, CsvRejectionCode, TemplateCsvEvent };

type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';
type Rejection = Extract<TemplateCsvEvent, { type: 'rejected' }>;

const LF = 0x0a;
const CR = 0x0d;
const SAVE_AS_CSV = 'In Excel choose File > Save As > CSV UTF-8 (Comma delimited) and upload that file.';
const NO_BYTES: Buffer = Buffer.alloc(0);

export const rejected = (code: CsvRejectionCode, reason: string): Rejection => ({ type: 'rejected', code, reason });
export const formatCount = (count: number): string => new Intl.NumberFormat('en-US').format(count);

/**
 * Reads an uploaded template one record at a time. Expected problems with the file end the stream with a
 * 'rejected' event; records already yielded before it stay valid as parsed.
 */
export async function* readTemplateCsv(source: AsyncIterable<Buffer | Uint8Array>, limits: CsvLimits): AsyncGenerator<TemplateCsvEvent> {
  const upload = new UploadedText(source);
  const text = upload.utf8Chunks();
  try {
    const head = await readUntilHeaderLine(text, limits.maxRowBytes);
    if (upload.rejection) {
      yield upload.rejection;
      return;
    }
    if (head.headerLine === undefined && head.endOfFile) {
      yield emptyFile();
      return;
    }
    const delimiter = detectDelimiter(head.headerLine ?? '');
    // Records are turned into events here, not in a generator of their own: each async generator a record passes
    // through adds about half the time its parsing takes.
    const records = new CsvRecordReader(delimiter, limits.maxRowBytes);
    let headerFound = false;
    let dataRows = 0;
    for await (const batch of records.batches(resumeAfter(head.bytes, text))) {
      if (upload.rejection) break;
      for (const { line, cells } of batch) {
        if (isBlank(cells)) continue;
        if (!headerFound) {
          const header = compareHeader(cells);
          if (!header.ok) {
            yield rejected('TEMPLATE_CHANGED', header.error.reason);
            return;
          }
          headerFound = true;
          yield { type: 'header', ...header.value, delimiter, encoding: upload.encoding };
          continue;
        }
        dataRows += 1;
        if (dataRows > limits.maxDataRows) {
          yield tooManyRows(limits);
          return;
        }
        yield { type: 'record', lineNumber: line, cells };
      }
    }
    // Text cut short at an encoding problem can look malformed to the parser: the encoding is the problem to report.
    if (upload.rejection) yield upload.rejection;
    else if (records.failure) yield rejectionForParseFailure(records.failure, limits);
    else if (!headerFound) yield emptyFile();
    else if (dataRows === 0) yield headerOnly();
  } finally {
    // Reading may stop before the end (a rejection, or the caller breaking off): the upload is closed either way.
    await text.return(undefined);
  }
}

export function tooManyRows(limits: CsvLimits): Rejection {
  return rejected(
    'TOO_MANY_ROWS',
    `The file has more than ${formatCount(limits.maxDataRows)} educators; split it into smaller files of at most ${formatCount(limits.maxDataRows)} educators each and upload them one at a time.`,
  );
}

export function headerOnly(): Rejection {
  return rejected('HEADER_ONLY', 'The file has the column headings but no educators. Add one educator per row below the headings and upload the file again.');
}

export function emptyFile(): Rejection {
  return rejected(
    'EMPTY_FILE',
    'The file is empty. Fill in the educator template with one educator per row below the headings First Name, Last Name, Email, User Role and upload it again.',
  );
}

export function isBlank(cells: string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

function rejectionForParseFailure(failure: CsvFailure, limits: CsvLimits): Rejection {
  const line = failure.line;
  const neverClosed = rejected(
    'UNTERMINATED_QUOTE',
    `A quotation mark opened on line ${line} is never closed, so the lines after it would be read as one cell. Add the closing quotation mark on line ${line} (or remove the opening one) and upload the file again.`,
  );
  switch (failure.code) {
    case 'QUOTE_NEVER_CLOSED':
      return neverClosed;
    case 'RECORD_TOO_LARGE':
      // Outside quotes every line end ends a record, so a record that grew past one had an open quote swallowing lines.
      if (failure.crossedLineEnd) return neverClosed;
      return rejected(
        'ROW_TOO_LARGE',
        `The row on line ${line} is longer than ${formatCount(limits.maxRowBytes)} bytes, far more than one educator needs. Remove the extra text from line ${line} and upload the file again.`,
      );
    case 'TEXT_AFTER_CLOSING_QUOTE':
      return rejected(
        'UNTERMINATED_QUOTE',
        `A quotation mark opened on line ${line} is closed before the end of its cell. A cell that starts with a quotation mark must also end with one, and a quotation mark inside it must be typed twice (""). Fix line ${line} and upload the file again.`,
      );
    case 'QUOTE_INSIDE_UNQUOTED_CELL':
      return rejected(
        'UNTERMINATED_QUOTE',
        `Line ${line} has a quotation mark in the middle of a cell. Remove it, or put the whole cell in quotation marks and type the quotation mark inside it twice (""), then upload the file again.`,
      );
  }
}

function detectDelimiter(headerLine: string): CsvDelimiter {
  let best: CsvDelimiter = ',';
  let mostCells = cellsInLine(headerLine, best);
  for (const candidate of [';', '\t'] as const) {
    const cells = cellsInLine(headerLine, candidate);
    if (cells > mostCells) {
      best = candidate;
      mostCells = cells;
    }
  }
  return best;
}

interface Head {
  bytes: Buffer;
  headerLine: string | undefined;
  endOfFile: boolean;
}

/** Collects text up to the first line with content (leading blank lines allowed), so the delimiter is known before parsing. */
async function readUntilHeaderLine(text: AsyncIterator<Buffer>, maxRowBytes: number): Promise<Head> {
  const pieces: Buffer[] = [];
  let length = 0;
  for (;;) {
    const next = await text.next();
    if (next.done) {
      const bytes = Buffer.concat(pieces, length);
      return { bytes, headerLine: firstLineWithContent(bytes, true), endOfFile: true };
    }
    pieces.push(next.value);
    length += next.value.length;
    const mayHoldWholeLine = next.value.includes(LF) || next.value.includes(CR);
    if (!mayHoldWholeLine && length <= maxRowBytes) continue;
    const bytes = Buffer.concat(pieces, length);
    pieces.splice(0, pieces.length, bytes);
    // Past the row limit the parser rejects the line anyway; the guess only has to be a delimiter.
    const headerLine = firstLineWithContent(bytes, length > maxRowBytes);
    if (headerLine !== undefined || length > maxRowBytes) return { bytes, headerLine, endOfFile: false };
  }
}

function firstLineWithContent(bytes: Buffer, includeUnfinishedLine: boolean): string | undefined {
  let start = 0;
  while (start < bytes.length) {
    const end = nextLineEnd(bytes, start);
    if (end === -1 && !includeUnfinishedLine) return undefined;
    const line = bytes.toString('utf8', start, end === -1 ? bytes.length : end);
    // Rows of bare delimiters (Excel's ",,,") are blank rows, not a header to guess the delimiter from.
    if (/[^\s,;]/.test(line)) return line;
    if (end === -1) return undefined;
    start = end + 1;
  }
  return undefined;
}

function nextLineEnd(bytes: Buffer, start: number): number {
  const lf = bytes.indexOf(LF, start);
  const cr = bytes.indexOf(CR, start);
  if (lf === -1) return cr;
  if (cr === -1) return lf;
  return Math.min(lf, cr);
}

async function* resumeAfter(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await rest.return?.(undefined);
  }
}

/** Counts CRLF, LF and lone CR alike as one line end; a CR that ended the previous chunk already counted for an LF opening this one. */
function countLineEnds(bytes: Buffer, end: number, afterCarriageReturn: boolean): number {
  let count = 0;
  for (let at = bytes.indexOf(CR); at !== -1 && at < end; at = bytes.indexOf(CR, at + 1)) count += 1;
  for (let at = bytes.indexOf(LF); at !== -1 && at < end; at = bytes.indexOf(LF, at + 1)) {
    if (!(at === 0 ? afterCarriageReturn : bytes[at - 1] === CR)) count += 1;
  }
  return count;
}

/** Tracks the physical line at the start of the next chunk of UTF-8 text handed to the parser. */
class LineCounter {
  private line = 1;
  private afterCarriageReturn = false;

  get current(): number {
    return this.line;
  }

  lineAt(bytes: Buffer, offset: number): number {
    return this.line + countLineEnds(bytes, offset, this.afterCarriageReturn);
  }

  advance(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.line += countLineEnds(bytes, bytes.length, this.afterCarriageReturn);
    this.afterCarriageReturn = bytes[bytes.length - 1] === CR;
  }
}

const FILE_SIGNATURES: { bytes: number[]; reason: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], reason: `This file is an Excel workbook (or another zipped file), not a CSV file. ${SAVE_AS_CSV}` },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], reason: `This file is an older Excel workbook (.xls), not a CSV file. ${SAVE_AS_CSV}` },
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], reason: notSpreadsheet('a PNG picture') },
  { bytes: [0xff, 0xd8, 0xff], reason: notSpreadsheet('a JPEG picture') },
  { bytes: [0x47, 0x49, 0x46, 0x38], reason: notSpreadsheet('a GIF picture') },
  { bytes: [0x25, 0x50, 0x44, 0x46], reason: notSpreadsheet('a PDF document') },
];
const LONGEST_SIGNATURE = Math.max(...FILE_SIGNATURES.map((signature) => signature.bytes.length));

function notSpreadsheet(kind: string): string {
  return `This file is ${kind}, not a CSV file. Open the educator template in Excel, add one educator per row, then choose File > Save As > CSV UTF-8 (Comma delimited) and upload that file.`;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];
const startsWith = (bytes: Buffer, prefix: number[]): boolean => bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);

/**
 * Turns the uploaded bytes into UTF-8 text for the parser: recognises files that are not text at all, strips a BOM,
 * transcodes Excel's "Unicode Text" (UTF-16), and stops at the first byte that is not valid text. Problems are left
 * in `rejection` and end the text early, because the parser would otherwise read a truncated file as complete.
 */
class UploadedText {
  encoding: TextEncodingName = 'utf-8';
  rejection: Rejection | undefined;
  private readonly lines = new LineCounter();

  constructor(private readonly source: AsyncIterable<Buffer | Uint8Array>) {}

  async *utf8Chunks(): AsyncGenerator<Buffer> {
    const chunks = this.source[Symbol.asyncIterator]();
    let exhausted = false;
    const nextChunk = async (): Promise<Buffer | undefined> => {
      for (;;) {
        if (exhausted) return undefined;
        const next = await chunks.next();
        if (next.done) exhausted = true;
        else if (next.value.length > 0) return asBuffer(next.value);
      }
    };
    try {
      let opening = NO_BYTES;
      while (opening.length < LONGEST_SIGNATURE) {
        const chunk = await nextChunk();
        if (!chunk) break;
        opening = opening.length === 0 ? chunk : Buffer.concat([opening, chunk]);
      }
      const signature = FILE_SIGNATURES.find((candidate) => startsWith(opening, candidate.bytes));
      if (signature) {
        this.rejection = rejected('NOT_A_CSV', signature.reason);
        return;
      }
      if (startsWith(opening, UTF16LE_BOM) || startsWith(opening, UTF16BE_BOM)) {
        this.encoding = startsWith(opening, UTF16LE_BOM) ? 'utf-16le' : 'utf-16be';
        yield* this.fromUtf16(opening, nextChunk, this.encoding === 'utf-16be');
      } else {
        yield* this.fromUtf8(startsWith(opening, UTF8_BOM) ? opening.subarray(UTF8_BOM.length) : opening, nextChunk);
      }
    } finally {
      if (!exhausted) await chunks.return?.();
    }
  }

  private async *fromUtf8(first: Buffer, nextChunk: () => Promise<Buffer | undefined>): AsyncGenerator<Buffer> {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let unfinishedCharacter = NO_BYTES;
    for (let chunk: Buffer | undefined = first; chunk; chunk = await nextChunk()) {
      if (chunk.length === 0) continue;
      if (chunk.includes(0)) {
        this.rejection = binaryData();
        return;
      }
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        this.rejection = invalidText(locateInvalidUtf8(chunk, unfinishedCharacter, this.lines));
        return;
      }
      unfinishedCharacter = unfinishedUtf8Character(unfinishedCharacter, chunk);
      this.lines.advance(chunk);
      yield chunk;
    }
    try {
      decoder.decode();
    } catch {
      this.rejection = invalidText(this.lines.current);
    }
  }

  private async *fromUtf16(first: Buffer, nextChunk: () => Promise<Buffer | undefined>, bigEndian: boolean): AsyncGenerator<Buffer> {
    // Not fatal, so a bad code unit becomes U+FFFD at its place in the text and its line can be named.
    const decoder = new TextDecoder('utf-16le');
    const toLittleEndian = bigEndian ? new ByteSwapper() : undefined;
    for (let chunk: Buffer | undefined = first; ; chunk = await nextChunk()) {
      const text = chunk
        ? decoder.decode(toLittleEndian ? toLittleEndian.swap(chunk) : chunk, { stream: true })
        : decoder.decode(toLittleEndian?.remainder() ?? NO_BYTES);
      const utf8 = Buffer.from(text, 'utf8');
      // U+FFFD is also what a converter leaves where characters were already lost; either way the text is not usable.
      const invalidAt = text.indexOf('\uFFFD');
      if (invalidAt !== -1) {
        this.rejection = invalidText(this.lines.lineAt(utf8, Buffer.byteLength(text.slice(0, invalidAt))));
        return;
      }
      if (text.includes('\0')) {
        this.rejection = binaryData();
        return;
      }
      this.lines.advance(utf8);
      if (utf8.length > 0) yield utf8;
      if (!chunk) return;
    }
  }
}

/** Excel's "Unicode Text" may also be big-endian; TextDecoder reliably knows only utf-16le, so pairs are swapped. */
class ByteSwapper {
  private carried = NO_BYTES;

  swap(chunk: Buffer): Buffer {
    const bytes = this.carried.length > 0 ? Buffer.concat([this.carried, chunk]) : chunk;
    const even = bytes.length - (bytes.length % 2);
    this.carried = Buffer.from(bytes.subarray(even));
    return Buffer.from(bytes.subarray(0, even)).swap16();
  }

  /** An odd byte left at the end cannot be text; handing it on lets the decoder report it. */
  remainder(): Buffer {
    return this.carried;
  }
}

function asBuffer(chunk: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function binaryData(): Rejection {
  return rejected('NOT_A_CSV', `This file contains binary data, so it is not a CSV file. ${SAVE_AS_CSV}`);
}

function invalidText(line: number): Rejection {
  return rejected('INVALID_ENCODING', `Line ${line} contains characters that cannot be read, because the file was not saved as UTF-8 text. ${SAVE_AS_CSV}`);
}

/** The bytes of a character that the chunk starts but does not finish; valid text is assumed (the decoder accepted it). */
function unfinishedUtf8Character(carried: Buffer, chunk: Buffer): Buffer {
  const last = chunk.length > 0 ? chunk[chunk.length - 1] : undefined;
  if (last !== undefined && last < 0x80) return NO_BYTES;
  const tail = carried.length > 0 ? Buffer.concat([carried, chunk.subarray(-3)]) : chunk.subarray(-3);
  for (let back = 1; back <= Math.min(3, tail.length); back += 1) {
    const byte = tail[tail.length - back];
    if (byte < 0xc0) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return length > back ? Buffer.from(tail.subarray(-back)) : NO_BYTES;
  }
  return NO_BYTES;
}

/**
 * Finds the line holding the first invalid byte of a chunk the streaming decoder refused. Line ends are ASCII and never
 * part of a multi-byte character, so decoding line by line with a fresh decoder (primed with the character the
 * previous chunk left unfinished) fails exactly on the offending line.
 */
function locateInvalidUtf8(chunk: Buffer, unfinishedCharacter: Buffer, lines: LineCounter): number {
  const probe = new TextDecoder('utf-8', { fatal: true });
  probe.decode(unfinishedCharacter, { stream: true });
  let lineStart = 0;
  while (lineStart < chunk.length) {
    const lineEnd = nextLineEnd(chunk, lineStart);
    const end = lineEnd === -1 ? chunk.length : lineEnd + 1;
    try {
      probe.decode(chunk.subarray(lineStart, end), { stream: true });
    } catch {
      return lines.lineAt(chunk, lineStart);
    }
    lineStart = end;
  }
  return lines.lineAt(chunk, chunk.length);
}
