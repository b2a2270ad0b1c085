import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { CsvLimits, TemplateCsvEvent } from '../../application/ports/template-csv';
import { compareHeader } from '../../domain/upload-batch/template-header';
import { emptyFile, formatCount, headerOnly, isBlank, rejected, tooManyRows } from '../csv/template-csv-reader';
import { cellText, type CellValue } from './cell-text';
import { SharedStringTable } from './shared-string-table';
import {
  entriesInOrder,
  readSmallEntry,
  readZipDirectory,
  WORKBOOK_LIMITS,
  zipLimitExceeded,
  type WorkbookLimits,
  type ZipDirectory,
  type ZipEntry,
  type ZipLimitExceeded,
} from './zip-directory';

export const SAVE_AS_XLSX = 'In Excel choose File > Save As > Excel Workbook (.xlsx), or CSV UTF-8 (Comma delimited), and upload that file.';
const MACRO_CONTENT_TYPE = 'application/vnd.ms-excel.sheet.macroEnabled';
/** [Content_Types].xml lists a few dozen parts: a few hundred kilobytes is plenty to see whether the workbook has macros. */
const CONTENT_TYPES_BYTES = 256 * 1024;

/** What exceljs must have read before a sheet to read it as it arrives: the sheet list and its relations, the formats, the strings. */
const READ_FIRST = ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/styles.xml', 'xl/sharedStrings.xml'];

const TOO_LARGE: Record<ZipLimitExceeded | 'SHARED_STRINGS', string> = {
  ENTRIES: 'it holds far more parts than a workbook with one list of educators',
  UNCOMPRESSED_SIZE: 'it would unpack to far more than a workbook with one list of educators',
  COMPRESSION_RATIO: 'it is packed far more tightly than any spreadsheet program packs a workbook',
  SHARED_STRINGS: 'it holds far more different texts than a list of educators',
};

type Rejection = Extract<TemplateCsvEvent, { type: 'rejected' }>;
/** exceljs's streaming sheet, with the name its typings leave out. */
type SheetReader = AsyncIterable<ExcelJS.Row> & { name: string };
/** What exceljs's WorkbookReader.parse() yields with shared strings emitted: a sheet (or other part), or one shared string. */
type WorkbookItem = { eventType: string; value: SheetReader } | { index: number; text: string | { richText: { text: string }[] } | null };

const plainText = (text: string | { richText: { text: string }[] } | null): string =>
  text === null ? '' : typeof text === 'string' ? text : text.richText.map((run) => run.text).join('');

/**
 * Reads the first sheet of an uploaded .xlsx workbook as the template, producing the same events as the CSV reader:
 * every cell as the text the spreadsheet program shows, line numbers being the sheet's row numbers. The zip's directory
 * is checked against the limits before anything is inflated; the sheet itself is then read streamed, a row at a time.
 * The compressed file is held whole (a zip's directory is at its end), which the upload size limit bounds.
 */
