import { expect } from 'chai';
import { anEducatorRow, csvFile } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }`;
const LIST = `query($site: ID, $status: AccountStatus, $roleCode: RoleCode, $search: String, $sort: AccountSortInput, $first: Int, $after: String) {
  educatorAccounts(schoolSiteId: $site, status: $status, roleCode: $roleCode, search: $search, sort: $sort, first: $first, after: $after) {
    nodes { email status }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;
const SITES = '{ schoolSites { id name } }';

type Connection = { nodes: { email: string; status: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number };

describeOnEachDatabase('educatorAccounts filters, search and sort through HTTP', (database) => {
  let server: TestServer;
  let adminToken: string;
  let site: { partner: string; middle: string };

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    adminToken = await server.signIn(server.demo.districtAdminEmail);
    const sites = (await server.graphql(SITES, {}, adminToken)).data.schoolSites as { id: string; name: string }[];
    site = { partner: sites.find((s) => s.name === 'Demo Partner High')!.id, middle: sites.find((s) => s.name === 'Demo Middle School')!.id };
  });
  after(async () => {
    await server?.close();
  });

  const create = async (firstName: string, lastName: string, email: string, schoolSiteId: string, roleCode = 'EDUCATOR') => {
    const response = await server.graphql(
      CREATE,
      { input: { firstName, lastName, email, roleCode, schoolSiteIds: [schoolSiteId], agreementAccepted: true } },
      adminToken,
    );
    expect(response.data?.createEducatorAccount?.userErrors, response.text).to.deep.equal([]);
  };

  const list = async (variables: Record<string, unknown>, token = adminToken): Promise<Connection> => {
    const response = await server.graphql(LIST, variables, token);
    expect(response.errors, response.text).to.equal(undefined);
    return response.data.educatorAccounts as Connection;
  };

  const emails = (connection: Connection) => connection.nodes.map((node) => node.email);

  it('when the District Admin searches without a site, then accounts of every site whose first name, last name or email starts with the text come, ignoring case', async () => {
    await create('Ada', 'Lovelace', 'countess@example.org', site.middle);
    await create('Lovisa', 'Berg', 'lberg@example.org', site.partner);
    await create('Grace', 'Hopper', 'love.grace@example.org', site.partner);
    await create('Glove', 'Maker', 'gmaker@example.org', site.middle);

    const found = await list({ search: 'LOV' });

    expect(emails(found)).to.deep.equal(['countess@example.org', 'lberg@example.org', 'love.grace@example.org']);
    expect(found.totalCount).to.equal(3);
  });

  it('when the search holds % or _, then they match only themselves', async () => {
    await create('Ada', 'Lovelace', 'ada@example.org', site.middle);
    await create('Bea', 'Smith', 'b_smith@example.org', site.middle);

    expect(emails(await list({ search: '%' }))).to.deep.equal([]);
    expect(emails(await list({ search: 'b_' }))).to.deep.equal(['b_smith@example.org']);
  });

  it('when sorted by name and walked two at a time, then pages follow last name then first name, and DESC reverses them', async () => {
    await create('Zoe', 'Adams', 'zoe@example.org', site.middle);
    await create('Amy', 'Carter', 'amy@example.org', site.middle);
    await create('Bob', 'Adams', 'bob@example.org', site.middle);
    await create('Cy', 'Baker', 'cy@example.org', site.middle);
    await create('Al', 'adams', 'al@example.org', site.middle);

    const walk = async (direction: string) => {
      const seen: string[][] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 10; guard += 1) {
        const page = await list({ site: site.middle, sort: { field: 'NAME', direction }, first: 2, after });
        seen.push(emails(page));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      return seen;
    };

    expect(await walk('ASC')).to.deep.equal([['al@example.org', 'bob@example.org'], ['zoe@example.org', 'cy@example.org'], ['amy@example.org']]);
    expect(await walk('DESC')).to.deep.equal([['amy@example.org', 'cy@example.org'], ['zoe@example.org', 'bob@example.org'], ['al@example.org']]);
  });

  it('when sorted by email descending, then the emails come in reverse order', async () => {
    await create('Ann', 'One', 'b@example.org', site.middle);
    await create('Ann', 'Two', 'c@example.org', site.middle);
    await create('Ann', 'Three', 'a@example.org', site.middle);

    expect(emails(await list({ site: site.middle, sort: { field: 'EMAIL', direction: 'DESC' } }))).to.deep.equal([
      'c@example.org',
      'b@example.org',
      'a@example.org',
    ]);
  });

  it('when filtered by status and role, then only expired, pending or active accounts of that role come, counted', async () => {
    await create('Old', 'Invite', 'old@example.org', site.middle);
    server.clock.advanceDays(61);
    adminToken = await server.signIn(server.demo.districtAdminEmail);
    await create('New', 'Invite', 'new@example.org', site.middle, 'COUNSELOR');

    const expired = await list({ status: 'EXPIRED' });
    const pending = await list({ status: 'PENDING_REGISTRATION' });
    const active = await list({ status: 'ACTIVE' });
    const counselors = await list({ roleCode: 'COUNSELOR' });
    const activeSiteAdmins = await list({ status: 'ACTIVE', roleCode: 'SITE_ADMIN' });

    expect([emails(expired), expired.totalCount]).to.deep.equal([['old@example.org'], 1]);
    expect(emails(pending)).to.deep.equal(['new@example.org']);
    expect(emails(active)).to.deep.equal([server.demo.districtAdminEmail, server.demo.siteAdminEmail]);
    expect(emails(counselors)).to.deep.equal(['new@example.org']);
    expect(emails(activeSiteAdmins)).to.deep.equal([server.demo.siteAdminEmail]);
  });

  it('when accounts come from an upload, then they are found by name and sorted by name like those created one by one', async () => {
    await create('Ada', 'Zed', 'single@example.org', site.partner);
    const uploaded = await server.upload(adminToken, {
      schoolSiteId: site.partner,
      content: csvFile([anEducatorRow(1, { firstName: 'Adele', lastName: 'Young' }), anEducatorRow(2, { firstName: 'Bert', lastName: 'Xu' })]),
      select: 'id',
    });
    expect(uploaded.data?.uploadEducatorAccounts?.userErrors, uploaded.text).to.deep.equal([]);
    await server.processUploads();

    expect(emails(await list({ search: 'ad' }))).to.deep.equal(['single@example.org', 'educator1@partner-high.example.org']);
    expect(emails(await list({ site: site.partner, search: 'x' }))).to.deep.equal(['educator2@partner-high.example.org']);
  });

  it('when a Site Admin lists without a site, then only accounts of their own site come', async () => {
    await create('Mid', 'Dle', 'middle@example.org', site.middle);
    await create('Part', 'Ner', 'partner@example.org', site.partner);

    const seen = await list({}, await server.signIn(server.demo.siteAdminEmail));

    expect([emails(seen), seen.totalCount]).to.deep.equal([[server.demo.siteAdminEmail, 'partner@example.org'], 2]);
  });

  it('when the District Admin lists without a site, then the whole district comes, District Admin included', async () => {
    await create('Mid', 'Dle', 'middle@example.org', site.middle);

    expect(emails(await list({}))).to.deep.equal([server.demo.districtAdminEmail, server.demo.siteAdminEmail, 'middle@example.org']);
  });
});
