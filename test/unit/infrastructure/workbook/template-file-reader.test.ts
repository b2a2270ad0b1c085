import { expect } from 'chai';
import type { CsvLimits, TemplateCsvEvent } from '../../../../src/application/ports/template-csv';
import { headerOnly } from '../../../../src/infrastructure/csv/template-csv-reader';
import { readTemplateFile } from '../../../../src/infrastructure/workbook/template-file-reader';
import { templateWorkbook } from '../../../../src/infrastructure/workbook/template-workbook';
import { readTemplateWorkbook } from '../../../../src/infrastructure/workbook/template-workbook-reader';
import { WORKBOOK_LIMITS } from '../../../../src/infrastructure/workbook/zip-directory';
import { anEducatorRow, FIX_FILE_HEADER } from '../../../support/csv-fixtures';
import { compoundFile, libreOfficeWorkbook, macroEnabledWorkbook, workbookFile, workbookParts } from '../../../support/workbook-fixtures';
import { zipFile } from '../../../support/zip-file';

const LIMITS: CsvLimits = { maxRowBytes: 65536, maxDataRows: 200000 };

async function* chunked(bytes: Buffer, chunkSize: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize);
}

const readAll = async (bytes: Buffer, options: { chunkSize?: number; limits?: CsvLimits } = {}): Promise<TemplateCsvEvent[]> => {
  const events: TemplateCsvEvent[] = [];
  for await (const event of readTemplateFile(chunked(bytes, options.chunkSize ?? 64 * 1024), options.limits ?? LIMITS)) events.push(event);
  return events;
};

const recordsOf = (events: TemplateCsvEvent[]) => events.flatMap((event) => (event.type === 'record' ? [[event.lineNumber, ...event.cells]] : []));
const codeOf = (events: TemplateCsvEvent[]) => {
  const last = events.at(-1);
  return last?.type === 'rejected' ? last.code : null;
};
const reasonOf = (events: TemplateCsvEvent[]) => {
  const last = events.at(-1);
  return last?.type === 'rejected' ? last.reason : '';
};