export async function* readTemplateWorkbook(
  source: AsyncIterable<Buffer | Uint8Array>,
  limits: CsvLimits,
  workbookLimits: WorkbookLimits = WORKBOOK_LIMITS,
): AsyncGenerator<TemplateCsvEvent> {
  const pieces: Buffer[] = [];
  for await (const piece of source) pieces.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
  const zip = Buffer.concat(pieces);
  const directory = readZipDirectory(zip);
  const refusal = checkWorkbook(zip, directory, workbookLimits);
  if (refusal || !directory.ok) {
    yield refusal ?? damaged();
    return;
  }
  // Loaded on the first workbook: exceljs costs a CSV-only process about 28 MB of memory for nothing.
  const { default: excel } = await import('exceljs');
  // The parts a sheet needs come first, so exceljs reads the sheet as it arrives instead of parking it in a temporary file.
  const workbook = new excel.stream.xlsx.WorkbookReader(Readable.from(entriesInOrder(zip, directory, READ_FIRST)), {
    worksheets: 'emit',
    sharedStrings: 'emit',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const strings = new SharedStringTable(workbookLimits.maxSharedStrings);
  // exceljs looks cells' shared strings up in this (and, when it is set, reads sheets as they arrive); ours are emitted to the table.
  Object.assign(workbook, { sharedStrings: strings.asLookup() });
  try {
    for await (const item of workbook.parse() as unknown as AsyncIterable<WorkbookItem>) {
      if ('index' in item) {
        if (!strings.add(plainText(item.text))) {
          yield tooLarge('SHARED_STRINGS');
          return;
        }
        continue;
      }
      if (item.eventType !== 'worksheet') continue;
      const sheet = item.value;
      const firstSheetName = (workbook as unknown as { model?: { sheets?: { name: string }[] } }).model?.sheets?.[0]?.name;
      // Only the first sheet is the list; the others (instructions, notes) are passed over unread.
      if (firstSheetName !== undefined && sheet.name !== firstSheetName) continue;
      yield* readSheet(sheet, limits);
      return;
    }
    yield emptyFile();
  } catch (error) {
    // A zip whose directory looked sound can still hold a part that is not the XML it claims to be.
    yield rejected('UNREADABLE_WORKBOOK', `This workbook could not be read (${error instanceof Error ? error.message : String(error)}). ${SAVE_AS_XLSX}`);
  }
}

async function* readSheet(sheet: SheetReader, limits: CsvLimits): AsyncGenerator<TemplateCsvEvent> {
  let width = 0;
  let dataRows = 0;
  for await (const row of sheet) {
    const cells = cellsOf(row);
    if (isBlank(cells)) continue;
    if (width === 0) {
      const header = compareHeader(cells);
      if (!header.ok) {
        yield rejected('TEMPLATE_CHANGED', header.error.reason);
        return;
      }
      width = cells.length;
      yield { type: 'header', ...header.value, sheet: sheet.name };
      continue;
    }
    dataRows += 1;
    if (dataRows > limits.maxDataRows) {
      yield tooManyRows(limits);
      return;
    }
    if (Buffer.byteLength(cells.join(',')) > limits.maxRowBytes) {
      yield rejected(
        'ROW_TOO_LARGE',
        `Row ${row.number} is longer than ${formatCount(limits.maxRowBytes)} bytes, far more than one educator needs. Remove the extra text from row ${row.number} and upload the file again.`,
      );
      return;
    }
    yield { type: 'record', lineNumber: row.number, cells: toWidth(cells, width) };
  }
  if (width === 0) yield emptyFile();
  else if (dataRows === 0) yield headerOnly();
}

/** A sheet leaves empty cells out: a row is as wide as its header, plus any filled cells past it (a row too wide, as in CSV). */
function toWidth(cells: string[], width: number): string[] {
  let end = cells.length;
  while (end > width && cells[end - 1].trim() === '') end -= 1;
  const kept = cells.slice(0, end);
  while (kept.length < width) kept.push('');
  return kept;
}

function cellsOf(row: ExcelJS.Row): string[] {
  const cells: string[] = [];
  for (let column = 1; column <= row.cellCount; column += 1) {
    const cell = row.findCell(column);
    cells.push(cell ? cellText(cell.value as CellValue, cell.numFmt) : '');
  }
  return cells;
}

/** Refuses, from the zip's directory alone, what cannot or must not be read; null when the sheet may be read. */
function checkWorkbook(zip: Buffer, directory: ZipDirectory, limits: WorkbookLimits): Rejection | null {
  if (!directory.ok) return directory.problem === 'ZIP64' ? tooLarge('UNCOMPRESSED_SIZE') : damaged();
  const { entries } = directory;
  const named = (name: string): ZipEntry | undefined => entries.find((entry) => entry.name === name);
  if (entries.some((entry) => entry.encrypted)) return encrypted();
  const exceeded = zipLimitExceeded(entries, limits);
  if (exceeded) return tooLarge(exceeded);
  const contentTypes = named('[Content_Types].xml');
  const types = contentTypes ? readSmallEntry(zip, contentTypes, CONTENT_TYPES_BYTES)?.toString('utf8') : undefined;
  if (entries.some((entry) => /(^|\/)vbaProject\.bin$/i.test(entry.name)) || types?.includes(MACRO_CONTENT_TYPE)) {
    return rejected(
      'MACRO_ENABLED_WORKBOOK',
      `This workbook contains macros (.xlsm), which are not accepted. In Excel choose File > Save As > Excel Workbook (.xlsx) and upload that file.`,
    );
  }
  if (!named('xl/workbook.xml')) {
    return rejected('UNREADABLE_WORKBOOK', `This file is a zipped file but not an Excel workbook. ${SAVE_AS_XLSX}`);
  }
  return null;
}

function damaged(): Rejection {
  return rejected('UNREADABLE_WORKBOOK', `This file starts like a workbook but is damaged or incomplete. Open it in Excel and save it again. ${SAVE_AS_XLSX}`);
}

export function encrypted(): Rejection {
  return rejected(
    'ENCRYPTED_WORKBOOK',
    'This workbook is protected with a password, so it cannot be read. In Excel choose File > Info > Protect Workbook > Encrypt with Password, clear the password, save it as an Excel Workbook (.xlsx) and upload it again.',
  );
}

function tooLarge(limit: ZipLimitExceeded | 'SHARED_STRINGS'): Rejection {
  return rejected(
    'WORKBOOK_TOO_LARGE',
    `This workbook cannot be read safely: ${TOO_LARGE[limit]}. Keep only the educator list on the first sheet (delete pictures and other sheets), or save it as CSV UTF-8 (Comma delimited), and upload it again.`,
  );
}
