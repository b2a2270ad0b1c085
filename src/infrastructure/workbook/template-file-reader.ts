import type { CsvLimits, TemplateCsvEvent } from '../../application/ports/template-csv';
import { readTemplateCsv } from '../csv/template-csv-reader';
import { encrypted, readTemplateWorkbook, SAVE_AS_XLSX } from './template-workbook-reader';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
/** Compound files (OLE2): legacy .xls, and an encrypted .xlsx, which Office wraps in one. */
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** The stream an encrypted Office file keeps its key information in, named in UTF-16LE in the container's directory. */
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');

const startsWith = (bytes: Buffer, prefix: number[]): boolean => bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);

/**
 * Reads an upload as the template by what its first bytes say it is, not by its name: a zip is an .xlsx workbook,
 * a compound file is refused (legacy .xls, or an encrypted workbook), anything else is read as CSV.
 */
export async function* readTemplateFile(source: AsyncIterable<Buffer | Uint8Array>, limits: CsvLimits): AsyncGenerator<TemplateCsvEvent> {
  const chunks = source[Symbol.asyncIterator]();
  const opening: Buffer[] = [];
  let openingBytes = 0;
  let ended = false;
  try {
    while (openingBytes < OLE2.length) {
      const next = await chunks.next();
      if (next.done) {
        ended = true;
        break;
      }
      opening.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      openingBytes += next.value.byteLength;
    }
    const first = Buffer.concat(opening);
    const whole = replay(opening, ended ? null : chunks);
    if (startsWith(first, OLE2)) {
      yield await compoundFileRefusal(whole);
    } else if (startsWith(first, ZIP)) {
      yield* readTemplateWorkbook(whole, limits);
    } else {
      yield* readTemplateCsv(whole, limits);
    }
  } finally {
    if (!ended) await chunks.return?.();
  }
}

async function* replay(opening: Buffer[], rest: AsyncIterator<Buffer | Uint8Array> | null): AsyncGenerator<Buffer | Uint8Array> {
  yield* opening;
  if (!rest) return;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

async function compoundFileRefusal(file: AsyncIterable<Buffer | Uint8Array>): Promise<Extract<TemplateCsvEvent, { type: 'rejected' }>> {
  // The container's directory may sit anywhere in it: each piece is searched with the end of the one before.
  let carried = Buffer.alloc(0);
  for await (const piece of file) {
    const window = Buffer.concat([carried, Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength)]);
    if (window.includes(ENCRYPTION_INFO)) return encrypted();
    carried = window.subarray(Math.max(0, window.length - ENCRYPTION_INFO.length));
  }
  return {
    type: 'rejected',
    code: 'LEGACY_WORKBOOK',
    reason: `This file is an older Excel workbook (.xls), which is not accepted. ${SAVE_AS_XLSX}`,
  };
}
