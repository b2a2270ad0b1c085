import { expect } from 'chai';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { PARTNER_HIGH, siteIdsByName, uploadAndProcess } from './upload-kit';

describeOnEachDatabase('Uploading the template: accounts belong to the right site', (database) => {
  let server: TestServer;

  before(async () => {
    // Small chunks, so several multi-row inserts each take their site memberships from the ids they were given.
    server = await startTestServer(database, { uploadChunkRows: 7 });
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    await server.close();
  });

  it("when accounts are created from a file in several chunks, then every account of the batch, and only those, belongs to the batch's site", async () => {
    const sites = await siteIdsByName(server);
    const token = await server.signIn(server.demo.siteAdminEmail);
    const rows = educatorRows(50);

    const batch = await uploadAndProcess(server, token, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(rows) });

    expect(batch.recordsCreated).to.equal(50);
    const memberships: { email_normalized: string; school_site_id: number; source_batch_id: number | null }[] = await server.application.dataSource.query(
      `SELECT a.email_normalized, m.school_site_id, a.source_batch_id FROM educator_account_site m JOIN educator_account a ON a.id = m.account_id ORDER BY a.id`,
    );
    const fromBatch = memberships.filter((row) => row.source_batch_id !== null);
    // Two chunks write their rows at once, so ids need not follow the file's order.
    expect(fromBatch.map((row) => row.email_normalized).sort()).to.deep.equal(rows.map((row) => row.email.toLowerCase()).sort());
    expect(new Set(fromBatch.map((row) => Number(row.school_site_id)))).to.have.length(1);
    const [accounts] = await server.application.dataSource.query(
      'SELECT COUNT(*) AS n FROM educator_account a WHERE NOT EXISTS (SELECT 1 FROM educator_account_site m WHERE m.account_id = a.id)',
    );
    // Only the District Admin belongs to no site.
    expect(Number(accounts.n)).to.equal(1);
    const listed = await server.graphql(
      'query($site: ID!) { educatorAccounts(schoolSiteId: $site, first: 100) { totalCount } }',
      { site: sites[PARTNER_HIGH] },
      token,
    );
    expect(listed.data.educatorAccounts.totalCount).to.equal(51);
  });
});
