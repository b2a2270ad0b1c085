import { expect } from 'chai';
import { anEducatorRow, csvFile, educatorRows } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { statementsOf } from '../../support/statements';
import { startTestServer, type TestServer } from '../../support/test-server';
import { BATCH_FIELDS, FAILURE_FIELDS, MIDDLE_SCHOOL, PARTNER_HIGH, siteIdsByName, uploadFile } from './upload-kit';

const LOG_PAGE = `query { uploadBatches(first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes { ${BATCH_FIELDS} } } }`;
const FAILURES_PAGE = `query($id: ID!) { uploadBatch(id: $id) { id recordsFailed failures(first: 10) { totalCount nodes { ${FAILURE_FIELDS} } } } }`;
/** The viewer's account with their district's log counter: all a kept answer costs. */
const STATEMENTS_OF_A_KEPT_ANSWER = 1;

describeOnEachDatabase('Log and failure pages answered again from memory', (database) => {
  let server: TestServer;
  let siteAdmin: string;
  let districtAdmin: string;
  let sites: Record<string, string>;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    siteAdmin = await server.signIn(server.demo.siteAdminEmail);
    districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    sites = await siteIdsByName(server);
  });
  after(async () => {
    await server.close();
  });

  /** The answer's text, and the statements it took. */
  const ask = async (query: string, token: string, variables: Record<string, unknown> = {}): Promise<{ text: string; data: any; statements: number }> => {
    let answer: { text: string; data: any } | undefined;
    const statements = await statementsOf(server, async () => {
      const response = await server.graphql(query, variables, token);
      expect(response.errors, response.text).to.equal(undefined);
      answer = { text: response.text, data: response.data };
    });
    return { ...answer!, statements };
  };

  it('when the same log page is asked for again and nothing changed, then the same answer comes back without the page being read again', async () => {
    await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(3)) });
    await server.processUploads();

    const first = await ask(LOG_PAGE, siteAdmin);
    const again = await ask(LOG_PAGE, siteAdmin);

    expect(first.data.uploadBatches.totalCount).to.equal(1);
    expect(first.statements).to.be.greaterThan(STATEMENTS_OF_A_KEPT_ANSWER);
    expect(again.text).to.equal(first.text);
    expect(again.statements).to.equal(STATEMENTS_OF_A_KEPT_ANSWER);
  });

  it('when a file is queued, rejected or processed and completed between two asks, then each ask shows the change at once', async () => {
    await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(3)) });
    await server.processUploads();
    const statusesOf = (answer: { data: any }): string[] => answer.data.uploadBatches.nodes.map((batch: { status: string }) => batch.status);
    expect(statusesOf(await ask(LOG_PAGE, siteAdmin))).to.deep.equal(['COMPLETED']);

    const { id } = await uploadFile(server, siteAdmin, {
      schoolSiteId: sites[PARTNER_HIGH],
      content: csvFile([...educatorRows(2, 10), anEducatorRow(12, { email: 'not-an-email' })]),
    });
    expect(statusesOf(await ask(LOG_PAGE, siteAdmin))).to.deep.equal(['QUEUED', 'COMPLETED']);
    expect((await ask(FAILURES_PAGE, siteAdmin, { id })).data.uploadBatch.failures.totalCount).to.equal(0);

    const rejected = await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: 'Name,Mail\r\nAna,ana@example.org\r\n' });
    expect(rejected.status).to.equal('REJECTED');
    expect(statusesOf(await ask(LOG_PAGE, siteAdmin))).to.deep.equal(['REJECTED', 'QUEUED', 'COMPLETED']);

    await server.processUploads();

    const completed = await ask(LOG_PAGE, siteAdmin);
    expect(
      completed.data.uploadBatches.nodes.map((batch: { status: string; recordsCreated: number; recordsFailed: number }) => [
        batch.status,
        batch.recordsCreated,
        batch.recordsFailed,
      ]),
    ).to.deep.equal([
      ['REJECTED', 0, 0],
      ['COMPLETED', 2, 1],
      ['COMPLETED', 3, 0],
    ]);
    const failures = await ask(FAILURES_PAGE, siteAdmin, { id });
    expect(failures.data.uploadBatch.failures.nodes.map((failure: { lineNumber: number; code: string }) => [failure.lineNumber, failure.code])).to.deep.equal([
      [4, 'INVALID_EMAIL'],
    ]);
  });

  it('when two people with different reach ask the same page, then each gets the answer for their own reach', async () => {
    await uploadFile(server, siteAdmin, { schoolSiteId: sites[PARTNER_HIGH], content: csvFile(educatorRows(1)) });
    await uploadFile(server, districtAdmin, { schoolSiteId: sites[MIDDLE_SCHOOL], content: csvFile(educatorRows(1, 50)) });

    for (let round = 1; round <= 2; round += 1) {
      const ofSite = await ask(LOG_PAGE, siteAdmin);
      const ofDistrict = await ask(LOG_PAGE, districtAdmin);
      expect(
        ofSite.data.uploadBatches.nodes.map((batch: { schoolSite: { name: string } }) => batch.schoolSite.name),
        `round ${round}`,
      ).to.deep.equal([PARTNER_HIGH]);
      expect(
        ofDistrict.data.uploadBatches.nodes.map((batch: { schoolSite: { name: string } }) => batch.schoolSite.name),
        `round ${round}`,
      ).to.deep.equal([MIDDLE_SCHOOL, PARTNER_HIGH]);
    }
  });

  it('when the viewer loses the Site Admin role after an answer was kept, then the next ask is refused instead of answered from memory', async () => {
    await ask(LOG_PAGE, siteAdmin);
    await server.application.dataSource.query("UPDATE educator_account SET role_code = 'EDUCATOR' WHERE email_normalized = ?", [server.demo.siteAdminEmail]);

    const response = await server.graphql(LOG_PAGE, {}, siteAdmin);

    expect(response.errors?.map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
  });

  it('when a page also asks for something the log counter does not follow (a Site Admin count), then it is read afresh every time', async () => {
    const query = `query { uploadBatches(first: 5) { totalCount } schoolSites { id name siteAdminCount } }`;
    const before = await ask(query, districtAdmin);
    const created = await server.graphql(
      'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }',
      {
        input: {
          firstName: 'New',
          lastName: 'Admin',
          email: 'new.admin@partner-high.example.org',
          roleCode: 'SITE_ADMIN',
          schoolSiteIds: [sites[PARTNER_HIGH]],
          agreementAccepted: true,
        },
      },
      districtAdmin,
    );
    expect(created.data.createEducatorAccount.userErrors).to.deep.equal([]);

    const after = await ask(query, districtAdmin);

    const countAt = (answer: { data: any }): number => answer.data.schoolSites.find((site: { name: string }) => site.name === PARTNER_HIGH).siteAdminCount;
    expect(countAt(after)).to.equal(countAt(before) + 1);
    expect(after.statements).to.be.greaterThan(STATEMENTS_OF_A_KEPT_ANSWER);
  });
});
