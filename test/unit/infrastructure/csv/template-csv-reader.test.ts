import { expect } from 'chai';
import { readTemplateCsv, type CsvLimits, type TemplateCsvEvent } from '../../../../src/infrastructure/csv/template-csv-reader';

const LIMITS: CsvLimits = { maxRowBytes: 65536, maxDataRows: 200000 };
const HEADER = 'First Name,Last Name,Email,User Role';
const SAVE_AS_CSV = 'In Excel choose File > Save As > CSV UTF-8 (Comma delimited) and upload that file.';

type Input = string | Buffer;

const bytesOf = (input: Input): Buffer => (typeof input === 'string' ? Buffer.from(input, 'utf8') : input);

async function* chunked(bytes: Buffer, chunkSize: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize);
}

async function readAll(input: Input, options: { chunkSize?: number; limits?: CsvLimits } = {}): Promise<TemplateCsvEvent[]> {
  const bytes = bytesOf(input);
  const events: TemplateCsvEvent[] = [];
  for await (const event of readTemplateCsv(chunked(bytes, options.chunkSize ?? Math.max(bytes.length, 1)), options.limits ?? LIMITS)) {
    events.push(event);
  }
  return events;
}

const recordsOf = (events: TemplateCsvEvent[]): { lineNumber: number; cells: string[] }[] =>
  events.flatMap((event) => (event.type === 'record' ? [{ lineNumber: event.lineNumber, cells: event.cells }] : []));

const utf8Header = (overrides: Partial<Extract<TemplateCsvEvent, { type: 'header' }>> = {}): TemplateCsvEvent => ({
  type: 'header',
  templateColumnCount: 4,
  ignoredTrailingColumns: 0,
  delimiter: ',',
  encoding: 'utf-8',
  ...overrides,
});

const utf16 = (text: string, byteOrder: 'le' | 'be'): Buffer => {
  const littleEndian = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  return byteOrder === 'le' ? littleEndian : Buffer.from(littleEndian).swap16();
};

