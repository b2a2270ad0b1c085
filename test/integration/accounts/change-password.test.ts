import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type Credential, type TestServer } from '../../support/test-server';

const CHANGE = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { account { email status } userErrors { code field message } } }`;
const CHANGE_FOR_TOKEN = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { token userErrors { code } } }`;
const ME = '{ me { email } }';
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }`;
const NEW_PASSWORD = 'my brand new long passphrase';

describeOnEachDatabase('changePassword through HTTP', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    await server?.close();
  });

  const change = (credential: Credential, currentPassword: string, newPassword = NEW_PASSWORD) =>
    server.graphql(CHANGE, { input: { currentPassword, newPassword } }, credential);
  const signInCodes = async (password: string): Promise<string[]> =>
    (await server.graphql(SIGN_IN, { input: { username: server.demo.siteAdminEmail, password } })).data.signIn.userErrors.map(
      (error: { code: string }) => error.code,
    );
  const hashOf = async (): Promise<string> =>
    (await server.application.dataSource.query('SELECT password_hash FROM educator_account WHERE email_normalized = ?', [server.demo.siteAdminEmail]))[0]
      .password_hash;
  const audit = (): Promise<{ outcome: string; client_address: string }[]> =>
    server.application.dataSource.query("SELECT outcome, client_address FROM audit_event WHERE action = 'PASSWORD_CHANGED' ORDER BY id");

  it('when a signed-in person gives their current password and a strong new one, then only the new one signs in', async () => {
    const { session } = await server.startSession(server.demo.siteAdminEmail);
    const before = await hashOf();

    const answer = await change({ session }, server.demo.password);

    expect(answer.data.changePassword, answer.text).to.deep.equal({ account: { email: server.demo.siteAdminEmail, status: 'ACTIVE' }, userErrors: [] });
    const after = await hashOf();
    expect(after).to.not.equal(before);
    expect(after).to.not.contain(NEW_PASSWORD);
    expect(await signInCodes(NEW_PASSWORD)).to.deep.equal([]);
    expect(await signInCodes(server.demo.password)).to.deep.equal(['INVALID_CREDENTIALS']);
    const events = await audit();
    expect(events.map((event) => event.outcome)).to.deep.equal(['SUCCEEDED']);
    expect(events[0].client_address).to.match(/\S/);
  });

  it('when the current password is wrong, then WRONG_PASSWORD is answered beside it and the password stays', async () => {
    const token = await server.signIn(server.demo.siteAdminEmail);
    const before = await hashOf();

    const answer = await change(token, 'not my password at all');

    expect(answer.data.changePassword).to.deep.equal({
      account: null,
      userErrors: [{ code: 'WRONG_PASSWORD', field: ['currentPassword'], message: 'Your current password is not right. Type it again.' }],
    });
    expect(await hashOf()).to.equal(before);
    expect((await audit()).map((event) => event.outcome)).to.deep.equal(['WRONG_PASSWORD']);
  });

  it('when the new password is too short, then WEAK_PASSWORD is answered beside the new password and nothing changes', async () => {
    const token = await server.signIn(server.demo.siteAdminEmail);
    const before = await hashOf();

    const answer = await change(token, server.demo.password, 'short  pass ');

    expect(answer.data.changePassword.userErrors.map((error: { code: string; field: string[] }) => [error.code, error.field])).to.deep.equal([
      ['WEAK_PASSWORD', ['newPassword']],
    ]);
    expect(await hashOf()).to.equal(before);
  });

  it('when wrong current passwords are tried again and again, then TOO_MANY_ATTEMPTS is answered, even for the right one', async () => {
    const token = await server.signIn(server.demo.siteAdminEmail);
    const codes: string[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      codes.push(...(await change(token, `wrong guess ${attempt}`)).data.changePassword.userErrors.map((e: { code: string }) => e.code));

    const right = await change(token, server.demo.password);

    expect(codes).to.deep.equal(Array(5).fill('WRONG_PASSWORD'));
    expect(right.data.changePassword.userErrors.map((error: { code: string }) => error.code)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
  });

  const meCodes = async (credential: Credential): Promise<unknown> => {
    const me = await server.graphql(ME, {}, credential);
    return me.errors?.map((error) => error.extensions?.code) ?? me.data.me.email;
  };

  it('when the password is changed from a browser session, then that session stays signed in and other sessions and earlier tokens end', async () => {
    const { session: current } = await server.startSession(server.demo.siteAdminEmail);
    const { session: other } = await server.startSession(server.demo.siteAdminEmail);
    const token = await server.signIn(server.demo.siteAdminEmail);

    const answer = await server.graphql(
      CHANGE_FOR_TOKEN,
      { input: { currentPassword: server.demo.password, newPassword: NEW_PASSWORD } },
      { session: current },
    );

    expect(answer.data.changePassword).to.deep.equal({ token: null, userErrors: [] });
    expect(await meCodes({ session: current })).to.equal(server.demo.siteAdminEmail);
    expect(await meCodes({ session: other })).to.deep.equal(['UNAUTHENTICATED']);
    expect(await meCodes(token)).to.deep.equal(['UNAUTHENTICATED']);
    const [rows] = await server.application.dataSource.query('SELECT COUNT(*) AS n FROM browser_session');
    expect(Number(rows.n)).to.equal(1);
  });

  it('when the password is changed with a bearer token, then the answer carries a fresh token that works while the old one and every session end', async () => {
    const token = await server.signIn(server.demo.siteAdminEmail);
    const { session } = await server.startSession(server.demo.siteAdminEmail);

    const answer = await server.graphql(CHANGE_FOR_TOKEN, { input: { currentPassword: server.demo.password, newPassword: NEW_PASSWORD } }, token);

    const fresh = answer.data.changePassword.token as string;
    expect(fresh).to.be.a('string').and.not.equal(token);
    expect(await meCodes(fresh)).to.equal(server.demo.siteAdminEmail);
    expect(await meCodes(token)).to.deep.equal(['UNAUTHENTICATED']);
    expect(await meCodes({ session })).to.deep.equal(['UNAUTHENTICATED']);
  });

  it('when nobody is signed in, then changePassword is UNAUTHENTICATED', async () => {
    const answer = await server.graphql(CHANGE, { input: { currentPassword: server.demo.password, newPassword: NEW_PASSWORD } });
    expect(answer.errors?.map((error) => error.extensions?.code)).to.deep.equal(['UNAUTHENTICATED']);
  });
});
