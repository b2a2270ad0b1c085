import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { anEducatorRow, parseCsv } from '../../support/csv-fixtures';
import { compoundFile, libreOfficeWorkbook, macroEnabledWorkbook, workbookFile, workbookParts } from '../../support/workbook-fixtures';
import { zipFile } from '../../support/zip-file';
import { PARTNER_HIGH, countRows, download, readBatch, siteIdsByName, uploadAndProcess, uploadFile } from './upload-kit';

describeOnEachDatabase('Uploading the template as an Excel workbook (.xlsx)', (database) => {
  let server: TestServer;
  let siteId: string;
  let token: string;

  before(async () => {
    server = await startTestServer(database);
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    siteId = (await siteIdsByName(server))[PARTNER_HIGH];
    token = await server.signIn(server.demo.siteAdminEmail);
  });

  const namesOf = async (email: string): Promise<{ first_name: string; last_name: string } | undefined> =>
    (await server.application.dataSource.query('SELECT first_name, last_name FROM educator_account WHERE email_normalized = ?', [email]))[0];

  it('when a LibreOffice workbook is uploaded, then its accounts are created as the sheet shows them and the bad row fails with its sheet row', async () => {
    const batch = await uploadAndProcess(server, token, {
      schoolSiteId: siteId,
      content: libreOfficeWorkbook('libreoffice-educators'),
      fileName: 'staff.xlsx',
    });

    expect(batch).to.deep.include({ status: 'COMPLETED', fileName: 'staff.xlsx', totalRows: 4, recordsProcessed: 4, recordsCreated: 3, recordsFailed: 1 });
    expect(batch.failures.nodes.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal([[4, 'INVALID_EMAIL']]);
    expect(await namesOf('zero.id@partner-high.example.org')).to.deep.equal({ first_name: '00123', last_name: '12345' });
    expect(await namesOf('dated@partner-high.example.org')).to.deep.equal({ first_name: 'Dana', last_name: '2024-01-15' });
    expect(await countRows(server, 'educator_account WHERE source_batch_id IS NOT NULL')).to.equal(3);
  });

  it('when the failures are downloaded, then the fix file names the sheet rows; when the corrected workbook is uploaded again, then only the failed rows are created', async () => {
    const rows = [anEducatorRow(1), anEducatorRow(2, { email: 'not-an-email' }), null, anEducatorRow(4, { role: 'Principal' }), anEducatorRow(5)];
    const first = await uploadAndProcess(server, token, { schoolSiteId: siteId, content: await workbookFile(rows), fileName: 'staff.xlsx' });
    expect(first).to.deep.include({ recordsCreated: 2, recordsFailed: 2 });

    const fixFile = await download(server, `/upload-batches/${first.id}/failures.csv`, token);
    expect(fixFile.headers.get('content-disposition')).to.equal('attachment; filename="staff-failures.csv"');
    const fixRows = parseCsv(fixFile.text.slice(1));
    expect(fixRows.slice(1).map((row) => [row[2], row[4]])).to.deep.equal([
      ['not-an-email', '3'],
      [anEducatorRow(4).email, '5'],
    ]);

    const corrected = [anEducatorRow(1), anEducatorRow(2), null, anEducatorRow(4), anEducatorRow(5)];
    const second = await uploadAndProcess(server, token, { schoolSiteId: siteId, content: await workbookFile(corrected), fileName: 'staff.xlsx' });

    expect(second).to.deep.include({ status: 'COMPLETED', recordsProcessed: 4, recordsCreated: 2, recordsSkipped: 2, recordsFailed: 0 });
    expect(await countRows(server, 'educator_account WHERE source_batch_id IS NOT NULL')).to.equal(4);
  });

  it('when the workbook has a second sheet, then only the first sheet becomes accounts', async () => {
    const content = await workbookFile([anEducatorRow(1)], {
      otherSheets: [
        [
          ['First Name', 'Last Name', 'Email', 'User Role'],
          ['Not', 'Read', 'not.read@partner-high.example.org', 'Educator'],
        ],
      ],
    });
    const batch = await uploadAndProcess(server, token, { schoolSiteId: siteId, content, fileName: 'two-sheets.xlsx' });

    expect(batch).to.deep.include({ recordsProcessed: 1, recordsCreated: 1 });
    expect(await namesOf('not.read@partner-high.example.org')).to.equal(undefined);
  });

  it("when the workbook's header is not the template's, then it is refused as a CSV file would be", async () => {
    const answered = await uploadFile(server, token, {
      schoolSiteId: siteId,
      content: await workbookFile([anEducatorRow(1)], { header: ['Name', 'Email'] }),
      fileName: 'x.xlsx',
    });

    expect(answered.status).to.equal('REJECTED');
    expect(answered.rejectionReason).to.match(/^Missing columns: First Name, Last Name, User Role\. Unexpected column: Name\./);
  });

  // Each refusal's code is held to its reason by the reader's unit tests; here the reason is what the admin reads.
  const refusals: { what: string; content: () => Buffer; fileName: string; reason: RegExp }[] = [
    {
      what: 'a legacy .xls',
      content: () => compoundFile({ encrypted: false }),
      fileName: 'old.xls',
      reason: /^This file is an older Excel workbook \(\.xls\), which is not accepted\. In Excel choose File > Save As > Excel Workbook \(\.xlsx\)/,
    },
    {
      what: 'an encrypted workbook',
      content: () => compoundFile({ encrypted: true }),
      fileName: 'secret.xlsx',
      reason: /^This workbook is protected with a password/,
    },
    { what: 'a macro-enabled .xlsm', content: macroEnabledWorkbook, fileName: 'macros.xlsm', reason: /^This workbook contains macros \(\.xlsm\)/ },
    {
      what: 'a zip bomb',
      content: () => zipFile(workbookParts({ data: Buffer.alloc(50 * 1024 * 1024) })),
      fileName: 'bomb.xlsx',
      reason: /^This workbook cannot be read safely: it is packed far more tightly/,
    },
    {
      what: 'a zip that is not a workbook',
      content: () => zipFile([{ name: 'word/document.xml', data: '<w/>' }]),
      fileName: 'letter.docx',
      reason: /^This file is a zipped file but not an Excel workbook/,
    },
  ];
  for (const refusal of refusals) {
    it(`when the upload is ${refusal.what}, then the batch is REJECTED with the reason and nothing is stored or created`, async () => {
      const answered = await uploadFile(server, token, { schoolSiteId: siteId, content: refusal.content(), fileName: refusal.fileName });

      expect(answered.status).to.equal('REJECTED');
      expect(answered.rejectionReason).to.match(refusal.reason);
      expect(await server.processUploads()).to.equal(0);
      expect((await readBatch(server, token, answered.id)).rejectionReason).to.equal(answered.rejectionReason);
      expect(await countRows(server, 'upload_file_chunk')).to.equal(0);
      expect(await countRows(server, 'educator_account WHERE source_batch_id IS NOT NULL')).to.equal(0);
    });
  }
});
