import { expect } from 'chai';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

const CREATE = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }`;
const UPDATE = `mutation($input: UpdateEducatorAccountInput!) {
  updateEducatorAccount(input: $input) {
    account { firstName lastName email status role { code } schoolSites { name } }
    warnings { code message }
    userErrors { code field message }
  }
}`;
const REGISTER = `mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { account { email status } userErrors { code } } }`;
const SITES = '{ schoolSites { id name } }';

interface Row {
  email: string;
  first_name: string;
  last_name: string;
  role_code: string;
  created_at: number | string;
  registration_deadline: number | string;
}

describeOnEachDatabase('updateEducatorAccount through HTTP', (database) => {
  let server: TestServer;
  let adminToken: string;
  let site: { partner: string; middle: string };

  before(async () => {
    server = await startTestServer(database, { maxInvitationsPerAdminPerHour: 4 });
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

  const create = async (email: string, schoolSiteId = site.partner, roleCode = 'EDUCATOR') => {
    const response = await server.graphql(
      CREATE,
      { input: { firstName: 'Ada', lastName: 'Lovelace', email, roleCode, schoolSiteIds: [schoolSiteId], agreementAccepted: true } },
      adminToken,
    );
    expect(response.data?.createEducatorAccount?.userErrors, response.text).to.deep.equal([]);
    return response.data.createEducatorAccount.account.id as string;
  };
  const update = async (input: Record<string, unknown>, token = adminToken) => server.graphql(UPDATE, { input }, token);
  const payloadOf = async (input: Record<string, unknown>, token = adminToken) => {
    const answer = await update(input, token);
    expect(answer.errors, answer.text).to.equal(undefined);
    return answer.data.updateEducatorAccount;
  };
  const codesOf = (payload: { userErrors: { code: string }[] }) => payload.userErrors.map((error) => error.code);
  const rowOf = async (id: string): Promise<Row> => {
    const rows = await server.application.dataSource.query<Row[]>(
      'SELECT email, first_name, last_name, role_code, created_at, registration_deadline FROM educator_account WHERE id = ?',
      [server.application.publicIds.decode('account', id)],
    );
    return rows[0];
  };
  const sitesOf = async (id: string) =>
    (
      await server.application.dataSource.query<{ name: string }[]>(
        'SELECT s.name FROM educator_account_site m JOIN school_site s ON s.id = m.school_site_id WHERE m.account_id = ? ORDER BY s.name',
        [server.application.publicIds.decode('account', id)],
      )
    ).map((row) => row.name);
  const audited = async () =>
    server.application.dataSource.query<{ outcome: string; detail: string | null }[]>(
      "SELECT outcome, detail FROM audit_event WHERE action = 'ACCOUNT_UPDATED' ORDER BY id",
    );
  const codeIn = (eml: string) => /Registration code: (\S+)/.exec(eml)![1];
  const register = async (email: string, registrationCode: string) =>
    (await server.graphql(REGISTER, { input: { email, registrationCode, password: 'a long enough password', educationalInterestAccepted: true } })).data
      .registerAccount;

  it("when a pending account's email is corrected, then the row holds it, a new invitation with a new code goes to it, and the old code is refused", async () => {
    const id = await create('ada@typo.example.org');
    const [first] = await server.deliveredEmails();
    const before = await rowOf(id);
    server.clock.advanceDays(1);
    adminToken = await server.signIn(server.demo.districtAdminEmail);

    const payload = await payloadOf({ accountId: id, email: ' Ada@Example.org ' });

    expect(payload).to.deep.equal({
      account: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'Ada@Example.org',
        status: 'PENDING_REGISTRATION',
        role: { code: 'EDUCATOR' },
        schoolSites: [{ name: 'Demo Partner High' }],
      },
      warnings: [],
      userErrors: [],
    });
    const after = await rowOf(id);
    expect(after.email).to.equal('Ada@Example.org');
    expect(Number(after.created_at)).to.be.greaterThan(Number(before.created_at));
    expect(Number(after.registration_deadline) - Number(before.registration_deadline), 'a fresh 60-day deadline').to.be.closeTo(24 * 60 * 60 * 1000, 60_000);
    const delivered = await server.deliveredEmails();
    expect(delivered).to.have.length(1);
    expect(/^To: (\S+)$/m.exec(delivered[0])?.[1].toLowerCase(), 'the mailer lowercases the domain').to.equal('ada@example.org');
    expect(codeIn(delivered[0])).to.not.equal(codeIn(first));
    expect(codesOf(await register('ada@example.org', codeIn(first)))).to.deep.equal(['INVALID_CODE']);
    expect(await register('ada@example.org', codeIn(delivered[0]))).to.deep.equal({ account: { email: 'Ada@Example.org', status: 'ACTIVE' }, userErrors: [] });
    expect(await audited()).to.deep.equal([{ outcome: 'SUCCEEDED', detail: 'Changed: email' }]);
  });

  it('when the email is corrected before the first invitation went out, then only the new address is sent one', async () => {
    const id = await create('ada@typo.example.org');

    await payloadOf({ accountId: id, email: 'ada@example.org' });

    const delivered = await server.deliveredEmails();
    expect(delivered.map((eml) => /^To: (\S+)$/m.exec(eml)![1])).to.deep.equal(['ada@example.org']);
  });

  it("when an expired account's email is corrected, then it is waiting for registration again, with a new invitation", async () => {
    const id = await create('ada@typo.example.org');
    await server.deliveredEmails();
    server.clock.advanceDays(61);
    adminToken = await server.signIn(server.demo.districtAdminEmail);

    const payload = await payloadOf({ accountId: id, email: 'ada@example.org' });

    expect(payload.account).to.include({ email: 'ada@example.org', status: 'PENDING_REGISTRATION' });
    expect(await server.deliveredEmails()).to.have.length(1);
  });

  it('when the new email is already taken (in other letters), then EMAIL_TAKEN, nothing is written and nothing is sent', async () => {
    const id = await create('ada@example.org');
    await create('grace@example.org');
    await server.deliveredEmails();

    const payload = await payloadOf({ accountId: id, email: 'GRACE@example.org', firstName: 'Adeline' });

    expect(payload.userErrors).to.deep.equal([{ code: 'EMAIL_TAKEN', field: ['email'], message: 'Email has already been taken.' }]);
    expect(await rowOf(id)).to.include({ email: 'ada@example.org', first_name: 'Ada' });
    expect(await server.deliveredEmails()).to.deep.equal([]);
    expect((await audited()).map((row) => row.outcome)).to.deep.equal(['EMAIL_TAKEN']);
  });

  it("when a registered account's name is corrected, then it is saved; its email is EMAIL_LOCKED_AFTER_REGISTRATION", async () => {
    const id = await create('ada@example.org');
    await register('ada@example.org', codeIn((await server.deliveredEmails())[0]));

    const renamed = await payloadOf({ accountId: id, firstName: ' Augusta ', lastName: 'King' });
    const moved = await payloadOf({ accountId: id, email: 'augusta@example.org' });

    expect(renamed.account).to.include({ firstName: 'Augusta', lastName: 'King', status: 'ACTIVE' });
    expect(codesOf(moved)).to.deep.equal(['EMAIL_LOCKED_AFTER_REGISTRATION']);
    expect(await rowOf(id)).to.include({ email: 'ada@example.org', first_name: 'Augusta', last_name: 'King' });
    expect(await server.deliveredEmails()).to.deep.equal([]);
  });

  it('when a name is invalid, then INVALID_NAME beside it, as at creation', async () => {
    const id = await create('ada@example.org');

    const payload = await payloadOf({ accountId: id, lastName: 'see www.example.com' });

    expect(payload.userErrors.map((error: { code: string; field: string[] }) => [error.code, error.field])).to.deep.equal([['INVALID_NAME', ['lastName']]]);
    expect(await rowOf(id)).to.include({ last_name: 'Lovelace' });
  });

  it('when a District Admin makes an Educator a Multi-Site Counselor, then two sites are needed (INVALID_SITES), and with two both are stored', async () => {
    const id = await create('ada@example.org');

    const oneSite = await payloadOf({ accountId: id, roleCode: 'MULTI_SITE_COUNSELOR' });
    const twoSites = await payloadOf({ accountId: id, roleCode: 'MULTI_SITE_COUNSELOR', schoolSiteIds: [site.partner, site.middle] });

    expect(codesOf(oneSite)).to.deep.equal(['INVALID_SITES']);
    expect(twoSites.userErrors).to.deep.equal([]);
    expect(twoSites.account.role).to.deep.equal({ code: 'MULTI_SITE_COUNSELOR' });
    expect(await rowOf(id)).to.include({ role_code: 'MULTI_SITE_COUNSELOR' });
    expect(await sitesOf(id)).to.deep.equal(['Demo Middle School', 'Demo Partner High']);
    expect(await server.deliveredEmails(), 'only the creation invitation').to.have.length(1);
  });

  it("when a Site Admin grants District Admin, then ROLE_NOT_ALLOWED; moving to a site not theirs or reaching another site's account is FORBIDDEN like an unknown id", async () => {
    const own = await create('ada@example.org');
    const elsewhere = await create('grace@example.org', site.middle);
    const siteAdmin = await server.signIn(server.demo.siteAdminEmail);

    const grant = await payloadOf({ accountId: own, roleCode: 'DISTRICT_ADMIN', schoolSiteIds: [] }, siteAdmin);
    const move = await update({ accountId: own, schoolSiteIds: [site.middle] }, siteAdmin);
    const reach = await update({ accountId: elsewhere, firstName: 'Grace' }, siteAdmin);
    const unknown = await update({ accountId: server.application.publicIds.encode('account', 987_654), firstName: 'Grace' }, siteAdmin);

    expect(codesOf(grant)).to.deep.equal(['ROLE_NOT_ALLOWED']);
    expect(move.errors?.map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
    expect(reach.errors?.map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
    expect(reach.text).to.equal(unknown.text);
    expect(await sitesOf(own)).to.deep.equal(['Demo Partner High']);
    expect(await rowOf(own)).to.include({ role_code: 'EDUCATOR' });
    expect((await audited()).map((row) => row.outcome)).to.deep.equal(['ROLE_NOT_ALLOWED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  });

  it('when an admin changes their own role, then CANNOT_CHANGE_OWN_ROLE; their own name they may correct', async () => {
    const [me] = await server.application.dataSource.query<{ id: number }[]>('SELECT id FROM educator_account WHERE email_normalized = ?', [
      server.demo.siteAdminEmail,
    ]);
    const siteAdmin = await server.signIn(server.demo.siteAdminEmail);
    const myId = server.application.publicIds.encode('account', Number(me.id));

    const role = await payloadOf({ accountId: myId, roleCode: 'EDUCATOR' }, siteAdmin);
    const name = await payloadOf({ accountId: myId, lastName: 'Sitewell' }, siteAdmin);

    expect(role.userErrors.map((error: { code: string; field: string[] }) => [error.code, error.field])).to.deep.equal([
      ['CANNOT_CHANGE_OWN_ROLE', ['roleCode']],
    ]);
    expect(name.account).to.include({ lastName: 'Sitewell' });
    expect(await rowOf(myId)).to.include({ role_code: 'SITE_ADMIN', last_name: 'Sitewell' });
  });

  it('when a third Site Admin arrives at a site, then it is saved with the 1–2 Site Admins per site warning, as at creation', async () => {
    await create('second@example.org', site.partner, 'SITE_ADMIN');
    const id = await create('ada@example.org');

    const payload = await payloadOf({ accountId: id, roleCode: 'SITE_ADMIN' });

    expect(payload.userErrors).to.deep.equal([]);
    expect(payload.warnings.map((warning: { code: string }) => warning.code)).to.deep.equal(['SITE_ADMIN_RECOMMENDATION']);
    expect(payload.warnings[0].message).to.include('Demo Partner High now has 3 Site Admins');
  });
});
