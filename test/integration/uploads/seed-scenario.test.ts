import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { csvFile, educatorRows, type EducatorRow } from '../../support/csv-fixtures';
import { PARTNER_HIGH, countRows, createdEmails, invitationsIn, recipientOf, siteIdsByName, subjectOf, uploadAndProcess } from './upload-kit';

describeOnEachDatabase('Uploading the template: the seed scenario', (database) => {
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

  // Lines 2–9 hold eight educators; line 7 (the sixth row) repeats the District Admin's email.
  const originalRows = (): EducatorRow[] => {
    const rows = educatorRows(8);
    rows[5] = { ...rows[5], email: 'district.admin@demo-usd.example.org', role: 'Counselor - Caseload Only' };
    return rows;
  };

  it("when line 7 repeats an existing account's email, then 7 are created and line 7 fails as EMAIL_TAKEN with the log's message", async () => {
    const batch = await uploadAndProcess(server, token, { schoolSiteId: siteId, content: csvFile(originalRows()), fileName: 'partner-high.csv' });

    expect(batch).to.deep.include({
      status: 'COMPLETED',
      fileName: 'partner-high.csv',
      dryRun: false,
      totalRows: 8,
      recordsProcessed: 8,
      recordsCreated: 7,
      recordsSkipped: 0,
      recordsFailed: 1,
      rejectionReason: null,
    });
    expect(batch.schoolSite.name).to.equal(PARTNER_HIGH);
    expect(batch.uploadedBy.email).to.equal(server.demo.siteAdminEmail);
    expect(batch.startTime).to.be.a('string');
    expect(batch.endTime).to.be.a('string');
    expect(batch.failures.totalCount).to.equal(1);
    expect(batch.failures.nodes).to.deep.equal([
      {
        lineNumber: 7,
        schoolName: PARTNER_HIGH,
        fileName: 'partner-high.csv',
        type: 'Counselor - Caseload Only',
        email: 'district.admin@demo-usd.example.org',
        message: 'Counselor - Caseload Only with email district.admin@demo-usd.example.org - not imported',
        reason: 'Email has already been taken',
        code: 'EMAIL_TAKEN',
      },
    ]);
    const expectedEmails = originalRows()
      .filter((_, index) => index !== 5)
      .map((row) => row.email)
      .sort();
    expect(await createdEmails(server, siteId)).to.deep.equal(expectedEmails);
    // The District Admin's own account is untouched: still a District Admin with no site.
    const [admin] = await server.application.dataSource.query('SELECT role_code, source_batch_id FROM educator_account WHERE email_normalized = ?', [
      'district.admin@demo-usd.example.org',
    ]);
    expect(admin.role_code).to.equal('DISTRICT_ADMIN');
    expect(admin.source_batch_id).to.equal(null);
  });

  it('when the fixed original file is uploaded again, then only the fixed row is created and the other seven are skipped', async () => {
    await uploadAndProcess(server, token, { schoolSiteId: siteId, content: csvFile(originalRows()), fileName: 'partner-high.csv' });
    const fixed = originalRows();
    fixed[5] = { ...fixed[5], email: 'educator6@partner-high.example.org' };

    const again = await uploadAndProcess(server, token, { schoolSiteId: siteId, content: csvFile(fixed), fileName: 'partner-high.csv' });

    expect(again).to.deep.include({ status: 'COMPLETED', recordsProcessed: 8, recordsCreated: 1, recordsSkipped: 7, recordsFailed: 0 });
    expect(again.failures).to.deep.equal({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] });
    expect(await createdEmails(server, siteId)).to.deep.equal(fixed.map((row) => row.email).sort());
    expect(await countRows(server, 'educator_account')).to.equal(2 + 8);
    const [{ role_code: role }] = await server.application.dataSource.query('SELECT role_code FROM educator_account WHERE email_normalized = ?', [
      'educator6@partner-high.example.org',
    ]);
    expect(role).to.equal('COUNSELOR_CASELOAD_ONLY');
  });

  it('when both uploads finish, then every created account got one invitation with a registration code and the uploader one completion email per batch', async () => {
    await uploadAndProcess(server, token, { schoolSiteId: siteId, content: csvFile(originalRows()), fileName: 'partner-high.csv' });
    const firstEmails = await server.deliveredEmails();
    const fixed = originalRows();
    fixed[5] = { ...fixed[5], email: 'educator6@partner-high.example.org' };
    await uploadAndProcess(server, token, { schoolSiteId: siteId, content: csvFile(fixed), fileName: 'partner-high.csv' });
    const secondEmails = await server.deliveredEmails();

    const firstInvitations = invitationsIn(firstEmails).map(recipientOf).sort();
    expect(firstInvitations).to.deep.equal(
      fixed
        .filter((_, index) => index !== 5)
        .map((row) => row.email)
        .sort(),
    );
    expect(invitationsIn(secondEmails).map(recipientOf)).to.deep.equal(['educator6@partner-high.example.org']);

    const completions = (emails: string[]) => emails.filter((email) => !email.includes('Registration code:'));
    expect(completions(firstEmails).map(recipientOf)).to.deep.equal([server.demo.siteAdminEmail]);
    expect(completions(secondEmails).map(recipientOf)).to.deep.equal([server.demo.siteAdminEmail]);
    expect(subjectOf(completions(firstEmails)[0])).to.equal('Upload of partner-high.csv finished: 1 failed');
    expect(completions(firstEmails)[0]).to.include('Records processed: 8').and.include('Created: 7').and.include('Failed: 1');
    expect(completions(secondEmails)[0]).to.include('Created: 1').and.include('Already created earlier (skipped): 7').and.include('Failed: 0');
  });
});
