import { expect } from 'chai';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }`;
const RECREATE = `mutation($id: ID!) {
  recreateEducatorAccount(input: { accountId: $id }) { account { email status registrationDeadline } userErrors { code } }
}`;
const RECREATE_SITE = `mutation($site: ID!) { recreateExpiredAccounts(input: { schoolSiteId: $site }) { recreatedCount userErrors { code message } } }`;
const STATUSES = `query($site: ID) { educatorAccounts(schoolSiteId: $site, sort: { field: EMAIL, direction: ASC }) { nodes { email status } } }`;
const SITES = '{ schoolSites { id name } }';
const DAY_MS = 24 * 60 * 60 * 1000;

describeOnEachDatabase('recreateEducatorAccount and recreateExpiredAccounts through HTTP', (database) => {
  let server: TestServer;
  let adminToken: string;
  let site: { partner: string; middle: string };

  before(async () => {
    server = await startTestServer(database, { maxBulkRowsPerAdminPerDay: 3 });
  });
  beforeEach(async () => {
    await server.reset();
    for (const file of readdirSync(server.outboxDir)) rmSync(join(server.outboxDir, file));
    adminToken = await server.signIn(server.demo.districtAdminEmail);
    const sites = (await server.graphql(SITES, {}, adminToken)).data.schoolSites as { id: string; name: string }[];
    site = { partner: sites.find((s) => s.name === 'Demo Partner High')!.id, middle: sites.find((s) => s.name === 'Demo Middle School')!.id };
  });
  after(async () => {
    await server?.close();
  });

  const create = async (email: string, schoolSiteId = site.middle) => {
    const response = await server.graphql(
      CREATE,
      { input: { firstName: 'Ada', lastName: 'Lovelace', email, roleCode: 'EDUCATOR', schoolSiteIds: [schoolSiteId], agreementAccepted: true } },
      adminToken,
    );
    expect(response.data?.createEducatorAccount?.userErrors, response.text).to.deep.equal([]);
    return response.data.createEducatorAccount.account.id as string;
  };
  const expireAll = async () => {
    server.clock.advanceDays(61);
    adminToken = await server.signIn(server.demo.districtAdminEmail);
  };
  const codeIn = (eml: string) => /Registration code: (\S+)/.exec(eml)![1];
  const statuses = async (schoolSiteId: string) =>
    Object.fromEntries(
      ((await server.graphql(STATUSES, { site: schoolSiteId }, adminToken)).data.educatorAccounts.nodes as { email: string; status: string }[]).map((node) => [
        node.email,
        node.status,
      ]),
    );
  const audited = async (action: string) =>
    (
      await server.application.dataSource.query<{ outcome: string; detail: string | null }[]>(
        'SELECT outcome, detail FROM audit_event WHERE action = ? ORDER BY id',
        [action],
      )
    ).map((row) => [row.outcome, row.detail]);

  it('when an expired account is recreated, then it is pending with a new 60-day deadline and a new invitation with a new code', async () => {
    const id = await create('ada@example.org');
    const firstCode = codeIn((await server.deliveredEmails())[0]);
    await expireAll();

    const payload = (await server.graphql(RECREATE, { id }, adminToken)).data.recreateEducatorAccount;

    expect(payload.userErrors).to.deep.equal([]);
    expect(payload.account.status).to.equal('PENDING_REGISTRATION');
    const daysLeft = (new Date(payload.account.registrationDeadline).getTime() - server.clock.now().getTime()) / DAY_MS;
    expect(Math.round(daysLeft)).to.equal(60);
    const emails = await server.deliveredEmails();
    expect(emails).to.have.length(1);
    expect(codeIn(emails[0])).to.not.equal(firstCode);
    expect(await audited('ACCOUNT_RECREATED')).to.deep.equal([['SUCCEEDED', null]]);
  });

  it('when the account is still pending, then NOT_EXPIRED, nothing is sent and the refusal is recorded', async () => {
    const id = await create('ada@example.org');
    await server.deliveredEmails();

    const payload = (await server.graphql(RECREATE, { id }, adminToken)).data.recreateEducatorAccount;

    expect(payload.userErrors).to.deep.equal([{ code: 'NOT_EXPIRED' }]);
    expect(await server.deliveredEmails()).to.deep.equal([]);
    expect(await audited('ACCOUNT_RECREATED')).to.deep.equal([['NOT_EXPIRED', null]]);
  });

  it("when a site's expired accounts are recreated, then only that site's expired ones are, counted, each with an invitation", async () => {
    await create('one@example.org');
    await create('two@example.org');
    await create('partner@example.org', site.partner);
    await expireAll();
    await create('fresh@example.org');
    await server.deliveredEmails();

    const payload = (await server.graphql(RECREATE_SITE, { site: site.middle }, adminToken)).data.recreateExpiredAccounts;

    expect(payload).to.deep.equal({ recreatedCount: 2, userErrors: [] });
    expect(await statuses(site.middle)).to.deep.equal({
      'fresh@example.org': 'PENDING_REGISTRATION',
      'one@example.org': 'PENDING_REGISTRATION',
      'two@example.org': 'PENDING_REGISTRATION',
    });
    expect((await statuses(site.partner))['partner@example.org']).to.equal('EXPIRED');
    const sentTo = (await server.deliveredEmails()).map((eml) => /^To: (\S+)/m.exec(eml)![1]).sort();
    expect(sentTo).to.deep.equal(['one@example.org', 'two@example.org']);
    expect(await audited('EXPIRED_ACCOUNTS_RECREATED')).to.deep.equal([['SUCCEEDED', '2 accounts recreated']]);
  });

  it("when the site's expired accounts exceed the admin's daily bulk allowance, then INVITATION_LIMIT_REACHED and none is recreated", async () => {
    for (const name of ['a', 'b', 'c', 'd']) await create(`${name}@example.org`);
    await expireAll();

    const payload = (await server.graphql(RECREATE_SITE, { site: site.middle }, adminToken)).data.recreateExpiredAccounts;

    expect(payload.recreatedCount).to.equal(0);
    expect(payload.userErrors.map((error: { code: string }) => error.code)).to.deep.equal(['INVITATION_LIMIT_REACHED']);
    expect(Object.values(await statuses(site.middle))).to.deep.equal(['EXPIRED', 'EXPIRED', 'EXPIRED', 'EXPIRED']);
  });

  it('when a Site Admin recreates the expired accounts of another site, then FORBIDDEN', async () => {
    await create('one@example.org');
    await expireAll();

    const answer = await server.graphql(RECREATE_SITE, { site: site.middle }, await server.signIn(server.demo.siteAdminEmail));

    expect(answer.errors?.map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
    expect(await statuses(site.middle)).to.deep.equal({ 'one@example.org': 'EXPIRED' });
  });
});
