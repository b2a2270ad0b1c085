import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { MIDDLE_SCHOOL, PARTNER_HIGH, countRows, siteIdsByName, uploadFile } from './upload-kit';

const ROWS_PER_DAY = 10;

describeOnEachDatabase("Uploads count against their uploader's rows of the last 24 hours", (database) => {
  let server: TestServer;
  let sites: Record<string, string>;
  let siteAdmin: string;

  before(async () => {
    server = await startTestServer(database, { maxBulkRowsPerAdminPerDay: ROWS_PER_DAY });
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await server.reset();
    sites = await siteIdsByName(server);
    siteAdmin = await server.signIn(server.demo.siteAdminEmail);
  });

  const upload = (rows: number, from: number, options: { dryRun?: boolean; token?: string; site?: string } = {}) =>
    uploadFile(server, options.token ?? siteAdmin, {
      schoolSiteId: sites[options.site ?? PARTNER_HIGH],
      content: csvFile(educatorRows(rows, from)),
      dryRun: options.dryRun,
    });

  it('when a file would take the uploader past the daily rows, then it is REJECTED with the counts and the time it fits, and nothing of it is created', async () => {
    expect((await upload(6, 1)).status).to.equal('QUEUED');

    const refused = await upload(5, 101);
    const fitting = await upload(4, 201);
    await server.processUploads();

    expect(refused.status).to.equal('REJECTED');
    expect(refused.rejectionReason).to.match(
      /^This file has 5 rows, but one admin may upload at most 10 rows in any 24 hours and you have uploaded 6 in the last 24 hours\. Upload it again after \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in about 2[45] hours\), or split it into smaller files\.$/,
    );
    expect(fitting.status).to.equal('QUEUED');
    expect(await countRows(server, 'educator_account WHERE email_normalized LIKE ?', ['educator%'])).to.equal(10);
    expect(await countRows(server, "educator_account WHERE email_normalized LIKE 'educator10_@%'")).to.equal(0);
  });

  it('when a file alone has more rows than the daily limit, then the reason says to split it', async () => {
    const refused = await upload(11, 1);

    expect(refused).to.deep.include({
      status: 'REJECTED',
      rejectionReason:
        'This file has 11 rows, but one admin may upload at most 10 rows in any 24 hours. Split it into smaller files and upload them over several days.',
    });
  });

  it('when dry runs check files, then they count nothing; and another admin has rows of their own', async () => {
    for (let n = 0; n < 3; n += 1) expect((await upload(10, 1, { dryRun: true })).status).to.equal('QUEUED');
    expect((await upload(10, 1)).status).to.equal('QUEUED');

    const districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    expect((await upload(10, 301, { token: districtAdmin, site: MIDDLE_SCHOOL })).status).to.equal('QUEUED');
    expect((await upload(1, 401)).status).to.equal('REJECTED');
  });
});
