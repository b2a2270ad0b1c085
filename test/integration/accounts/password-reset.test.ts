import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { readableEmail } from '../../support/emails';
import { startTestServer, type Credential, type TestServer } from '../../support/test-server';

const REQUEST = 'mutation($input: RequestPasswordResetInput!) { requestPasswordReset(input: $input) { userErrors { code field message } } }';
const RESET = 'mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { userErrors { code field message } } }';
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }';
const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }';
const ME = '{ me { email } }';
const NEW_PASSWORD = 'a fresh and private passphrase';
const PUBLIC_URL = 'https://accounts.example.org';
const MINUTE_IN_DAYS = 1 / (24 * 60);

describeOnEachDatabase('Password resets through HTTP', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database, { publicUrl: PUBLIC_URL });
  });
  beforeEach(async () => {
    await server.reset();
    await server.deliveredEmails();
  });
  after(async () => {
    await server?.close();
  });

  const sql = (query: string, parameters: unknown[] = []): Promise<Record<string, unknown>[]> => server.application.dataSource.query(query, parameters);
  const request = async (email: string) => (await server.graphql(REQUEST, { input: { email } })).data.requestPasswordReset;
  const reset = async (code: string, email = server.demo.siteAdminEmail, newPassword = NEW_PASSWORD) =>
    (await server.graphql(RESET, { input: { email, code, newPassword } })).data.resetPassword.userErrors.map((error: { code: string }) => error.code);
  const resetEmails = async (): Promise<string[]> =>
    (await server.deliveredEmails()).map(readableEmail).filter((eml) => eml.includes('Subject: Your password reset code'));
  const codeIn = (eml: string): string => /^Reset code: ([A-Z0-9-]+)\r?$/m.exec(eml)![1];
  const requestCode = async (email = server.demo.siteAdminEmail): Promise<string> => {
    expect(await request(email)).to.deep.equal({ userErrors: [] });
    const emails = await resetEmails();
    expect(emails).to.have.length(1);
    return codeIn(emails[0]);
  };
  const signInCodes = async (password: string): Promise<string[]> =>
    (await server.graphql(SIGN_IN, { input: { username: server.demo.siteAdminEmail, password } })).data.signIn.userErrors.map(
      (error: { code: string }) => error.code,
    );
  const meCodes = async (credential: Credential): Promise<unknown> => {
    const me = await server.graphql(ME, {}, credential);
    return me.errors?.map((error) => error.extensions?.code) ?? me.data.me.email;
  };

  it('when an unknown, a pending and an active account’s email ask, then all get the same answer and only the active one an email', async () => {
    const admin = await server.signIn(server.demo.districtAdminEmail);
    const sites = (await server.graphql('{ schoolSites { id } }', {}, admin)).data.schoolSites as { id: string }[];
    await server.graphql(
      CREATE,
      {
        input: {
          firstName: 'Pat',
          lastName: 'Pending',
          email: 'pat.pending@example.org',
          roleCode: 'EDUCATOR',
          schoolSiteIds: [sites[0].id],
          agreementAccepted: true,
        },
      },
      admin,
    );
    await server.deliveredEmails();

    const answers = [await request('nobody.at.all@example.org'), await request('pat.pending@example.org'), await request(server.demo.siteAdminEmail)];

    expect(answers).to.deep.equal([{ userErrors: [] }, { userErrors: [] }, { userErrors: [] }]);
    const emails = await server.deliveredEmails();
    expect(emails).to.have.length(1);
    expect(emails[0]).to.contain(`To: ${server.demo.siteAdminEmail}`);
    const audit = await sql(
      "SELECT outcome, actor_email, target_account_id, client_address FROM audit_event WHERE action = 'PASSWORD_RESET_REQUESTED' ORDER BY id",
    );
    expect(audit.map((event) => [event.outcome, event.actor_email, event.target_account_id === null])).to.deep.equal([
      ['NO_ACTIVE_ACCOUNT', 'nobody.at.all@example.org', true],
      ['NO_ACTIVE_ACCOUNT', 'pat.pending@example.org', false],
      ['SUCCEEDED', server.demo.siteAdminEmail, false],
    ]);
    for (const event of audit) expect(event.client_address).to.match(/\S/);
  });

  it('when the emailed code is used, then the new password signs in, the old one does not, and the code works only once', async () => {
    await request(server.demo.siteAdminEmail);
    const [email] = await resetEmails();
    const code = codeIn(email);
    const links = email.match(/https:\/\/accounts\.example\.org\/\S*/g) ?? [];
    expect(links).to.deep.equal([`${PUBLIC_URL}/reset-password#email=${encodeURIComponent(server.demo.siteAdminEmail)}`]);

    expect(await reset(code)).to.deep.equal([]);

    expect(await signInCodes(NEW_PASSWORD)).to.deep.equal([]);
    expect(await signInCodes(server.demo.password)).to.deep.equal(['INVALID_CREDENTIALS']);
    expect(await reset(code, server.demo.siteAdminEmail, 'yet another long passphrase')).to.deep.equal(['INVALID_RESET_CODE']);
    expect(await signInCodes(NEW_PASSWORD)).to.deep.equal([]);
    const audit = await sql("SELECT outcome, actor_email FROM audit_event WHERE action = 'PASSWORD_RESET' ORDER BY id");
    expect(audit.map((event) => event.outcome)).to.deep.equal(['SUCCEEDED', 'INVALID_RESET_CODE']);
  });

  it('when the code was issued, then neither the reset table nor the outbox holds it, plain or as the code in any form', async () => {
    const code = await requestCode();

    const stored = JSON.stringify([await sql('SELECT * FROM password_reset'), await sql('SELECT * FROM outbox_message')]);
    expect(stored).to.not.contain(code);
    expect(stored).to.not.contain(code.replace(/-/g, ''));
    expect((await sql('SELECT * FROM password_reset')).length).to.equal(1);
  });

  it('when 30 minutes have passed, then the code is refused with a message to request a new one', async () => {
    const code = await requestCode();
    server.clock.advanceDays(30 * MINUTE_IN_DAYS);

    const answer = (await server.graphql(RESET, { input: { email: server.demo.siteAdminEmail, code, newPassword: NEW_PASSWORD } })).data.resetPassword;

    expect(answer.userErrors).to.have.length(1);
    expect(answer.userErrors[0]).to.deep.include({ code: 'INVALID_RESET_CODE', field: ['code'] });
    expect(answer.userErrors[0].message).to.match(/request a new code/);
    expect(await signInCodes(server.demo.password)).to.deep.equal([]);
  });

  it('when a code is used a minute before its 30 minutes end, then it works', async () => {
    const code = await requestCode();
    server.clock.advanceDays(29 * MINUTE_IN_DAYS);
    expect(await reset(code)).to.deep.equal([]);
  });

  it('when a newer code was requested, then the older one is refused and the newer one works', async () => {
    const older = await requestCode();
    const newer = await requestCode();

    expect(newer).to.not.equal(older);
    expect(await reset(older)).to.deep.equal(['INVALID_RESET_CODE']);
    expect(await reset(newer)).to.deep.equal([]);
  });

  it('when the new password is too short, then WEAK_PASSWORD is answered beside it and the code still works', async () => {
    const code = await requestCode();
    const answer = (await server.graphql(RESET, { input: { email: server.demo.siteAdminEmail, code, newPassword: 'short' } })).data.resetPassword;
    expect(answer.userErrors.map((error: { code: string; field: string[] }) => [error.code, error.field])).to.deep.equal([['WEAK_PASSWORD', ['newPassword']]]);
    expect(await reset(code)).to.deep.equal([]);
  });

  it('when one email asks again and again, then after five requests TOO_MANY_ATTEMPTS is answered and no more emails go out', async () => {
    const answers: unknown[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) answers.push(await request(server.demo.siteAdminEmail));

    expect(answers.slice(0, 5)).to.deep.equal(Array(5).fill({ userErrors: [] }));
    expect((answers[5] as { userErrors: { code: string }[] }).userErrors.map((error) => error.code)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    expect(await resetEmails()).to.have.length(5);
  });

  it('when wrong codes are tried five times, then TOO_MANY_ATTEMPTS is answered even for the right code', async () => {
    const code = await requestCode();
    const wrong: string[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) wrong.push(...(await reset('AAAA-BBBB-CCCC')));

    expect(wrong).to.deep.equal(Array(5).fill('INVALID_RESET_CODE'));
    expect(await reset(code)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
  });

  it('when the password is reset, then a bearer token and a browser session from before are UNAUTHENTICATED and sign-in throttling is cleared', async () => {
    const token = await server.signIn(server.demo.siteAdminEmail);
    const { session } = await server.startSession(server.demo.siteAdminEmail);
    expect(await meCodes(token)).to.equal(server.demo.siteAdminEmail);
    for (let attempt = 0; attempt < 5; attempt += 1) await signInCodes(`wrong guess ${attempt}`);
    expect(await signInCodes(server.demo.password)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    const code = await requestCode();

    expect(await reset(code)).to.deep.equal([]);

    expect(await meCodes(token)).to.deep.equal(['UNAUTHENTICATED']);
    expect(await meCodes({ session })).to.deep.equal(['UNAUTHENTICATED']);
    expect(await sql('SELECT * FROM browser_session')).to.deep.equal([]);
    expect(await signInCodes(NEW_PASSWORD)).to.deep.equal([]);
  });
});
