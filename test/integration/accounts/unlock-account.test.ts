import { expect } from 'chai';
import { DEMO_PASSWORD } from '../../../src/processes/config';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }`;
const UNLOCK = `mutation($id: ID!) { unlockAccount(input: { accountId: $id }) { account { email } userErrors { code } } }`;
const ACCOUNTS = `query($search: String) { educatorAccounts(search: $search) { nodes { id email } } }`;

describeOnEachDatabase('unlockAccount through HTTP', (database) => {
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

  const signInCodes = async (username: string, password: string) =>
    ((await server.graphql(SIGN_IN, { input: { username, password } })).data.signIn.userErrors as { code: string }[]).map((error) => error.code);
  const accountId = async (token: string, email: string) =>
    ((await server.graphql(ACCOUNTS, { search: email }, token)).data.educatorAccounts.nodes as { id: string; email: string }[]).find(
      (node) => node.email === email,
    )!.id;
  const counterKeys = async () =>
    (await server.application.dataSource.query<{ throttle_key: string }[]>('SELECT throttle_key FROM throttle_counter ORDER BY throttle_key')).map(
      (row) => row.throttle_key,
    );

  it('when a locked-out Site Admin is unlocked by the District Admin, then the right password works at once and only address counters stay', async () => {
    const adminToken = await server.signIn(server.demo.districtAdminEmail);
    const locked = server.demo.siteAdminEmail;
    for (let attempt = 0; attempt < 5; attempt += 1) await signInCodes(locked, 'wrong password');
    expect(await signInCodes(locked, DEMO_PASSWORD)).to.deep.equal(['TOO_MANY_ATTEMPTS']);

    const unlocked = await server.graphql(UNLOCK, { id: await accountId(adminToken, locked) }, adminToken);

    expect(unlocked.data.unlockAccount).to.deep.equal({ account: { email: locked }, userErrors: [] });
    const keys = await counterKeys();
    expect(keys.filter((key) => key.includes(':account:'))).to.deep.equal([]);
    expect(keys.filter((key) => key.startsWith('sign-in:address:'))).to.have.length(1);
    expect(await signInCodes(locked, DEMO_PASSWORD)).to.deep.equal([]);
    const audit = await server.application.dataSource.query("SELECT outcome FROM audit_event WHERE action = 'ACCOUNT_UNLOCKED'");
    expect(audit.map((row: { outcome: string }) => row.outcome)).to.deep.equal(['SUCCEEDED']);
  });

  it('when a Site Admin unlocks the District Admin (no site of theirs), then FORBIDDEN and the counters stay', async () => {
    const adminToken = await server.signIn(server.demo.districtAdminEmail);
    const districtAdminId = await accountId(adminToken, server.demo.districtAdminEmail);
    await signInCodes(server.demo.districtAdminEmail, 'wrong password');
    const siteAdminToken = await server.signIn(server.demo.siteAdminEmail);

    const answer = await server.graphql(UNLOCK, { id: districtAdminId }, siteAdminToken);

    expect(answer.errors?.map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
    expect(await counterKeys()).to.include(`sign-in:account:${server.demo.districtAdminEmail}`);
  });
});
