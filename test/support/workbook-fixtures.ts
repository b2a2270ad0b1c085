import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { cellsOf, TEMPLATE_HEADER, type EducatorRow } from './csv-fixtures';
import { zipFile, type ZipPart } from './zip-file';

/** Builders for uploaded workbooks: written by exceljs here, or by LibreOffice once (scripts/convert-workbook-fixtures.sh). */

/** A cell as a spreadsheet program stores it: text, or a typed value with the number format it is shown through. */
export type WorkbookCell = string | number | Date | null | { value: number | Date | string; numFmt: string };

export interface WorkbookShape {
  header?: WorkbookCell[];
  /** Sheets after the first, each a list of rows. */
  otherSheets?: WorkbookCell[][][];
  /** Rows left empty before the header (the header then sits lower on the sheet). */
  blankRowsBefore?: number;
}

/** Rows may be EducatorRows, raw cells, or null for an empty row (which keeps its row number). */
export const workbookFile = async (rows: (EducatorRow | WorkbookCell[] | null)[], shape: WorkbookShape = {}): Promise<Buffer> => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Educators');
  const lines = [...Array<null>(shape.blankRowsBefore ?? 0).fill(null), shape.header ?? TEMPLATE_HEADER, ...rows];
  lines.forEach((line, index) => {
    if (line === null) return;
    const cells = Array.isArray(line) ? line : cellsOf(line);
    const row = sheet.getRow(index + 1);
    cells.forEach((cell, column) => {
      const target = row.getCell(column + 1);
      if (cell !== null && typeof cell === 'object' && !(cell instanceof Date)) {
        target.value = cell.value;
        target.numFmt = cell.numFmt;
      } else {
        target.value = cell;
      }
    });
    row.commit();
  });
  (shape.otherSheets ?? []).forEach((otherRows, index) => {
    const other = workbook.addWorksheet(`Sheet ${index + 2}`);
    for (const row of otherRows) other.addRow(row);
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
};

const WORKBOOKS = join(__dirname, '..', '..', '..', 'test', 'support', 'workbooks');

/** A workbook LibreOffice wrote from the CSV file of the same name beside it. */
export const libreOfficeWorkbook = (name: 'libreoffice-educators' | 'libreoffice-fix-file' | 'libreoffice-typed-cells'): Buffer =>
  readFileSync(join(WORKBOOKS, `${name}.xlsx`));

const CONTENT_TYPES = (mainType: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  `<Override PartName="/xl/workbook.xml" ContentType="${mainType}"/></Types>`;

/** An .xlsm as Excel saves one: the macro-enabled main content type and the macros' vbaProject.bin part. */
export const macroEnabledWorkbook = (): Buffer =>
  zipFile([
    { name: '[Content_Types].xml', data: CONTENT_TYPES('application/vnd.ms-excel.sheet.macroEnabled.main+xml') },
    { name: 'xl/workbook.xml', data: '<workbook/>' },
    { name: 'xl/vbaProject.bin', data: Buffer.alloc(512, 1) },
  ]);

/** The parts of a workbook's zip, with the sheet at `sheetBytes` (declared or real). */
export const workbookParts = (sheet: Partial<ZipPart> = {}): ZipPart[] => [
  { name: '[Content_Types].xml', data: CONTENT_TYPES('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml') },
  { name: 'xl/workbook.xml', data: '<workbook/>' },
  { name: 'xl/worksheets/sheet1.xml', data: '<worksheet/>', ...sheet },
];

/**
 * A compound (OLE2) file: a legacy .xls, or, with `encrypted`, the container Office wraps an encrypted workbook in.
 * Not a real encrypted workbook (LibreOffice here saves none): its header and directory entries name the streams
 * (EncryptionInfo, EncryptedPackage) that an encrypted one has.
 */
export const compoundFile = (options: { encrypted: boolean }): Buffer => {
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header);
  header.writeUInt16LE(0x003e, 24);
  header.writeUInt16LE(0x0003, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  const streams = options.encrypted ? ['Root Entry', 'EncryptionInfo', 'EncryptedPackage'] : ['Root Entry', 'Workbook'];
  const directory = Buffer.alloc(512);
  streams.forEach((name, index) => {
    const entry = directory.subarray(index * 128, index * 128 + 128);
    entry.write(name, 0, 'utf16le');
    entry.writeUInt16LE((name.length + 1) * 2, 64);
    entry[66] = index === 0 ? 5 : 2;
  });
  return Buffer.concat([header, directory, Buffer.alloc(1024, 0x2a)]);
};