describe('Reading an uploaded workbook (.xlsx) as the template', () => {
  describe('written by a library', () => {
    it('when the first sheet holds the template, then each row is a record numbered by its sheet row', async () => {
      const events = await readAll(await workbookFile([anEducatorRow(1), anEducatorRow(2)]), { chunkSize: 1000 });

      expect(events[0]).to.deep.equal({ type: 'header', templateColumnCount: 4, ignoredTrailingColumns: 0, sheet: 'Educators' });
      expect(recordsOf(events)).to.deep.equal([
        [2, 'First1', 'Last1', 'educator1@partner-high.example.org', 'Educator'],
        [3, 'First2', 'Last2', 'educator2@partner-high.example.org', 'Educator'],
      ]);
      expect(events).to.have.length(3);
    });

    it('when rows are blank (before the header and between rows), then they are passed over and the line numbers stay the sheet rows', async () => {
      const events = await readAll(await workbookFile([anEducatorRow(1), null, ['', ' ', '', ''], anEducatorRow(4)], { blankRowsBefore: 2 }));

      expect(recordsOf(events).map(([line]) => line)).to.deep.equal([4, 7]);
    });

    it('when a row leaves its last cells empty, then it is as wide as the header; when it fills a cell past it, then it is wider', async () => {
      const events = await readAll(
        await workbookFile([
          ['Ada', 'Lovelace', 'ada@school.org'],
          ['Alan', 'Turing', 'alan@school.org', 'Teacher', 'extra'],
        ]),
      );

      expect(recordsOf(events)).to.deep.equal([
        [2, 'Ada', 'Lovelace', 'ada@school.org', ''],
        [3, 'Alan', 'Turing', 'alan@school.org', 'Teacher', 'extra'],
      ]);
    });

    it('when cells are typed numbers and dates, then they read as their number format shows them', async () => {
      const typed = [{ value: 123, numFmt: '00000' }, 12345, { value: new Date(Date.UTC(2024, 0, 15)), numFmt: 'm/d/yyyy' }, 'Educator'];
      const events = await readAll(await workbookFile([typed]));

      expect(recordsOf(events)).to.deep.equal([[2, '00123', '12345', '1/15/2024', 'Educator']]);
    });

    it('when the header differs from the template, then the workbook is refused as TEMPLATE_CHANGED, as a CSV file would be', async () => {
      const events = await readAll(await workbookFile([anEducatorRow(1)], { header: ['First Name', 'Surname', 'Email', 'User Role'] }));

      expect(events).to.deep.equal([
        {
          type: 'rejected',
          code: 'TEMPLATE_CHANGED',
          reason: 'Missing column: Last Name. Unexpected column: Surname. Expected: First Name, Last Name, Email, User Role',
        },
      ]);
    });

    it("when the header is a fix file's, then its Line Number and Reason cells are carried as trailing columns", async () => {
      const events = await readAll(await workbookFile([['Ada', 'Lovelace', 'ada@school.org', 'Educator', 3, 'Email: bad']], { header: FIX_FILE_HEADER }));

      expect(events[0]).to.deep.include({ ignoredTrailingColumns: 2 });
      expect(recordsOf(events)).to.deep.equal([[2, 'Ada', 'Lovelace', 'ada@school.org', 'Educator', '3', 'Email: bad']]);
    });

    it('when the workbook has two sheets, then only the first is read', async () => {
      const events = await readAll(
        await workbookFile([anEducatorRow(1)], {
          otherSheets: [
            [
              ['First Name', 'Last Name', 'Email', 'User Role'],
              ['Not', 'Read', 'x@y.org', 'Educator'],
            ],
          ],
        }),
      );

      expect(recordsOf(events)).to.deep.equal([[2, 'First1', 'Last1', 'educator1@partner-high.example.org', 'Educator']]);
    });

    it('when the sheet has only the header, then HEADER_ONLY; when it is empty, then EMPTY_FILE', async () => {
      expect(codeOf(await readAll(await workbookFile([])))).to.equal('HEADER_ONLY');
      expect(codeOf(await readAll(await workbookFile([], { header: [] })))).to.equal('EMPTY_FILE');
    });

    it('when the sheet has more rows than the limit, then TOO_MANY_ROWS after the records within it', async () => {
      const events = await readAll(await workbookFile([anEducatorRow(1), anEducatorRow(2), anEducatorRow(3)]), { limits: { ...LIMITS, maxDataRows: 2 } });

      expect(recordsOf(events)).to.have.length(2);
      expect(codeOf(events)).to.equal('TOO_MANY_ROWS');
    });

    it('when a row is longer than the row limit, then ROW_TOO_LARGE naming its sheet row', async () => {
      const events = await readAll(await workbookFile([anEducatorRow(1), anEducatorRow(2, { lastName: 'x'.repeat(300) })]), {
        limits: { ...LIMITS, maxRowBytes: 200 },
      });

      expect(codeOf(events)).to.equal('ROW_TOO_LARGE');
      expect(reasonOf(events)).to.include('Row 3 is longer than 200 bytes');
    });
  });

  describe('written by LibreOffice Calc', () => {
    it('when IDs with leading zeros were imported as text, and a number and a date typed by the program, then each reads as Calc shows it', async () => {
      const events = await readAll(libreOfficeWorkbook('libreoffice-educators'));

      expect(recordsOf(events)).to.deep.equal([
        [2, '00123', '12345', 'zero.id@partner-high.example.org', 'Educator'],
        [3, 'Dana', '2024-01-15', 'dated@partner-high.example.org', 'Educator'],
        [4, 'Eve', 'Bad', 'not-an-email', 'Educator'],
        [5, 'Fay', 'Fine', 'fay@partner-high.example.org', 'Educator'],
      ]);
    });

    it('when Calc typed a US date, a decimal and a scientific number, then they read through its formats', async () => {
      expect(recordsOf(await readAll(libreOfficeWorkbook('libreoffice-typed-cells')))).to.deep.equal([
        [2, 'Gus', '01/15/24', 'us.date@partner-high.example.org', 'Educator'],
        [3, 'Hal', '3.5', 'decimal@partner-high.example.org', 'Educator'],
        [4, '0042', '1.00E+03', 'exp@partner-high.example.org', 'Educator'],
      ]);
    });

    it("when a fix file's Line Number was typed as a number, then it reads 4, not 4.0", async () => {
      expect(recordsOf(await readAll(libreOfficeWorkbook('libreoffice-fix-file')))[0].slice(5, 6)).to.deep.equal(['4']);
    });
  });

  describe('refused', () => {
    it('when the file is a legacy .xls (a compound file), then LEGACY_WORKBOOK telling to save it as .xlsx', async () => {
      const events = await readAll(compoundFile({ encrypted: false }), { chunkSize: 3 });

      expect(events).to.have.length(1);
      expect(codeOf(events)).to.equal('LEGACY_WORKBOOK');
      expect(reasonOf(events)).to.include('older Excel workbook (.xls)').and.include('Excel Workbook (.xlsx)');
    });

    it('when the file is an encrypted workbook (a compound file with EncryptionInfo), then ENCRYPTED_WORKBOOK', async () => {
      const events = await readAll(compoundFile({ encrypted: true }), { chunkSize: 100 });

      expect(codeOf(events)).to.equal('ENCRYPTED_WORKBOOK');
      expect(reasonOf(events)).to.include('password');
    });

    it('when the workbook is macro-enabled (.xlsm), then MACRO_ENABLED_WORKBOOK', async () => {
      expect(codeOf(await readAll(macroEnabledWorkbook()))).to.equal('MACRO_ENABLED_WORKBOOK');
    });

    it('when a part is a deflated bomb, then WORKBOOK_TOO_LARGE from its directory, before it is inflated', async () => {
      const bomb = zipFile(workbookParts({ data: Buffer.alloc(50 * 1024 * 1024) }));

      expect(bomb.length).to.be.below(200 * 1024);
      const events = await readAll(bomb);
      expect(codeOf(events)).to.equal('WORKBOOK_TOO_LARGE');
      expect(reasonOf(events)).to.include('packed far more tightly');
    });

    it('when the directory declares more unpacked bytes than the limit, then WORKBOOK_TOO_LARGE', async () => {
      const events = await readAll(
        zipFile(workbookParts({ declaredBytes: WORKBOOK_LIMITS.maxUncompressedBytes + 1, data: Buffer.alloc(5 * 1024 * 1024, 7), stored: true })),
      );

      expect(codeOf(events)).to.equal('WORKBOOK_TOO_LARGE');
      expect(reasonOf(events)).to.include('unpack to far more');
    });

    it('when the zip holds more parts than the limit, then WORKBOOK_TOO_LARGE', async () => {
      const parts = [...workbookParts(), ...Array.from({ length: WORKBOOK_LIMITS.maxEntries }, (_, index) => ({ name: `xl/media/p${index}.png`, data: 'x' }))];

      expect(codeOf(await readAll(zipFile(parts)))).to.equal('WORKBOOK_TOO_LARGE');
    });

    it('when the workbook holds more shared strings than the limit, then WORKBOOK_TOO_LARGE', async () => {
      const workbook = await workbookFile([anEducatorRow(1), anEducatorRow(2)]);
      const events: TemplateCsvEvent[] = [];
      for await (const event of readTemplateWorkbook(chunked(workbook, 4096), LIMITS, { ...WORKBOOK_LIMITS, maxSharedStrings: 8 })) events.push(event);

      expect(events).to.have.length(1);
      expect(codeOf(events)).to.equal('WORKBOOK_TOO_LARGE');
      expect(reasonOf(events)).to.include('different texts');
    });

    it('when a zip is not a workbook, or is cut short, then UNREADABLE_WORKBOOK', async () => {
      const workbook = await workbookFile([anEducatorRow(1)]);

      expect(codeOf(await readAll(zipFile([{ name: 'word/document.xml', data: '<w/>' }])))).to.equal('UNREADABLE_WORKBOOK');
      expect(codeOf(await readAll(workbook.subarray(0, workbook.length - 30)))).to.equal('UNREADABLE_WORKBOOK');
    });
  });

  it('when the downloaded template workbook is uploaded unfilled, then its header is the template and it has no educators', async () => {
    const events = await readAll(await templateWorkbook());

    expect(events).to.deep.equal([{ type: 'header', templateColumnCount: 4, ignoredTrailingColumns: 0, sheet: 'Educators' }, headerOnly()]);
  });

  it('when the file is CSV, then it is read by the CSV reader as before', async () => {
    const events = await readAll(Buffer.from('First Name,Last Name,Email,User Role\r\nAda,Lovelace,ada@school.org,Educator\r\n'), { chunkSize: 2 });

    expect(events[0]).to.deep.include({ delimiter: ',', encoding: 'utf-8' });
    expect(recordsOf(events)).to.deep.equal([[2, 'Ada', 'Lovelace', 'ada@school.org', 'Educator']]);
  });
});
