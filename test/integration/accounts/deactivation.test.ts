import { expect } from 'chai';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeOnEachDatabase } from '../../support/databases';
import { readableEmail } from '../../support/emails';
import { startTestServer, type Credential, type TestServer } from '../../support/test-server';

const DEACTIVATE = `mutation($input: DeactivateEducatorAccountInput!) {
  deactivateEducatorAccount(input: $input) { account { id email status } userErrors { code field message } }
}`;
const REACTIVATE = `mutation($input: ReactivateEducatorAccountInput!) {
  reactivateEducatorAccount(input: $input) { account { id email status } userErrors { code field message } }
}`;
const CREATE = `mutation($input: CreateEducatorAccountInput!) {
  createEducatorAccount(input: $input) { account { id email status } userErrors { code } }
}`;
const REGISTER = `mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { account { status } userErrors { code } } }`;
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code message } } }`;
const START_SESSION = `mutation($input: SignInInput!) { startSession(input: $input) { account { email } userErrors { code message } } }`;
const ME = '{ me { id email status } }';
const PASSWORD = 'a sentence is a good password';

describeOnEachDatabase('Deactivating and reactivating accounts through HTTP', (database) => {
  let server: TestServer;
  let districtAdmin: string;
  let partnerHigh: string;
  let middleSchool: string;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    for (const file of readdirSync(server.outboxDir)) rmSync(join(server.outboxDir, file));
    districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    const sites = (await server.graphql('{ schoolSites { id name } }', {}, districtAdmin)).data.schoolSites as { id: string; name: string }[];
    partnerHigh = sites.find((site) => site.name === 'Demo Partner High')!.id;
    middleSchool = sites.find((site) => site.name === 'Demo Middle School')!.id;
  });
  after(async () => {
    await server?.close();
  });

  const sql = (query: string, parameters: unknown[] = []) => server.application.dataSource.query(query, parameters);
  const idOf = async (credential: Credential): Promise<string> => (await server.graphql(ME, {}, credential)).data.me.id;
  const deactivate = (accountId: string, credential: Credential = districtAdmin) => server.graphql(DEACTIVATE, { input: { accountId } }, credential);
  const reactivate = (accountId: string, credential: Credential = districtAdmin) => server.graphql(REACTIVATE, { input: { accountId } }, credential);
  const signIn = async (username: string, password = server.demo.password) => (await server.graphql(SIGN_IN, { input: { username, password } })).data.signIn;
  const auditOf = (action: string): Promise<Record<string, unknown>[]> =>
    sql('SELECT outcome, actor_account_id, target_account_id, district_id, school_site_id, client_address FROM audit_event WHERE action = ? ORDER BY id', [
      action,
    ]);
  const createEducator = async (email: string, site = partnerHigh) => {
    const created = await server.graphql(
      CREATE,
      { input: { firstName: 'Ana', lastName: 'López', email, roleCode: 'EDUCATOR', schoolSiteIds: [site], agreementAccepted: true } },
      districtAdmin,
    );
    expect(created.data.createEducatorAccount.userErrors, created.text).to.deep.equal([]);
    return created.data.createEducatorAccount.account as { id: string; email: string; status: string };
  };
  const codeFor = async (email: string): Promise<string> => {
    const invitation = (await server.deliveredEmails()).map(readableEmail).find((eml) => eml.includes(email))!;
    return /^Registration code: ([A-Z0-9-]+)$/m.exec(invitation)![1];
  };

  it('when the District Admin deactivates a signed-in Site Admin, then their bearer token and browser session stop at once and signing in answers as for a wrong password', async () => {
    const token = await server.signIn(server.demo.siteAdminEmail);
    const { session } = await server.startSession(server.demo.siteAdminEmail);
    const siteAdminId = await idOf(token);

    const before = server.clock.now().getTime();
    const answer = await deactivate(siteAdminId);

    expect(answer.data.deactivateEducatorAccount, answer.text).to.deep.equal({
      account: { id: siteAdminId, email: server.demo.siteAdminEmail, status: 'DEACTIVATED' },
      userErrors: [],
    });
    const [row] = await sql('SELECT deactivated_at FROM educator_account WHERE email_normalized = ?', [server.demo.siteAdminEmail]);
    expect(Number(row.deactivated_at)).to.be.within(before, server.clock.now().getTime());
    for (const credential of [token, { session }]) {
      const me = await server.graphql(ME, {}, credential);
      expect(
        me.errors?.map((error) => error.extensions?.code),
        me.text,
      ).to.deep.equal(['UNAUTHENTICATED']);
    }
    const refused = await signIn(server.demo.siteAdminEmail);
    const wrongPassword = await signIn(server.demo.districtAdminEmail, 'not the password at all');
    expect(refused).to.deep.equal({ token: null, userErrors: wrongPassword.userErrors });
    expect(refused.userErrors.map((error: { code: string }) => error.code)).to.deep.equal(['INVALID_CREDENTIALS']);
    const sessionRefused = await server.graphql(START_SESSION, { input: { username: server.demo.siteAdminEmail, password: server.demo.password } });
    expect(sessionRefused.data.startSession.userErrors.map((error: { code: string }) => error.code)).to.deep.equal(['INVALID_CREDENTIALS']);
    const audit = await auditOf('ACCOUNT_DEACTIVATED');
    expect(audit).to.have.length(1);
    expect(audit[0]).to.deep.include({ outcome: 'SUCCEEDED' });
    expect(Number(audit[0].district_id)).to.equal(server.demo.districtId);
    expect(audit[0].school_site_id).to.not.equal(null);
    expect(audit[0].client_address).to.match(/\S/);
  });

  it('when a deactivated registered account is reactivated, then it is ACTIVE again and signs in with its old password', async () => {
    const siteAdminId = await idOf(await server.signIn(server.demo.siteAdminEmail));
    await deactivate(siteAdminId);

    const answer = await reactivate(siteAdminId);

    expect(answer.data.reactivateEducatorAccount, answer.text).to.deep.equal({
      account: { id: siteAdminId, email: server.demo.siteAdminEmail, status: 'ACTIVE' },
      userErrors: [],
    });
    const [row] = await sql('SELECT deactivated_at FROM educator_account WHERE email_normalized = ?', [server.demo.siteAdminEmail]);
    expect(row.deactivated_at).to.equal(null);
    const token = (await signIn(server.demo.siteAdminEmail)).token;
    expect((await server.graphql(ME, {}, token)).data.me.status).to.equal('ACTIVE');
    expect((await auditOf('ACCOUNT_REACTIVATED')).map((event) => event.outcome)).to.deep.equal(['SUCCEEDED']);
  });

  it('when a deactivated account is reactivated, then the token and browser session it had before stay ended; a new sign-in works', async () => {
    const token = await server.signIn(server.demo.siteAdminEmail);
    const { session } = await server.startSession(server.demo.siteAdminEmail);
    const siteAdminId = await idOf(token);
    await deactivate(siteAdminId);
    const sessionsLeft = await sql(
      'SELECT COUNT(*) AS n FROM browser_session WHERE account_id = (SELECT id FROM educator_account WHERE email_normalized = ?)',
      [server.demo.siteAdminEmail],
    );

    await reactivate(siteAdminId);

    expect(Number(sessionsLeft[0].n)).to.equal(0);
    for (const credential of [token, { session }]) {
      const me = await server.graphql(ME, {}, credential);
      expect(
        me.errors?.map((error) => error.extensions?.code),
        me.text,
      ).to.deep.equal(['UNAUTHENTICATED']);
    }
    expect((await server.graphql(ME, {}, await server.signIn(server.demo.siteAdminEmail))).data.me.status).to.equal('ACTIVE');
  });

  it('when a pending account is deactivated, then its registration code stops working and its email stays taken, even past its deadline', async () => {
    const account = await createEducator('ana.lopez@example.org');
    const code = await codeFor(account.email);
    await deactivate(account.id);

    const registered = await server.graphql(REGISTER, {
      input: { email: account.email, registrationCode: code, password: PASSWORD, educationalInterestAccepted: true },
    });
    expect(registered.data.registerAccount).to.deep.equal({ account: null, userErrors: [{ code: 'INVALID_CODE' }] });

    server.clock.advanceDays(61);
    districtAdmin = await server.signIn(server.demo.districtAdminEmail);
    const again = await server.graphql(
      CREATE,
      { input: { firstName: 'Other', lastName: 'Person', email: account.email, roleCode: 'EDUCATOR', schoolSiteIds: [partnerHigh], agreementAccepted: true } },
      districtAdmin,
    );
    expect(again.data.createEducatorAccount.userErrors).to.deep.equal([{ code: 'EMAIL_TAKEN' }]);
    const [row] = await sql('SELECT first_name, registered_at FROM educator_account WHERE email_normalized = ?', [account.email]);
    expect(row).to.deep.equal({ first_name: 'Ana', registered_at: null });

    const reactivated = await reactivate(account.id);
    expect(reactivated.data.reactivateEducatorAccount.account.status).to.equal('EXPIRED');
  });

  it('when a pending account is reactivated before its deadline, then it is pending again and its code registers it', async () => {
    const account = await createEducator('ana.lopez@example.org');
    const code = await codeFor(account.email);
    await deactivate(account.id);

    const reactivated = await reactivate(account.id);

    expect(reactivated.data.reactivateEducatorAccount.account.status).to.equal('PENDING_REGISTRATION');
    const registered = await server.graphql(REGISTER, {
      input: { email: account.email, registrationCode: code, password: PASSWORD, educationalInterestAccepted: true },
    });
    expect(registered.data.registerAccount).to.deep.equal({ account: { status: 'ACTIVE' }, userErrors: [] });
  });

  it('when an admin tries to deactivate their own account, then CANNOT_DEACTIVATE_SELF is answered, nothing is written and the refusal is recorded', async () => {
    const ownId = await idOf(districtAdmin);

    const answer = await deactivate(ownId);

    expect(answer.data.deactivateEducatorAccount.account).to.equal(null);
    expect(answer.data.deactivateEducatorAccount.userErrors).to.deep.include.members([
      { code: 'CANNOT_DEACTIVATE_SELF', field: ['accountId'], message: 'You cannot deactivate your own account. Ask another administrator.' },
    ]);
    const [row] = await sql('SELECT deactivated_at FROM educator_account WHERE email_normalized = ?', [server.demo.districtAdminEmail]);
    expect(row.deactivated_at).to.equal(null);
    expect((await server.graphql(ME, {}, districtAdmin)).data.me.status).to.equal('ACTIVE');
    expect((await auditOf('ACCOUNT_DEACTIVATED')).map((event) => event.outcome)).to.deep.equal(['CANNOT_DEACTIVATE_SELF']);
  });

  it('when a Site Admin deactivates an account of another site, or an id that names nothing, then both are FORBIDDEN alike and recorded as refused', async () => {
    const elsewhere = await createEducator('elsewhere@example.org', middleSchool);
    const siteAdmin = await server.signIn(server.demo.siteAdminEmail);

    const outside = await deactivate(elsewhere.id, siteAdmin);
    const nothing = await deactivate('not-an-account-id', siteAdmin);

    for (const answer of [outside, nothing]) {
      expect(answer.data?.deactivateEducatorAccount ?? null).to.equal(null);
      expect(answer.errors?.map((error) => [error.extensions?.code, error.message])).to.deep.equal([
        ['FORBIDDEN', 'You are not allowed to manage that account.'],
      ]);
    }
    const [row] = await sql('SELECT deactivated_at FROM educator_account WHERE email_normalized = ?', ['elsewhere@example.org']);
    expect(row.deactivated_at).to.equal(null);
    expect((await auditOf('ACCOUNT_DEACTIVATED')).map((event) => event.outcome)).to.deep.equal(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('when a Site Admin deactivates an Educator of their own site, then it is deactivated', async () => {
    const educator = await createEducator('own.site@example.org');
    const siteAdmin = await server.signIn(server.demo.siteAdminEmail);

    const answer = await deactivate(educator.id, siteAdmin);

    expect(answer.data.deactivateEducatorAccount, answer.text).to.deep.equal({
      account: { id: educator.id, email: 'own.site@example.org', status: 'DEACTIVATED' },
      userErrors: [],
    });
  });
});
