import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import {
  FIX_FILE_HEADER,
  SPREADSHEET_READINGS,
  TEMPLATE_HEADER,
  anEducatorRow,
  csvFile,
  formulaCells,
  parseCsv,
  rawFile,
  readAsSpreadsheet,
} from '../../support/csv-fixtures';
import { MIDDLE_SCHOOL, PARTNER_HIGH, createOtherDistrict, download, siteIdsByName, uploadAndProcess, uploadFile } from './upload-kit';

describeOnEachDatabase('The failures download and the fix file', (database) => {
  let server: TestServer;
  let sites: Record<string, string>;
  let siteAdmin: string;

  before(async () => {
    server = await startTestServer(database);
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
    siteAdmin = await server.signIn(server.demo.siteAdminEmail);
  });

  // Line 2 is created; lines 3–8 fail, with cells a spreadsheet would read as formulas.
  const fileWithFailures = () =>
    csvFile([
      anEducatorRow(1),
      anEducatorRow(2, { firstName: '=1+2', role: 'Teacher' }),
      anEducatorRow(3, { email: '-minus@partner-high.example.org', role: 'Principal' }),
      anEducatorRow(4, { lastName: '@home', email: '+plus@partner-high.example.org', role: 'Principal' }),
      anEducatorRow(5, { email: 'bad-email' }),
      anEducatorRow(6, { lastName: 'O"Neil, Jr.', role: 'Teacher' }),
      anEducatorRow(7, { role: '\tPrincipal' }),
    ]);

  const failuresOf = async (token: string, batchId: string) => download(server, `/upload-batches/${batchId}/failures.csv`, token);

  it('when the failures are downloaded, then each failed row comes back with its original values, its line and its reason, formulas neutralised', async () => {
    const batch = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: fileWithFailures(), fileName: 'staff list.csv' });
    expect(batch).to.deep.include({ recordsCreated: 1, recordsFailed: 6 });

    const response = await failuresOf(siteAdmin, batch.id);

    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/csv/);
    expect(response.headers.get('content-disposition')).to.equal('attachment; filename="staff_list-failures.csv"');
    expect(response.text.startsWith('\uFEFFFirst Name,Last Name,Email,User Role,Line Number,Reason\r\n')).to.equal(true);
    const rows = parseCsv(response.text.slice(1));
    const reasonOf = (line: number) => batch.failures.nodes.find((failure) => failure.lineNumber === line)!.reason;
    expect(rows).to.deep.equal([
      FIX_FILE_HEADER,
      ["'=1+2", 'Last2', 'educator2@partner-high.example.org', 'Teacher', '3', reasonOf(3)],
      ['First3', 'Last3', "'-minus@partner-high.example.org", 'Principal', '4', reasonOf(4)],
      ['First4', "'@home", "'+plus@partner-high.example.org", 'Principal', '5', reasonOf(5)],
      ['First5', 'Last5', 'bad-email', 'Educator', '6', reasonOf(6)],
      ['First6', 'O"Neil, Jr.', 'educator6@partner-high.example.org', 'Teacher', '7', reasonOf(7)],
      ['First7', 'Last7', 'educator7@partner-high.example.org', '\tPrincipal', '8', reasonOf(8)],
    ]);
  });

  it('when the downloaded fix file is corrected and uploaded as it is, then the fixed rows are created with their original values', async () => {
    const first = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: fileWithFailures() });
    const fixFile = (await failuresOf(siteAdmin, first.id)).text;
    const corrected = fixFile
      .replace(/,Teacher,/g, ',Educator,')
      .replace(/,Principal,/g, ',Counselor,')
      .replace(',"\tPrincipal",', ',Site Admin,')
      .replace(',bad-email,', ',fixed5@partner-high.example.org,');

    const second = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: corrected, fileName: 'fixed.csv' });

    expect(second).to.deep.include({ status: 'COMPLETED', totalRows: 6, recordsProcessed: 6, recordsCreated: 6, recordsSkipped: 0, recordsFailed: 0 });
    const rows: { first_name: string; last_name: string; email: string; role_code: string }[] = await server.application.dataSource.query(
      'SELECT first_name, last_name, email, role_code FROM educator_account WHERE source_batch_id IS NOT NULL',
    );
    const byEmail = Object.fromEntries(rows.map(({ email, ...rest }) => [email, rest]));
    expect(byEmail).to.deep.equal({
      'educator1@partner-high.example.org': { first_name: 'First1', last_name: 'Last1', role_code: 'EDUCATOR' },
      'educator2@partner-high.example.org': { first_name: '=1+2', last_name: 'Last2', role_code: 'EDUCATOR' },
      '-minus@partner-high.example.org': { first_name: 'First3', last_name: 'Last3', role_code: 'COUNSELOR' },
      '+plus@partner-high.example.org': { first_name: 'First4', last_name: '@home', role_code: 'COUNSELOR' },
      'fixed5@partner-high.example.org': { first_name: 'First5', last_name: 'Last5', role_code: 'EDUCATOR' },
      'educator6@partner-high.example.org': { first_name: 'First6', last_name: 'O"Neil, Jr.', role_code: 'EDUCATOR' },
      'educator7@partner-high.example.org': { first_name: 'First7', last_name: 'Last7', role_code: 'SITE_ADMIN' },
    });
  });

  it("when the fix file is uploaded again unchanged, then its rows fail again with the same codes at the fix file's own lines", async () => {
    const first = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: fileWithFailures() });
    const fixFile = (await failuresOf(siteAdmin, first.id)).text;

    const second = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: fixFile });

    expect(second).to.deep.include({ status: 'COMPLETED', recordsProcessed: 6, recordsCreated: 0, recordsFailed: 6 });
    expect(second.failures.nodes.map((failure) => [failure.lineNumber, failure.code, failure.email])).to.deep.equal([
      [2, 'UNKNOWN_ROLE', 'educator2@partner-high.example.org'],
      [3, 'UNKNOWN_ROLE', '-minus@partner-high.example.org'],
      [4, 'UNKNOWN_ROLE', '+plus@partner-high.example.org'],
      [5, 'INVALID_EMAIL', 'bad-email'],
      [6, 'UNKNOWN_ROLE', 'educator6@partner-high.example.org'],
      [7, 'UNKNOWN_ROLE', 'educator7@partner-high.example.org'],
    ]);
  });

  it('when names hold formulas after a separator, behind invisible characters or full-width, then no spreadsheet runs them and they come back', async () => {
    const names = [
      ['x;=1+1', 'Li;@cmd'],
      ['\u200b+1', '－1'],
      ['＝1+1', '\u00a0=HYPERLINK("x")'],
      ['a,=1', '"=1'],
      ['＠SUM(A1)', 'x; \u3000＋1'],
    ];
    const content = csvFile(names.map(([firstName, lastName], index) => anEducatorRow(index + 1, { firstName, lastName, role: 'Teacher' })));
    const first = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content });
    expect(first).to.deep.include({ recordsFailed: names.length });
    const fixFile = (await failuresOf(siteAdmin, first.id)).text;

    for (const reading of SPREADSHEET_READINGS) expect(formulaCells(readAsSpreadsheet(fixFile, reading)), JSON.stringify(reading)).to.deep.equal([]);

    // A name with an invisible character is refused as a name (INVALID_NAME) once its role is fixed; the others are created as typed.
    const second = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: fixFile.replace(/,Teacher,/g, ',Educator,') });
    expect(second).to.deep.include({ recordsCreated: names.length - 1, recordsFailed: 1 });
    expect(second.failures.nodes.map((failure) => failure.code)).to.deep.equal(['INVALID_NAME']);
    const secondFixFile = (await failuresOf(siteAdmin, second.id)).text;
    for (const reading of SPREADSHEET_READINGS) expect(formulaCells(readAsSpreadsheet(secondFixFile, reading)), JSON.stringify(reading)).to.deep.equal([]);
    const rows: { first_name: string; last_name: string }[] = await server.application.dataSource.query(
      'SELECT first_name, last_name FROM educator_account WHERE source_batch_id IS NOT NULL ORDER BY email',
    );
    const creatable = names.filter(([firstName]) => !firstName.includes('\u200b'));
    expect(rows.map((row) => [row.first_name, row.last_name])).to.deep.equal(creatable.map((pair) => pair.map((name) => name.trim())));
  });

  it('when a row has more cells than the template, then the fix file holds it whole as typed under First Name, round after round, until mended', async () => {
    const typed = 'Lee,Smith, Jr.,lee@partner-high.example.org,Educator';
    const content = rawFile([TEMPLATE_HEADER.join(','), typed, 'Ann,Lee,ann@partner-high.example.org']);
    const first = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content });
    expect(first.failures.nodes.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal([
      [2, 'WRONG_COLUMN_COUNT'],
      [3, 'WRONG_COLUMN_COUNT'],
    ]);

    const fixFile = (await failuresOf(siteAdmin, first.id)).text;
    const rows = parseCsv(fixFile.slice(1));
    expect(rows[1].slice(0, 5)).to.deep.equal([typed, '', '', '', '2']);
    expect(rows[1][5])
      .to.match(/5 cells/)
      .and.match(/whole row is under First Name as it was typed/);
    expect(rows[2].slice(0, 5)).to.deep.equal(['Ann', 'Lee', 'ann@partner-high.example.org', '', '3']);

    // Uploaded again unmended, the rows fail again and the next fix file still holds every character typed.
    const again = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: fixFile });
    expect(again).to.deep.include({ recordsCreated: 0, recordsFailed: 2 });
    const secondFixFile = parseCsv((await failuresOf(siteAdmin, again.id)).text.slice(1));
    expect(secondFixFile.slice(1).map((row) => row.slice(0, 4))).to.deep.equal([
      [typed, '', '', ''],
      ['Ann', 'Lee', 'ann@partner-high.example.org', ''],
    ]);

    const mended = fixFile
      .replace(`"${typed}",,,`, 'Lee,"Smith, Jr.",lee@partner-high.example.org,Educator')
      .replace('ann@partner-high.example.org,', 'ann@partner-high.example.org,Educator');
    const last = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: mended });
    expect(last).to.deep.include({ recordsCreated: 2, recordsFailed: 0 });
    const created: { first_name: string; last_name: string; email: string; role_code: string }[] = await server.application.dataSource.query(
      'SELECT first_name, last_name, email, role_code FROM educator_account WHERE source_batch_id IS NOT NULL ORDER BY email',
    );
    expect(created).to.deep.equal([
      { first_name: 'Ann', last_name: 'Lee', email: 'ann@partner-high.example.org', role_code: 'EDUCATOR' },
      { first_name: 'Lee', last_name: 'Smith, Jr.', email: 'lee@partner-high.example.org', role_code: 'EDUCATOR' },
    ]);
  });

  it('when a batch has no failures, then the download holds the header line alone', async () => {
    const batch = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile([anEducatorRow(1)]) });

    const response = await failuresOf(siteAdmin, batch.id);

    expect(response.status).to.equal(200);
    expect(response.text).to.equal('\uFEFFFirst Name,Last Name,Email,User Role,Line Number,Reason\r\n');
  });

  it('when the download is asked for without a token, then it answers 401', async () => {
    const batch = await uploadAndProcess(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: fileWithFailures() });

    const response = await failuresOf('', batch.id);

    expect(response.status).to.equal(401);
    expect(response.text).to.not.include('educator2@');
  });

  it('when the batch belongs to another site or another district, or the id is made up, then it answers 404', async () => {
    const districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    const middle = await uploadAndProcess(server, districtAdmin, { schoolSiteId: sites[MIDDLE_SCHOOL], content: fileWithFailures() });
    const other = await createOtherDistrict(server);
    const otherAdmin = await server.signIn(other.adminEmail);
    const elsewhere = await uploadAndProcess(server, otherAdmin, { schoolSiteId: other.siteId, content: fileWithFailures() });

    expect((await failuresOf(siteAdmin, middle.id)).status).to.equal(404);
    expect((await failuresOf(districtAdmin, elsewhere.id)).status).to.equal(404);
    expect((await failuresOf(siteAdmin, elsewhere.id)).status).to.equal(404);
    expect((await failuresOf(districtAdmin, 'AAAAAAAAAAAAAAAAAAAAAA')).status).to.equal(404);
    expect((await failuresOf(districtAdmin, 'not-an-id')).status).to.equal(404);
    // Each owner still gets their own.
    expect((await failuresOf(districtAdmin, middle.id)).status).to.equal(200);
    expect((await failuresOf(otherAdmin, elsewhere.id)).status).to.equal(200);
  });

  it('when the template is downloaded, then it is the header line alone with CRLF, as an attachment, and matches the GraphQL template', async () => {
    const response = await download(server, '/templates/educator-accounts.csv', siteAdmin);

    expect(response.status).to.equal(200);
    expect(response.text).to.equal('First Name,Last Name,Email,User Role\r\n');
    expect(response.headers.get('content-disposition')).to.match(/^attachment; filename="[^"]+\.csv"$/);
    const template = await server.graphql('{ educatorAccountTemplate { fileName columns content } }', {}, siteAdmin);
    expect(template.data.educatorAccountTemplate).to.deep.equal({
      fileName: response.headers.get('content-disposition')!.match(/filename="([^"]+)"/)![1],
      columns: ['First Name', 'Last Name', 'Email', 'User Role'],
      content: 'First Name,Last Name,Email,User Role\r\n',
    });
  });

  it('when the template itself is uploaded after filling it in, then it is accepted', async () => {
    const template = (await download(server, '/templates/educator-accounts.csv', siteAdmin)).text;

    const { id } = await uploadFile(server, siteAdmin, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: `${template}Ann,Lee,ann@partner-high.example.org,Educator\r\n`,
    });
    await server.processUploads();

    const log = await server.graphql('query($id: ID!) { uploadBatch(id: $id) { status recordsCreated } }', { id }, siteAdmin);
    expect(log.data.uploadBatch).to.deep.equal({ status: 'COMPLETED', recordsCreated: 1 });
  });
});
