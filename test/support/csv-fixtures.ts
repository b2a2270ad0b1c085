import { parse } from 'csv-parse/sync';

/** Builders for uploaded CSV files: the template's rows written the ways Excel and people write them. */

export const TEMPLATE_HEADER = ['First Name', 'Last Name', 'Email', 'User Role'];
export const FIX_FILE_HEADER = [...TEMPLATE_HEADER, 'Line Number', 'Reason'];

export interface EducatorRow {
  firstName: string;
  lastName: string;
  email: string;
  role: string;
}

export type Cells = string[];

export interface CsvShape {
  header?: Cells;
  /** '\r\n' by default, as Excel writes. */
  lineEnd?: string;
  delimiter?: string;
  bom?: boolean;
  /** Ends the last row with a line end (true by default). */
  finalLineEnd?: boolean;
}

export const cellsOf = (row: EducatorRow): Cells => [row.firstName, row.lastName, row.email, row.role];

/** An educator whose email is unique for `n`; override any field. */
export const anEducatorRow = (n: number, overrides: Partial<EducatorRow> = {}): EducatorRow => ({
  firstName: `First${n}`,
  lastName: `Last${n}`,
  email: `educator${n}@partner-high.example.org`,
  role: 'Educator',
  ...overrides,
});

export const educatorRows = (count: number, from = 1, overrides: Partial<EducatorRow> = {}): EducatorRow[] =>
  Array.from({ length: count }, (_, index) => anEducatorRow(from + index, overrides));

const quoteIfNeeded = (cell: string, delimiter: string): string =>
  cell.includes('"') || cell.includes(delimiter) || /[\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;

/** One line of CSV, quoted only where it must be. */
export const csvLine = (cells: Cells, delimiter = ','): string => cells.map((cell) => quoteIfNeeded(cell, delimiter)).join(delimiter);

/** A whole file: the template header (or another), then one line per row; rows may be EducatorRows or raw cells. */
export const csvFile = (rows: (EducatorRow | Cells)[], shape: CsvShape = {}): string => {
  const { header = TEMPLATE_HEADER, lineEnd = '\r\n', delimiter = ',', bom = false, finalLineEnd = true } = shape;
  const lines = [header, ...rows.map((row) => (Array.isArray(row) ? row : cellsOf(row)))].map((cells) => csvLine(cells, delimiter));
  return `${bom ? '\uFEFF' : ''}${lines.join(lineEnd)}${finalLineEnd ? lineEnd : ''}`;
};

/** Lines written exactly as given (no quoting), for files whose shape is the point of the test. */
export const rawFile = (lines: string[], lineEnd = '\r\n'): string => `${lines.join(lineEnd)}${lineEnd}`;

/** Excel's "Unicode Text": UTF-16LE with a byte-order mark, tab delimited. */
export const unicodeText = (rows: (EducatorRow | Cells)[]): Buffer =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csvFile(rows, { delimiter: '\t' }), 'utf16le')]);

/** The first bytes of an .xlsx workbook (a ZIP archive). */
export const xlsxBytes = (): Buffer => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), Buffer.alloc(200, 0x41)]);

/** Parses a CSV we produced (quoted cells, CRLF or LF) into rows of cells; for reading downloads in tests. */
export const parseCsv = (text: string): Cells[] => {
  const rows: Cells[] = [];
  let row: Cells = [];
  let cell = '';
  let quoted = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at];
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') {
        cell += '"';
        at += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && text[at + 1] === '\n') at += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
};

/** `count` valid Educator rows in one string, for large uploads (about 60 bytes a row). */
export const manyEducatorsCsv = (count: number, emailDomain = 'bulk.example.org'): string => {
  const lines = [TEMPLATE_HEADER.join(',')];
  for (let n = 1; n <= count; n += 1) lines.push(`Given${n},Family${n},person${n}@${emailDomain},Educator`);
  return `${lines.join('\r\n')}\r\n`;
};

export interface SpreadsheetReading {
  delimiter: ',' | ';' | '\t';
  /** Whether quotes are honoured; a spreadsheet splitting our lines at another separator meets them mid-cell, as text. */
  quote: '"' | false;
}

/** How a downloaded file may be opened: with the list separator of any common locale, quotes honoured or not. */
export const SPREADSHEET_READINGS: SpreadsheetReading[] = ([',', ';', '\t'] as const).flatMap((delimiter) =>
  (['"', false] as const).map((quote) => ({ delimiter, quote })),
);

/** Read as a spreadsheet would: each record's cells, however many. */
export const readAsSpreadsheet = (text: string, { delimiter, quote }: SpreadsheetReading): Cells[] =>
  parse(text, { delimiter, quote, bom: true, relax_quotes: true, relax_column_count: true });

/** The cells a spreadsheet would run as formulas once it trims spaces, invisible characters and a quotation mark from their start. */
export const formulaCells = (rows: Cells[]): string[] =>
  rows.flat().filter((cell) => /^[=+\-@＝＋－＠]/.test(cell.replace(/^[\s\u200b-\u200f\u2060\ufeff"]+/, '')));