describe('readTemplateCsv', () => {
  describe('a well-formed file', () => {
    it('when the file has a header and rows, then it yields the header and each record with its line', async () => {
      const events = await readAll(`${HEADER}\r\nAda,Lovelace,ada@school.org,Teacher\r\nAlan,Turing,alan@school.org,Site Admin\r\n`);

      expect(events).to.deep.equal([
        utf8Header(),
        { type: 'record', lineNumber: 2, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher'] },
        { type: 'record', lineNumber: 3, cells: ['Alan', 'Turing', 'alan@school.org', 'Site Admin'] },
      ]);
    });

    it('when cells have surrounding spaces, then they are yielded untrimmed', async () => {
      const events = await readAll(`${HEADER}\n  Ada , Lovelace,ada@school.org ,Teacher\n`);

      expect(recordsOf(events)).to.deep.equal([{ lineNumber: 2, cells: ['  Ada ', ' Lovelace', 'ada@school.org ', 'Teacher'] }]);
    });

    it('when the last row has no line end, then it is still yielded', async () => {
      const events = await readAll(`${HEADER}\nAda,Lovelace,ada@school.org,Teacher`);

      expect(recordsOf(events)).to.deep.equal([{ lineNumber: 2, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher'] }]);
    });

    it('when a row has too few or too many cells, then it is yielded as parsed for the caller to report', async () => {
      const events = await readAll(`${HEADER}\nAda,Lovelace\nAlan,Turing,alan@school.org,Teacher,extra,more\n`);

      expect(recordsOf(events)).to.deep.equal([
        { lineNumber: 2, cells: ['Ada', 'Lovelace'] },
        { lineNumber: 3, cells: ['Alan', 'Turing', 'alan@school.org', 'Teacher', 'extra', 'more'] },
      ]);
    });

    it('when the source yields Uint8Array chunks, then they are read like Buffers', async () => {
      async function* uint8Chunks(): AsyncGenerator<Uint8Array> {
        yield new TextEncoder().encode(`${HEADER}\n`);
        yield new TextEncoder().encode('Ada,Lovelace,ada@school.org,Teacher\n');
      }
      const events: TemplateCsvEvent[] = [];
      for await (const event of readTemplateCsv(uint8Chunks(), LIMITS)) events.push(event);

      expect(events).to.deep.equal([utf8Header(), { type: 'record', lineNumber: 2, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher'] }]);
    });
  });

  describe('encodings', () => {
    it('when the file starts with a UTF-8 BOM, then the BOM is not part of the first heading', async () => {
      const events = await readAll(`\uFEFF${HEADER}\r\nZoë,Ñúñez,zoe@school.org,Teacher\r\n`);

      expect(events).to.deep.equal([utf8Header(), { type: 'record', lineNumber: 2, cells: ['Zoë', 'Ñúñez', 'zoe@school.org', 'Teacher'] }]);
    });

    it('when the file is UTF-16LE with a BOM (Excel Unicode Text), then it is transcoded and read with tabs', async () => {
      const events = await readAll(
        utf16('First Name\tLast Name\tEmail\tUser Role\r\nZoë\t李\tzoe@school.org\tTeacher\r\nAda\tLovelace 👩‍🏫\tada@school.org\tTeacher\r\n', 'le'),
      );

      expect(events).to.deep.equal([
        utf8Header({ delimiter: '\t', encoding: 'utf-16le' }),
        { type: 'record', lineNumber: 2, cells: ['Zoë', '李', 'zoe@school.org', 'Teacher'] },
        { type: 'record', lineNumber: 3, cells: ['Ada', 'Lovelace 👩‍🏫', 'ada@school.org', 'Teacher'] },
      ]);
    });

    it('when the file is UTF-16BE with a BOM, then it is transcoded and read with tabs', async () => {
      const events = await readAll(utf16('First Name\tLast Name\tEmail\tUser Role\r\nZoë\t李\tzoe@school.org\tTeacher\r\n', 'be'));

      expect(events).to.deep.equal([
        utf8Header({ delimiter: '\t', encoding: 'utf-16be' }),
        { type: 'record', lineNumber: 2, cells: ['Zoë', '李', 'zoe@school.org', 'Teacher'] },
      ]);
    });

    it('when a UTF-16BE file arrives one byte at a time, then characters split across chunks are rebuilt', async () => {
      const events = await readAll(utf16('First Name\tLast Name\tEmail\tUser Role\r\nZoë\t李 😀\tzoe@school.org\tTeacher\r\n', 'be'), { chunkSize: 1 });

      expect(events).to.deep.equal([
        utf8Header({ delimiter: '\t', encoding: 'utf-16be' }),
        { type: 'record', lineNumber: 2, cells: ['Zoë', '李 😀', 'zoe@school.org', 'Teacher'] },
      ]);
    });

    it('when a UTF-8 file arrives one byte at a time, then multi-byte characters, quotes and line ends survive the chunk boundaries', async () => {
      const file = `\uFEFF${HEADER}\r\n\r\n"Zoë\r\nMarie",Ñúñez 李,zoe@school.org,Teacher\r\nEmoji,"😀 ""x""",e@school.org,Teacher\rLast,Row,last@school.org,Teacher\n`;
      const whole = await readAll(file);
      const byteByByte = await readAll(file, { chunkSize: 1 });

      expect(byteByByte).to.deep.equal([
        utf8Header(),
        { type: 'record', lineNumber: 3, cells: ['Zoë\r\nMarie', 'Ñúñez 李', 'zoe@school.org', 'Teacher'] },
        { type: 'record', lineNumber: 5, cells: ['Emoji', '😀 "x"', 'e@school.org', 'Teacher'] },
        { type: 'record', lineNumber: 6, cells: ['Last', 'Row', 'last@school.org', 'Teacher'] },
      ]);
      expect(whole).to.deep.equal(byteByByte);
    });

    it('when a row holds a byte that is not UTF-8, then the file is refused naming that line', async () => {
      const latin1 = Buffer.concat([
        Buffer.from(`${HEADER}\r\nAda,Lovelace,ada@school.org,Teacher\r\n"Two\r\nlines",x,y@school.org,Teacher\r\nJos`),
        Buffer.from([0xe9]),
        Buffer.from(',Garcia,jose@school.org,Teacher\r\n'),
      ]);

      const events = await readAll(latin1);

      expect(events.at(-1)).to.deep.equal({
        type: 'rejected',
        code: 'INVALID_ENCODING',
        reason: `Line 5 contains characters that cannot be read, because the file was not saved as UTF-8 text. ${SAVE_AS_CSV}`,
      });
      expect(events.filter((event) => event.type === 'rejected')).to.have.length(1);
    });

    it('when the invalid byte arrives one byte at a time after a split character, then the line is still exact', async () => {
      const file = Buffer.concat([
        Buffer.from(`${HEADER}\nZoë,B,zoe@school.org,Teacher\n李,C,li@school.org,Teacher\nOK,D,ok@school.org,Teacher\nBad`),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(',E,bad@school.org,Teacher\n'),
      ]);

      const events = await readAll(file, { chunkSize: 1 });

      expect(events.at(-1)).to.deep.include({ type: 'rejected', code: 'INVALID_ENCODING' });
      expect((events.at(-1) as { reason: string }).reason).to.match(/^Line 5 contains characters that cannot be read/);
    });

    it('when the invalid bytes are in the header, then line 1 is named', async () => {
      const events = await readAll(Buffer.concat([Buffer.from('Pr'), Buffer.from([0xe9]), Buffer.from('nom,Nom,Email,Role\n')]));

      expect(events).to.deep.equal([
        {
          type: 'rejected',
          code: 'INVALID_ENCODING',
          reason: `Line 1 contains characters that cannot be read, because the file was not saved as UTF-8 text. ${SAVE_AS_CSV}`,
        },
      ]);
    });

    it('when the file ends in the middle of a multi-byte character, then the last line is named', async () => {
      const events = await readAll(Buffer.concat([Buffer.from(`${HEADER}\nAda,Lovelace,ada@school.org,Teacher\nZo`), Buffer.from([0xc3])]));

      expect(events.at(-1)).to.deep.equal({
        type: 'rejected',
        code: 'INVALID_ENCODING',
        reason: `Line 3 contains characters that cannot be read, because the file was not saved as UTF-8 text. ${SAVE_AS_CSV}`,
      });
    });

    it('when a UTF-16 file ends with an odd byte, then the file is refused naming the last line', async () => {
      const events = await readAll(
        Buffer.concat([utf16('First Name\tLast Name\tEmail\tUser Role\r\nAda\tLovelace\tada@school.org\tTeacher', 'le'), Buffer.from([0x41])]),
      );

      expect(events.at(-1)).to.deep.equal({
        type: 'rejected',
        code: 'INVALID_ENCODING',
        reason: `Line 2 contains characters that cannot be read, because the file was not saved as UTF-8 text. ${SAVE_AS_CSV}`,
      });
    });

    it('when a UTF-16 file holds a lone surrogate, then the file is refused naming that line', async () => {
      const good = Buffer.from('First Name\tLast Name\tEmail\tUser Role\r\nAda\tLovelace\tada@school.org\tTeacher\r\nBad\t', 'utf16le');
      const loneSurrogate = Buffer.from([0x00, 0xd8]);
      const rest = Buffer.from('\tbad@school.org\tTeacher\r\n', 'utf16le');

      const events = await readAll(Buffer.concat([Buffer.from([0xff, 0xfe]), good, loneSurrogate, rest]));

      expect(events.at(-1)).to.deep.equal({
        type: 'rejected',
        code: 'INVALID_ENCODING',
        reason: `Line 3 contains characters that cannot be read, because the file was not saved as UTF-8 text. ${SAVE_AS_CSV}`,
      });
    });
  });

  describe('files that are not CSV', () => {
    const excelAdvice = `not a CSV file. ${SAVE_AS_CSV}`;
    const pictureAdvice =
      'not a CSV file. Open the educator template in Excel, add one educator per row, then choose File > Save As > CSV UTF-8 (Comma delimited) and upload that file.';
    const samples: { kind: string; bytes: number[]; reason: string }[] = [
      {
        kind: 'an XLSX workbook',
        bytes: [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00],
        reason: `This file is an Excel workbook (or another zipped file), ${excelAdvice}`,
      },
      {
        kind: 'a legacy XLS workbook',
        bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0x00, 0x00],
        reason: `This file is an older Excel workbook (.xls), ${excelAdvice}`,
      },
      { kind: 'a PNG picture', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00], reason: `This file is a PNG picture, ${pictureAdvice}` },
      { kind: 'a JPEG picture', bytes: [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46], reason: `This file is a JPEG picture, ${pictureAdvice}` },
      { kind: 'a GIF picture', bytes: [...Buffer.from('GIF89a'), 0x01, 0x00], reason: `This file is a GIF picture, ${pictureAdvice}` },
      { kind: 'a PDF document', bytes: [...Buffer.from('%PDF-1.7\n')], reason: `This file is a PDF document, ${pictureAdvice}` },
    ];
    for (const sample of samples) {
      it(`when the upload is ${sample.kind}, then it is refused as NOT_A_CSV from its first bytes`, async () => {
        const events = await readAll(Buffer.concat([Buffer.from(sample.bytes), Buffer.alloc(1000, 0x41)]));

        expect(events).to.deep.equal([{ type: 'rejected', code: 'NOT_A_CSV', reason: sample.reason }]);
      });
    }

    it('when an XLSX workbook arrives one byte at a time, then its signature is still recognised', async () => {
      const events = await readAll(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00]), { chunkSize: 1 });

      expect(events).to.deep.equal([
        { type: 'rejected', code: 'NOT_A_CSV', reason: `This file is an Excel workbook (or another zipped file), ${excelAdvice}` },
      ]);
    });

    it('when a UTF-8 file contains a NUL byte, then it is refused as binary data', async () => {
      const events = await readAll(
        Buffer.concat([Buffer.from(`${HEADER}\nAda,Lovelace,ada@school.org,Teacher\nA`), Buffer.from([0x00]), Buffer.from('B,c@d,Teacher\n')]),
      );

      expect(events.at(-1)).to.deep.equal({
        type: 'rejected',
        code: 'NOT_A_CSV',
        reason: `This file contains binary data, so it is not a CSV file. ${SAVE_AS_CSV}`,
      });
    });
  });

  describe('line ends and delimiters', () => {
    const rows = ['Ada,Lovelace,ada@school.org,Teacher', 'Alan,Turing,alan@school.org,Teacher'];
    const expectedRecords = [
      { lineNumber: 2, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher'] },
      { lineNumber: 3, cells: ['Alan', 'Turing', 'alan@school.org', 'Teacher'] },
    ];

    for (const [name, lineEnd] of [
      ['CRLF', '\r\n'],
      ['LF', '\n'],
      ['a lone CR (old Mac Excel)', '\r'],
    ] as const) {
      it(`when lines end with ${name}, then each line is one record with its line number`, async () => {
        const events = await readAll([HEADER, ...rows, ''].join(lineEnd));

        expect(events).to.deep.equal([utf8Header(), ...expectedRecords.map((record) => ({ type: 'record', ...record }))]);
      });
    }

    it('when one file mixes CRLF, LF and CR, then every one of them ends a line', async () => {
      const events = await readAll(`${HEADER}\r\n${rows[0]}\n\r${rows[1]}\r`);

      expect(recordsOf(events)).to.deep.equal([expectedRecords[0], { ...expectedRecords[1], lineNumber: 4 }]);
    });

    it('when the header is split by semicolons, then semicolons delimit every row and commas stay in cells', async () => {
      const events = await readAll('First Name;Last Name;Email;User Role\r\nAda;Lovelace, Countess;ada@school.org;Teacher\r\n');

      expect(events).to.deep.equal([
        utf8Header({ delimiter: ';' }),
        { type: 'record', lineNumber: 2, cells: ['Ada', 'Lovelace, Countess', 'ada@school.org', 'Teacher'] },
      ]);
    });

    it('when a UTF-8 header is split by tabs, then tabs delimit every row', async () => {
      const events = await readAll('First Name\tLast Name\tEmail\tUser Role\nAda\tLovelace\tada@school.org\tTeacher\n');

      expect(events).to.deep.equal([
        utf8Header({ delimiter: '\t' }),
        { type: 'record', lineNumber: 2, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher'] },
      ]);
    });

    it('when commas and semicolons split the header into as many cells, then comma wins', async () => {
      const events = await readAll('First Name,Last Name;Email\nAda,Lovelace;ada@school.org\n');

      expect(events).to.deep.equal([
        {
          type: 'rejected',
          code: 'TEMPLATE_CHANGED',
          reason: 'Missing columns: Last Name, Email, User Role. Unexpected column: Last Name;Email. Expected: First Name, Last Name, Email, User Role',
        },
      ]);
    });
  });

  describe('headers', () => {
    it('when the header has the fix-file columns, then they are ignored in the header and kept in the records', async () => {
      const events = await readAll(`${HEADER},Line Number,Reason\r\nAda,Lovelace,ada@school.org,Teacher,2,Email is already taken\r\n`);

      expect(events).to.deep.equal([
        utf8Header({ ignoredTrailingColumns: 2 }),
        { type: 'record', lineNumber: 2, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher', '2', 'Email is already taken'] },
      ]);
    });

    it('when Excel wrote empty headings after the template, then they are counted as ignored', async () => {
      const events = await readAll(`${HEADER},,\r\nAda,Lovelace,ada@school.org,Teacher,,\r\n`);

      expect(events).to.deep.equal([
        utf8Header({ ignoredTrailingColumns: 2 }),
        { type: 'record', lineNumber: 2, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher', '', ''] },
      ]);
    });

    it('when headings differ in case and surrounding spaces, then the header is accepted', async () => {
      const events = await readAll(' first name ,LAST NAME,email , User role\nAda,Lovelace,ada@school.org,Teacher\n');

      expect(events[0]).to.deep.equal(utf8Header());
    });

    it('when a heading was renamed, then the file is refused with the difference and nothing else is read', async () => {
      const events = await readAll('First Name,Last Name,Email,Title\nAda,Lovelace,ada@school.org,Teacher\n');

      expect(events).to.deep.equal([
        {
          type: 'rejected',
          code: 'TEMPLATE_CHANGED',
          reason: 'Missing column: User Role. Unexpected column: Title. Expected: First Name, Last Name, Email, User Role',
        },
      ]);
    });

    it('when the columns were reordered, then the file is refused naming the order found', async () => {
      const events = await readAll('Email,First Name,Last Name,User Role\nada@school.org,Ada,Lovelace,Teacher\n');

      expect(events).to.deep.equal([
        {
          type: 'rejected',
          code: 'TEMPLATE_CHANGED',
          reason: 'Columns are in a different order: Email, First Name, Last Name, User Role. Expected: First Name, Last Name, Email, User Role',
        },
      ]);
    });

    it('when a column is missing, then the file is refused naming it', async () => {
      const events = await readAll('First Name,Last Name,Email\nAda,Lovelace,ada@school.org\n');

      expect(events).to.deep.equal([
        { type: 'rejected', code: 'TEMPLATE_CHANGED', reason: 'Missing column: User Role. Expected: First Name, Last Name, Email, User Role' },
      ]);
    });

    it('when a column was added, then the file is refused naming it', async () => {
      const events = await readAll(`${HEADER},Phone\nAda,Lovelace,ada@school.org,Teacher,555\n`);

      expect(events).to.deep.equal([
        { type: 'rejected', code: 'TEMPLATE_CHANGED', reason: 'Unexpected column: Phone. Expected: First Name, Last Name, Email, User Role' },
      ]);
    });

    it('when Excel\'s blank ";;;" rows come before a semicolon header, then the semicolon header is still detected', async () => {
      const events = await readAll(';;;\r\nFirst Name;Last Name;Email;User Role\r\nAda;Lovelace;ada@school.org;Teacher\r\n');

      expect(events).to.deep.equal([
        utf8Header({ delimiter: ';' }),
        { type: 'record', lineNumber: 3, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher'] },
      ]);
    });

    it('when blank lines come before the header, then the header is still found and lines stay physical', async () => {
      const events = await readAll(`\r\n \r\n${HEADER}\r\nAda,Lovelace,ada@school.org,Teacher\r\n`);

      expect(events).to.deep.equal([utf8Header(), { type: 'record', lineNumber: 4, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher'] }]);
    });
  });

  describe('blank rows and empty files', () => {
    it('when blank lines, whitespace-only rows and Excel\'s ",,," rows appear, then they are skipped and later lines keep their numbers', async () => {
      const events = await readAll(
        `${HEADER}\r\n\r\nAda,Lovelace,ada@school.org,Teacher\r\n,,,\r\n  \r\n , ,\t,\r\nAlan,Turing,alan@school.org,Teacher\r\n,,,\r\n,,,\r\n`,
      );

      expect(recordsOf(events)).to.deep.equal([
        { lineNumber: 3, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher'] },
        { lineNumber: 7, cells: ['Alan', 'Turing', 'alan@school.org', 'Teacher'] },
      ]);
      expect(events.filter((event) => event.type === 'rejected')).to.deep.equal([]);
    });

    const emptyFileReason =
      'The file is empty. Fill in the educator template with one educator per row below the headings First Name, Last Name, Email, User Role and upload it again.';
    const emptyFiles: [string, Buffer][] = [
      ['has no bytes', Buffer.alloc(0)],
      ['is only a UTF-8 BOM', Buffer.from([0xef, 0xbb, 0xbf])],
      ['is only a UTF-16 BOM', Buffer.from([0xff, 0xfe])],
      ['is only spaces and line ends', Buffer.from(' \r\n\t\n\r\n   ')],
      ['is only ",,," rows', Buffer.from(',,,\r\n,,,\r\n')],
    ];
    for (const [description, bytes] of emptyFiles) {
      it(`when the file ${description}, then it is refused as EMPTY_FILE`, async () => {
        expect(await readAll(bytes)).to.deep.equal([{ type: 'rejected', code: 'EMPTY_FILE', reason: emptyFileReason }]);
      });
    }

    it('when the file has the header and only blank rows, then it is refused as HEADER_ONLY after the header', async () => {
      const events = await readAll(`${HEADER}\r\n,,,\r\n\r\n`);

      expect(events).to.deep.equal([
        utf8Header(),
        {
          type: 'rejected',
          code: 'HEADER_ONLY',
          reason: 'The file has the column headings but no educators. Add one educator per row below the headings and upload the file again.',
        },
      ]);
    });
  });

  describe('quotes', () => {
    it('when cells are quoted, then delimiters inside them are kept and doubled quotes become one', async () => {
      const events = await readAll(`${HEADER}\n"Ada","Lovelace, Countess","ada@school.org","Teacher ""Head"""\n"",x,"",""\n`);

      expect(recordsOf(events)).to.deep.equal([
        { lineNumber: 2, cells: ['Ada', 'Lovelace, Countess', 'ada@school.org', 'Teacher "Head"'] },
        { lineNumber: 3, cells: ['', 'x', '', ''] },
      ]);
    });

    it('when quoted cells contain CRLF and LF line breaks, then each record has the physical line where it starts', async () => {
      const file = [
        `${HEADER}\r\n`,
        '"Ann\r\nMarie",Lee,ann@school.org,Teacher\r\n',
        'Bob,"Multi\nline\ncell",bob@school.org,Teacher\r\n',
        '\r\n',
        'Cy,Day,"cy@school.org\r\n\r\n",Teacher\r\n',
        'Dee,Eve,dee@school.org,Teacher\r\n',
      ].join('');

      const events = await readAll(file);

      expect(recordsOf(events)).to.deep.equal([
        { lineNumber: 2, cells: ['Ann\r\nMarie', 'Lee', 'ann@school.org', 'Teacher'] },
        { lineNumber: 4, cells: ['Bob', 'Multi\nline\ncell', 'bob@school.org', 'Teacher'] },
        { lineNumber: 8, cells: ['Cy', 'Day', 'cy@school.org\r\n\r\n', 'Teacher'] },
        { lineNumber: 11, cells: ['Dee', 'Eve', 'dee@school.org', 'Teacher'] },
      ]);
    });

    const neverClosed = (line: number) => ({
      type: 'rejected',
      code: 'UNTERMINATED_QUOTE',
      reason: `A quotation mark opened on line ${line} is never closed, so the lines after it would be read as one cell. Add the closing quotation mark on line ${line} (or remove the opening one) and upload the file again.`,
    });

    it('when a quotation mark is never closed, then the records before it are yielded and the file is refused naming its line', async () => {
      const file = `${HEADER}\r\nAda,Lovelace,ada@school.org,Teacher\r\n"Two\r\nlines",x,two@school.org,Teacher\r\n\r\n"Alan,Turing,alan@school.org,Teacher\r\nGrace,Hopper,grace@school.org,Teacher\r\n`;

      const events = await readAll(file);

      expect(events).to.deep.equal([
        utf8Header(),
        { type: 'record', lineNumber: 2, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher'] },
        { type: 'record', lineNumber: 3, cells: ['Two\r\nlines', 'x', 'two@school.org', 'Teacher'] },
        neverClosed(6),
      ]);
    });

    it('when an unclosed quotation mark would run past the row size limit, then it is still reported as an unclosed quote on its line', async () => {
      const file = `${HEADER}\nAda,Lovelace,ada@school.org,Teacher\n"Alan,Turing,alan@school.org,Teacher\n${'Grace,Hopper,grace@school.org,Teacher\n'.repeat(20)}`;

      const events = await readAll(file, { limits: { maxRowBytes: 200, maxDataRows: 100 } });

      expect(events.at(-1)).to.deep.equal(neverClosed(3));
      expect(recordsOf(events).map((record) => record.lineNumber)).to.deep.equal([2]);
    });

    it('when a quoted cell ends before its closing quotation mark, then the file is refused naming the line', async () => {
      const events = await readAll(`${HEADER}\nAda,Lovelace,ada@school.org,Teacher\n"Jo" Smith,Lee,jo@school.org,Teacher\n`);

      expect(events.at(-1)).to.deep.equal({
        type: 'rejected',
        code: 'UNTERMINATED_QUOTE',
        reason:
          'A quotation mark opened on line 3 is closed before the end of its cell. A cell that starts with a quotation mark must also end with one, and a quotation mark inside it must be typed twice (""). Fix line 3 and upload the file again.',
      });
    });

    it('when a quotation mark stands in the middle of an unquoted cell, then the file is refused naming the line', async () => {
      const events = await readAll(`${HEADER}\nAda,Lovelace,ada@school.org,Teacher\n\nJo "JJ" Smith,Lee,jo@school.org,Teacher\n`);

      expect(events.at(-1)).to.deep.equal({
        type: 'rejected',
        code: 'UNTERMINATED_QUOTE',
        reason:
          'Line 4 has a quotation mark in the middle of a cell. Remove it, or put the whole cell in quotation marks and type the quotation mark inside it twice (""), then upload the file again.',
      });
    });
  });

  describe('limits', () => {
    const tooLarge = (line: number, limit: string) => ({
      type: 'rejected',
      code: 'ROW_TOO_LARGE',
      reason: `The row on line ${line} is longer than ${limit} bytes, far more than one educator needs. Remove the extra text from line ${line} and upload the file again.`,
    });

    it('when one row is longer than maxRowBytes, then the file is refused naming its line', async () => {
      const file = `${HEADER}\nAda,Lovelace,ada@school.org,Teacher\n\nAlan,${'x'.repeat(300)},alan@school.org,Teacher\n`;

      const events = await readAll(file, { limits: { maxRowBytes: 200, maxDataRows: 100 } });

      expect(events).to.deep.equal([
        utf8Header(),
        { type: 'record', lineNumber: 2, cells: ['Ada', 'Lovelace', 'ada@school.org', 'Teacher'] },
        tooLarge(4, '200'),
      ]);
    });

    it('when quoted line breaks came before an oversized single-line row, then it is still a row too large, not a quote', async () => {
      const file = `${HEADER}\r\n"Ann\r\nMarie\r\nRose",Lee,ann@school.org,Teacher\r\nAlan,${'x'.repeat(300)},alan@school.org,Teacher\r\n`;

      const events = await readAll(file, { limits: { maxRowBytes: 200, maxDataRows: 100 } });

      expect(events.at(-1)).to.deep.equal(tooLarge(5, '200'));
    });

    it('when the header itself is longer than maxRowBytes, then line 1 is named', async () => {
      const events = await readAll(`${HEADER},${'x'.repeat(5000)}\nAda,Lovelace,ada@school.org,Teacher\n`, { limits: { maxRowBytes: 1000, maxDataRows: 100 } });

      expect(events).to.deep.equal([tooLarge(1, '1,000')]);
    });

    it('when data rows exceed maxDataRows, then the first rows are yielded and the file is refused', async () => {
      const rows = Array.from({ length: 1001 }, (_, index) => `First${index},Last${index},user${index}@school.org,Teacher`);

      const events = await readAll([HEADER, ...rows, ''].join('\r\n'), { limits: { maxRowBytes: 65536, maxDataRows: 1000 } });

      expect(recordsOf(events)).to.have.length(1000);
      expect(recordsOf(events).at(-1)).to.deep.equal({ lineNumber: 1001, cells: ['First999', 'Last999', 'user999@school.org', 'Teacher'] });
      expect(events.at(-1)).to.deep.equal({
        type: 'rejected',
        code: 'TOO_MANY_ROWS',
        reason: 'The file has more than 1,000 educators; split it into smaller files of at most 1,000 educators each and upload them one at a time.',
      });
    });

    it('when data rows reach maxDataRows exactly and blank rows follow, then the file is accepted', async () => {
      const events = await readAll(`${HEADER}\nA,B,a@school.org,Teacher\nC,D,c@school.org,Teacher\n,,,\n,,,\n\n`, {
        limits: { maxRowBytes: 65536, maxDataRows: 2 },
      });

      expect(events.map((event) => event.type)).to.deep.equal(['header', 'record', 'record']);
    });
  });

  describe('streaming', () => {
    function endlessUpload(firstLine: string): { source: AsyncGenerator<Buffer>; state: { chunksRead: number; closed: boolean } } {
      const state = { chunksRead: 0, closed: false };
      async function* source(): AsyncGenerator<Buffer> {
        try {
          yield Buffer.from(`${firstLine}\r\n`);
          for (let row = 0; ; row += 1) {
            state.chunksRead += 1;
            yield Buffer.from(`First${row},Last${row},user${row}@school.org,Teacher\r\n`.repeat(100));
          }
        } finally {
          state.closed = true;
        }
      }
      return { source: source(), state };
    }

    it('when the caller breaks out of the loop early, then reading stops and the upload is closed', async () => {
      const upload = endlessUpload(HEADER);
      const seen: number[] = [];

      for await (const event of readTemplateCsv(upload.source, LIMITS)) {
        if (event.type === 'record') seen.push(event.lineNumber);
        if (seen.length === 3) break;
      }

      expect(seen).to.deep.equal([2, 3, 4]);
      expect(upload.state.closed).to.equal(true);
      expect(upload.state.chunksRead).to.be.below(100);
    });

    it('when the file is refused, then the upload is closed without being read to the end', async () => {
      const upload = endlessUpload('First Name,Last Name,Email,Title');

      const events: TemplateCsvEvent[] = [];
      for await (const event of readTemplateCsv(upload.source, LIMITS)) events.push(event);

      expect(events.map((event) => event.type)).to.deep.equal(['rejected']);
      expect(upload.state.closed).to.equal(true);
      expect(upload.state.chunksRead).to.be.below(100);
    });

    it('when reading the upload itself fails, then that error is thrown rather than reported as a rejection', async () => {
      async function* failingUpload(): AsyncGenerator<Buffer> {
        yield Buffer.from(`${HEADER}\r\nAda,Lovelace,ada@school.org,Teacher\r\n`);
        throw new Error('connection reset');
      }
      const events: TemplateCsvEvent[] = [];

      let thrown: unknown;
      try {
        for await (const event of readTemplateCsv(failingUpload(), LIMITS)) events.push(event);
      } catch (error) {
        thrown = error;
      }

      expect((thrown as Error).message).to.equal('connection reset');
      expect(events.filter((event) => event.type === 'rejected')).to.deep.equal([]);
    });

    it('when a row is rejected mid-file, then nothing follows the rejection and the upload is closed', async () => {
      const upload = endlessUpload(HEADER);
      const limits = { maxRowBytes: 65536, maxDataRows: 250 };

      const events: TemplateCsvEvent[] = [];
      for await (const event of readTemplateCsv(upload.source, limits)) events.push(event);

      expect(events).to.have.length(252);
      expect(events.at(-1)).to.deep.include({ type: 'rejected', code: 'TOO_MANY_ROWS' });
      expect(upload.state.closed).to.equal(true);
    });
  });
});
