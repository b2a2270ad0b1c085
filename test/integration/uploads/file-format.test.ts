import { expect } from 'chai';
import type { Config } from '../../../src/processes/config';
import { describeOnEachDatabase, type TestDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { TEMPLATE_HEADER, anEducatorRow, csvFile, educatorRows, rawFile, unicodeText, xlsxBytes } from '../../support/csv-fixtures';
import { PARTNER_HIGH, countRows, createdEmails, readBatch, siteIdsByName, uploadAndProcess, uploadFile, type Batch } from './upload-kit';

const EXPECTED = 'Expected: First Name, Last Name, Email, User Role';

/** One server per group: each group may need its own limits, and on MySQL a server rebuilds the shared test database. */
const withServer = (
  database: TestDatabase,
  overrides: Partial<Config>,
  body: (context: () => { server: TestServer; siteId: string; token: string }) => void,
) => {
  let server: TestServer;
  let siteId: string;
  let token: string;
  before(async () => {
    server = await startTestServer(database, overrides);
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    siteId = (await siteIdsByName(server))[PARTNER_HIGH];
    token = await server.signIn(server.demo.siteAdminEmail);
  });
  body(() => ({ server, siteId, token }));
};

describeOnEachDatabase('Uploading the template: the file as a whole', (database) => {
  /** Uploads, runs the worker, and checks what every refusal of a whole file must leave behind. */
  const expectRejected = async (server: TestServer, siteId: string, token: string, content: string | Buffer, fileName = 'refused.csv'): Promise<string> => {
    const answered = await uploadFile(server, token, { schoolSiteId: siteId, content, fileName });
    expect(answered.status).to.equal('REJECTED');
    expect(await server.processUploads()).to.equal(0);
    const batch = await readBatch(server, token, answered.id);
    expect(batch).to.deep.include({ status: 'REJECTED', recordsProcessed: 0, recordsCreated: 0, recordsSkipped: 0, recordsFailed: 0 });
    expect(batch.failures.totalCount).to.equal(0);
    expect(batch.rejectionReason).to.equal(answered.rejectionReason);
    expect(await countRows(server, 'educator_account')).to.equal(2);
    expect(await countRows(server, 'upload_file_chunk')).to.equal(0);
    const log = await server.graphql(
      'query($site: ID) { uploadBatches(schoolSiteId: $site) { totalCount nodes { id status fileName rejectionReason } } }',
      { site: siteId },
      token,
    );
    expect(log.data.uploadBatches.nodes).to.deep.include({ id: answered.id, status: 'REJECTED', fileName, rejectionReason: batch.rejectionReason });
    return batch.rejectionReason!;
  };

  describe('with the default limits', () => {
    withServer(database, {}, (context) => {
      const accepted = async (content: string | Buffer): Promise<Batch> => {
        const { server, siteId, token } = context();
        const batch = await uploadAndProcess(server, token, { schoolSiteId: siteId, content });
        expect(batch.status, batch.rejectionReason ?? '').to.equal('COMPLETED');
        return batch;
      };
      const rejected = (content: string | Buffer, fileName?: string): Promise<string> => {
        const { server, siteId, token } = context();
        return expectRejected(server, siteId, token, content, fileName);
      };
      // Three good rows with a bad email on line 3, so every variant also proves its line numbers.
      const threeRows = () => [anEducatorRow(1), anEducatorRow(2, { email: 'not-an-email' }), anEducatorRow(3)];
      const failedLines = (batch: Batch) => batch.failures.nodes.map((failure) => [failure.lineNumber, failure.code]);

      it('when the file starts with a UTF-8 byte-order mark, then it is read as the template', async () => {
        const batch = await accepted(csvFile(threeRows(), { bom: true }));

        expect(batch).to.deep.include({ recordsProcessed: 3, recordsCreated: 2, recordsFailed: 1 });
        expect(failedLines(batch)).to.deep.equal([[3, 'INVALID_EMAIL']]);
        const [first] = await context().server.application.dataSource.query('SELECT first_name FROM educator_account WHERE email_normalized = ?', [
          anEducatorRow(1).email,
        ]);
        expect(first.first_name).to.equal('First1');
      });

      for (const [name, lineEnd] of [
        ['CRLF', '\r\n'],
        ['LF', '\n'],
        ['CR', '\r'],
      ] as const) {
        it(`when lines end with ${name}, then every row is read with its physical line number`, async () => {
          const batch = await accepted(csvFile(threeRows(), { lineEnd }));

          expect(batch).to.deep.include({ totalRows: 3, recordsProcessed: 3, recordsCreated: 2, recordsFailed: 1 });
          expect(failedLines(batch)).to.deep.equal([[3, 'INVALID_EMAIL']]);
        });
      }

      it('when the last row has no line end, then it is still read', async () => {
        const batch = await accepted(csvFile(educatorRows(2), { finalLineEnd: false }));

        expect(batch).to.deep.include({ recordsProcessed: 2, recordsCreated: 2 });
      });

      for (const [name, delimiter] of [
        ['semicolons', ';'],
        ['tabs', '\t'],
      ] as const) {
        it(`when cells are separated by ${name}, then the delimiter is taken from the header line`, async () => {
          const rows = [...threeRows(), anEducatorRow(4, { lastName: 'Smith, Jr.' })];
          const batch = await accepted(csvFile(rows, { delimiter }));

          expect(batch).to.deep.include({ recordsProcessed: 4, recordsCreated: 3, recordsFailed: 1 });
          expect(failedLines(batch)).to.deep.equal([[3, 'INVALID_EMAIL']]);
          const [stored] = await context().server.application.dataSource.query('SELECT last_name FROM educator_account WHERE email_normalized = ?', [
            anEducatorRow(4).email,
          ]);
          expect(stored.last_name).to.equal('Smith, Jr.');
        });
      }

      it('when the file is Excel "Unicode Text" (UTF-16LE with a BOM, tab delimited), then it is transcoded and read', async () => {
        const batch = await accepted(
          unicodeText([
            anEducatorRow(1, { firstName: 'Zoë', lastName: 'Ødegård' }),
            anEducatorRow(2, { email: 'not-an-email' }),
            anEducatorRow(3, { role: 'Counselor—Caseload Only' }),
          ]),
        );

        expect(batch).to.deep.include({ recordsProcessed: 3, recordsCreated: 2, recordsFailed: 1 });
        expect(failedLines(batch)).to.deep.equal([[3, 'INVALID_EMAIL']]);
        const rows: { first_name: string; last_name: string; role_code: string }[] = await context().server.application.dataSource.query(
          'SELECT first_name, last_name, role_code FROM educator_account WHERE source_batch_id IS NOT NULL ORDER BY email_normalized',
        );
        expect(rows).to.deep.equal([
          { first_name: 'Zoë', last_name: 'Ødegård', role_code: 'EDUCATOR' },
          { first_name: 'First3', last_name: 'Last3', role_code: 'COUNSELOR_CASELOAD_ONLY' },
        ]);
      });

      it('when quoted cells hold line breaks and blank lines sit between rows, then failures carry the physical line where their record starts', async () => {
        const content = [
          'First Name,Last Name,Email,User Role', // line 1
          'Ann,Lee,ann@partner-high.example.org,Educator', // 2
          '"Multi', // 3: a name holding a line break (a control character) starts here
          'Line",Name,multi@partner-high.example.org,Educator', // 4
          '', // 5
          'Bob,Ray,not-an-email,Educator', // 6
          '"Smith, Jr.",Lee,"quoted@partner-high.example.org",Counselor', // 7
          'Carl,"Two', // 8: another break inside quotes
          '', // 9: a blank line inside the quoted cell
          'Breaks",carl@partner-high.example.org,Educator', // 10
          ',,,', // 11
          'Dee,Fox,also-not-an-email,Educator', // 12
        ].join('\r\n');
        const batch = await accepted(`${content}\r\n`);

        expect(batch).to.deep.include({ totalRows: 6, recordsProcessed: 6, recordsCreated: 2, recordsFailed: 4 });
        expect(failedLines(batch)).to.deep.equal([
          [3, 'INVALID_NAME'],
          [6, 'INVALID_EMAIL'],
          [8, 'INVALID_NAME'],
          [12, 'INVALID_EMAIL'],
        ]);
        expect(await createdEmails(context().server, context().siteId)).to.deep.equal(['ann@partner-high.example.org', 'quoted@partner-high.example.org']);
      });

      it('when trailing ",,," rows follow the data, then they are ignored and not counted', async () => {
        const batch = await accepted(`${csvFile(educatorRows(2))},,,\r\n,,,\r\n , , ,\r\n\r\n`);

        expect(batch).to.deep.include({ totalRows: 2, recordsProcessed: 2, recordsCreated: 2, recordsFailed: 0 });
      });

      it('when header names differ only in case and surrounding spaces, then the file is accepted', async () => {
        const batch = await accepted(csvFile(educatorRows(2), { header: [' first name ', 'LAST NAME', 'email', '  User role'] }));

        expect(batch).to.deep.include({ recordsProcessed: 2, recordsCreated: 2 });
      });

      it('when a quotation mark is never closed, then the file is rejected naming the line where it opened and nothing is created', async () => {
        const content = rawFile([
          'First Name,Last Name,Email,User Role',
          'Ann,Lee,ann@partner-high.example.org,Educator',
          '"Bob,Ray,bob@partner-high.example.org,Educator',
          'Cy,Ho,cy@partner-high.example.org,Educator',
          'Di,Ma,di@partner-high.example.org,Educator',
        ]);
        const reason = await rejected(content);

        expect(reason)
          .to.include('line 3')
          .and.match(/quotation mark/i)
          .and.match(/never closed/);
      });

      it('when an unclosed quotation mark would swallow more than 64 KB of the lines after it, then the rejection still names the line where it opened', async () => {
        const rows = educatorRows(2000).map((row, index) => (index === 1 ? { ...row, firstName: `"${row.firstName}` } : row));
        const content = rawFile(['First Name,Last Name,Email,User Role', ...rows.map((row) => `${row.firstName},${row.lastName},${row.email},${row.role}`)]);
        expect(Buffer.byteLength(content)).to.be.greaterThan(64 * 1024);

        const reason = await rejected(content);

        expect(reason)
          .to.include('line 3')
          .and.match(/never closed/);
        expect(reason).to.not.include('bytes');
      });

      it('when a quotation mark sits in the middle of an unquoted cell, then the file is rejected naming that line', async () => {
        const content = rawFile([
          'First Name,Last Name,Email,User Role',
          'Ann,Lee,ann@partner-high.example.org,Educator',
          'Bo,O"Brien,bo@partner-high.example.org,Educator',
        ]);

        expect(await rejected(content))
          .to.include('Line 3')
          .and.include('quotation mark in the middle of a cell');
      });

      it('when the file only starts like an Excel workbook (XLSX), then it is read as one and rejected as damaged', async () => {
        const reason = await rejected(xlsxBytes(), 'educators.xlsx');

        expect(reason).to.include('starts like a workbook but is damaged').and.include('Excel Workbook (.xlsx)');
      });

      it('when the file is an old XLS workbook or a PNG picture, then it is rejected, the XLS with how to save it as .xlsx', async () => {
        const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(64)]);
        const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);

        expect(await rejected(xls, 'old.xls'))
          .to.include('.xls')
          .and.include('Excel Workbook (.xlsx)');
        expect(await rejected(png, 'photo.png'))
          .to.include('PNG')
          .and.include('not a CSV file');
      });

      it('when the file is not UTF-8 (Windows-1252 accents), then it is rejected naming the line', async () => {
        const content = Buffer.concat([
          Buffer.from('First Name,Last Name,Email,User Role\r\nAnn,Lee,ann@partner-high.example.org,Educator\r\nJos'),
          Buffer.from([0xe9]),
          Buffer.from(',Ruiz,jose@partner-high.example.org,Educator\r\n'),
        ]);

        expect(await rejected(content))
          .to.include('Line 3')
          .and.include('UTF-8');
      });

      it('when a row is longer than 64 KB, then the file is rejected naming its line', async () => {
        const content = csvFile([anEducatorRow(1), anEducatorRow(2, { lastName: 'x'.repeat(70 * 1024) })]);

        expect(await rejected(content))
          .to.include('line 3')
          .and.include('65,536 bytes');
      });

      it('when the file is empty or holds only blank lines, then it is rejected as empty', async () => {
        expect(await rejected('')).to.include('The file is empty');
        expect(await rejected('\r\n\r\n')).to.include('The file is empty');
      });

      it('when the file has the header but no educators, then it is rejected as header only', async () => {
        expect(await rejected(csvFile([]))).to.include('no educators');
        expect(await rejected(`${csvFile([])},,,\r\n,,,\r\n`)).to.include('no educators');
      });

      const changedHeaders: [string, string[], string][] = [
        ['a column is missing', ['First Name', 'Last Name', 'Email'], `Missing column: User Role. ${EXPECTED}`],
        ['a column is renamed', ['First Name', 'Last Name', 'Email', 'Role'], `Missing column: User Role. Unexpected column: Role. ${EXPECTED}`],
        ['a column is added', [...TEMPLATE_HEADER, 'Title'], `Unexpected column: Title. ${EXPECTED}`],
        ['a column replaces another', ['First Name', 'Last Name', 'Email', 'Title'], `Missing column: User Role. Unexpected column: Title. ${EXPECTED}`],
        [
          'columns are reordered',
          ['Last Name', 'First Name', 'Email', 'User Role'],
          `Columns are in a different order: Last Name, First Name, Email, User Role. ${EXPECTED}`,
        ],
      ];
      for (const [change, header, reason] of changedHeaders) {
        it(`when ${change}, then the file is rejected saying exactly what differs`, async () => {
          expect(await rejected(csvFile(educatorRows(2), { header }))).to.equal(reason);
        });
      }
    });
  });

  describe('with MAX_UPLOAD_BYTES of 2,000', () => {
    withServer(database, { maxUploadBytes: 2000 }, (context) => {
      it('when the file is larger than the limit, then it is rejected as too large and nothing is stored', async () => {
        const { server, siteId, token } = context();
        const content = csvFile(educatorRows(60));
        expect(Buffer.byteLength(content)).to.be.greaterThan(2000);

        const reason = await expectRejected(server, siteId, token, content);

        expect(reason).to.include('larger than').and.include('Split it into smaller files');
      });

      it('when the file is just under the limit, then it is processed', async () => {
        const { server, siteId, token } = context();
        const content = csvFile(educatorRows(20));
        expect(Buffer.byteLength(content)).to.be.lessThan(2000);

        const batch = await uploadAndProcess(server, token, { schoolSiteId: siteId, content });

        expect(batch).to.deep.include({ status: 'COMPLETED', recordsCreated: 20 });
      });
    });
  });

  describe('with MAX_UPLOAD_ROWS of 5', () => {
    withServer(database, { maxUploadRows: 5 }, (context) => {
      it('when the file has more data rows than the limit, then it is rejected naming the limit', async () => {
        const { server, siteId, token } = context();

        const reason = await expectRejected(server, siteId, token, csvFile(educatorRows(6)));

        expect(reason).to.include('more than 5 educators').and.include('split it into smaller files');
      });

      it('when the file has exactly the limit (and trailing empty rows), then it is processed', async () => {
        const { server, siteId, token } = context();

        const batch = await uploadAndProcess(server, token, { schoolSiteId: siteId, content: `${csvFile(educatorRows(5))},,,\r\n,,,\r\n` });

        expect(batch).to.deep.include({ status: 'COMPLETED', totalRows: 5, recordsProcessed: 5, recordsCreated: 5 });
      });
    });
  });
});
