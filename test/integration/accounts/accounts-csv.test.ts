import { expect } from 'chai';
import { parseCsv } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { download } from '../uploads/upload-kit';

const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }`;
const SITES = '{ schoolSites { id name } }';

describeOnEachDatabase('GET /accounts.csv', (database) => {
  let server: TestServer;
  let adminToken: string;
  let middle: string;

  before(async () => {
    server = await startTestServer(database, { maxInvitationsPerAdminPerHour: 1000 });
  });
  beforeEach(async () => {
    await server.reset();
    adminToken = await server.signIn(server.demo.districtAdminEmail);
    middle = ((await server.graphql(SITES, {}, adminToken)).data.schoolSites as { id: string; name: string }[]).find(
      (s) => s.name === 'Demo Middle School',
    )!.id;
  });
  after(async () => {
    await server?.close();
  });

  const create = async (firstName: string, lastName: string, email: string) => {
    const response = await server.graphql(
      CREATE,
      { input: { firstName, lastName, email, roleCode: 'EDUCATOR', schoolSiteIds: [middle], agreementAccepted: true } },
      adminToken,
    );
    expect(response.data.createEducatorAccount.userErrors, response.text).to.deep.equal([]);
  };

  it('when the filtered list is downloaded, then every matching account comes across pages, formula-safe, in the sort asked for', async () => {
    for (let index = 0; index < 501; index += 1) await create('Pat', `Person${String(index).padStart(3, '0')}`, `pat${index}@example.org`);
    await create('=HYPERLINK("x")', 'Sneaky', 'sneaky@example.org');

    const file = await download(server, `/accounts.csv?schoolSiteId=${middle}&search=pat&sort=NAME&direction=DESC`, adminToken);
    const sneaky = await download(server, '/accounts.csv?search=sneaky', adminToken);

    expect(file.status).to.equal(200);
    expect(file.headers.get('content-disposition')).to.contain('educator-accounts.csv');
    const rows = parseCsv(file.text.slice(1));
    expect(rows[0]).to.deep.equal(['First Name', 'Last Name', 'Email', 'Role', 'School Sites', 'Status', 'Registration Deadline', 'Created At']);
    expect(rows).to.have.length(502);
    expect([rows[1][1], rows[501][1]]).to.deep.equal(['Person500', 'Person000']);
    expect(rows[1].slice(3, 6)).to.deep.equal(['Educator', 'Demo Middle School', 'PENDING_REGISTRATION']);
    expect(parseCsv(sneaky.text.slice(1))[1][0]).to.equal('\'=HYPERLINK("x")');
  });

  it('when a filter names no allowed value, then 400; signed out, 401; a Site Admin asking for another site, 404', async () => {
    const siteAdmin = await server.signIn(server.demo.siteAdminEmail);

    expect((await download(server, '/accounts.csv?status=LOST', adminToken)).status).to.equal(400);
    expect((await download(server, '/accounts.csv')).status).to.equal(401);
    expect((await download(server, `/accounts.csv?schoolSiteId=${middle}`, siteAdmin)).status).to.equal(404);
  });
});
