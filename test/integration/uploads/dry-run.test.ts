import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { anEducatorRow, csvFile } from '../../support/csv-fixtures';
import { PARTNER_HIGH, countRows, invitationsIn, recipientOf, siteIdsByName, subjectOf, uploadAndProcess, mixedFile } from './upload-kit';

describeOnEachDatabase('Checking a file with dryRun', (database) => {
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

  it('when a file is checked with dryRun, then every rule (the database included) is reported and nothing is created or sent', async () => {
    const batch = await uploadAndProcess(server, token, { schoolSiteId: siteId, content: mixedFile(), dryRun: true, fileName: 'check.csv' });

    expect(batch).to.deep.include({
      status: 'COMPLETED',
      dryRun: true,
      totalRows: 6,
      recordsProcessed: 6,
      recordsCreated: 2,
      recordsSkipped: 1,
      recordsFailed: 3,
    });
    expect(batch.failures.nodes.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal([
      [4, 'EMAIL_TAKEN'],
      [5, 'DUPLICATE_IN_FILE'],
      [6, 'UNKNOWN_ROLE'],
    ]);
    expect(await countRows(server, 'educator_account')).to.equal(2);
    expect(await countRows(server, 'educator_account_site')).to.equal(1);
    const emails = await server.deliveredEmails();
    expect(invitationsIn(emails)).to.deep.equal([]);
    expect(emails.map(recipientOf)).to.deep.equal([server.demo.siteAdminEmail]);
    expect(subjectOf(emails[0])).to.equal('Check of check.csv finished: 3 failed');
    expect(emails[0]).to.include('nothing was created');
  });

  it('when the same file is then uploaded for real, then it creates exactly what the check said it would', async () => {
    const check = await uploadAndProcess(server, token, { schoolSiteId: siteId, content: mixedFile(), dryRun: true });

    const real = await uploadAndProcess(server, token, { schoolSiteId: siteId, content: mixedFile() });

    expect(real.dryRun).to.equal(false);
    const counts = (batch: typeof real) => [batch.recordsProcessed, batch.recordsCreated, batch.recordsSkipped, batch.recordsFailed];
    expect(counts(real)).to.deep.equal(counts(check));
    expect(real.failures.nodes.map((failure) => [failure.lineNumber, failure.code])).to.deep.equal(
      check.failures.nodes.map((failure) => [failure.lineNumber, failure.code]),
    );
    expect(await countRows(server, 'educator_account')).to.equal(4);
    expect(
      invitationsIn(await server.deliveredEmails())
        .map(recipientOf)
        .sort(),
    ).to.deep.equal(['educator2@partner-high.example.org', 'educator6@partner-high.example.org']);
  });

  it('when a dry run adds a third Site Admin, then it warns as the real upload would, and still creates none', async () => {
    const batch = await uploadAndProcess(server, token, {
      schoolSiteId: siteId,
      content: csvFile([anEducatorRow(1, { role: 'Site Admin' }), anEducatorRow(2, { role: 'Site Admin' })]),
      dryRun: true,
    });

    expect(batch).to.deep.include({ dryRun: true, recordsCreated: 2 });
    expect(batch.warnings.map((warning) => warning.code)).to.deep.equal(['SITE_ADMIN_RECOMMENDATION']);
    expect(await countRows(server, "educator_account WHERE role_code = 'SITE_ADMIN'")).to.equal(1);
  });

  it('when a dry-run file is refused as a whole, then it is REJECTED like any other upload', async () => {
    const batch = await uploadAndProcess(server, token, { schoolSiteId: siteId, content: 'Name,Email\r\nAnn,ann@partner-high.example.org\r\n', dryRun: true });

    expect(batch).to.deep.include({ status: 'REJECTED', dryRun: true, recordsProcessed: 0 });
    expect(batch.rejectionReason).to.include('Missing columns: First Name, Last Name, User Role.');
  });
});
