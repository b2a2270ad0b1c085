import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { DEMO_DISTRICT } from '../../../src/cli/demo-district';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

const SIGN_IN = `mutation($input: SignInInput!) {
  signIn(input: $input) { token account { email role { code } } userErrors { code message field } }
}`;
const ME = '{ me { id email firstName lastName status role { code name scope bulkCreatable } schoolSites { name } district { name } } }';

/** Several sign-in attempts packed into one request with aliases; mutations run one after another. */
const packedSignIns = (attempts: { username: string; password: string }[]): string =>
  `mutation {\n${attempts
    .map(
      (attempt, index) =>
        `  a${index}: signIn(input: { username: ${JSON.stringify(attempt.username)}, password: ${JSON.stringify(attempt.password)} }) { token userErrors { code } }`,
    )
    .join('\n')}\n}`;

describeOnEachDatabase('signIn and me through HTTP', (database) => {
  let server: TestServer;

  before(async () => {
    // Locking an address takes twenty failures here; the default hundred: test/integration/security/shared-address.test.ts.
    server = await startTestServer(database, { addressFailureBurst: 20 });
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    await server?.close();
  });

  const signIn = async (username: string, password: string) => (await server.graphql(SIGN_IN, { input: { username, password } })).data.signIn;
  const codesOf = (payload: { userErrors: { code: string }[] }) => payload.userErrors.map((error) => error.code);

  it('when the District Admin signs in with the right password, then a bearer token is issued and me describes them', async () => {
    const payload = await signIn(' District.Admin@demo-usd.example.org ', server.demo.password);

    expect(payload.userErrors).to.deep.equal([]);
    expect(payload.token).to.be.a('string').with.length.greaterThan(20);
    expect(payload.account).to.deep.equal({ email: server.demo.districtAdminEmail, role: { code: 'DISTRICT_ADMIN' } });
    const me = await server.graphql(ME, {}, payload.token);
    expect(me.data.me).to.deep.include({
      email: server.demo.districtAdminEmail,
      status: 'ACTIVE',
      role: { code: 'DISTRICT_ADMIN', name: 'District Admin', scope: 'DISTRICT', bulkCreatable: false },
      schoolSites: [],
      district: { name: DEMO_DISTRICT },
    });
  });

  it('when the Site Admin signs in, then me shows their one site', async () => {
    const token = await server.signIn(server.demo.siteAdminEmail);

    const me = await server.graphql(ME, {}, token);

    expect(me.data.me.role.code).to.equal('SITE_ADMIN');
    expect(me.data.me.schoolSites).to.deep.equal([{ name: 'Demo Partner High' }]);
  });

  it('when the password is wrong and when the user is unknown, then both answers are the same INVALID_CREDENTIALS', async () => {
    const wrongPassword = await signIn(server.demo.districtAdminEmail, 'not-the-demo-password');
    const unknownUser = await signIn('nobody@demo-usd.example.org', server.demo.password);

    expect(wrongPassword).to.deep.equal(unknownUser);
    expect(wrongPassword).to.deep.equal({
      token: null,
      account: null,
      userErrors: [{ code: 'INVALID_CREDENTIALS', message: 'That email and password do not match an active account.', field: null }],
    });
  });

  it('when five wrong passwords were sent in separate requests, then the right password is refused with TOO_MANY_ATTEMPTS', async () => {
    const codes: string[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) codes.push(...codesOf(await signIn(server.demo.districtAdminEmail, `wrong-${attempt}`)));

    const right = await signIn(server.demo.districtAdminEmail, server.demo.password);

    expect(codes).to.deep.equal(Array(5).fill('INVALID_CREDENTIALS'));
    expect(right.token).to.equal(null);
    expect(codesOf(right)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
  });

  it('when many attempts are packed into one request with aliases, then the throttle counts each and locks after five, including the right password', async () => {
    const attempts = [
      ...Array.from({ length: 9 }, (_, index) => ({ username: server.demo.districtAdminEmail, password: `wrong-${index}` })),
      { username: server.demo.districtAdminEmail, password: server.demo.password },
    ];

    const response = await server.graphql(packedSignIns(attempts));

    expect(response.errors, response.text).to.equal(undefined);
    const results = attempts.map((_, index) => response.data[`a${index}`]);
    expect(results.map((result) => result.userErrors.map((error: { code: string }) => error.code).join())).to.deep.equal([
      ...Array(5).fill('INVALID_CREDENTIALS'),
      ...Array(5).fill('TOO_MANY_ATTEMPTS'),
    ]);
    expect(results.map((result) => result.token)).to.deep.equal(Array(10).fill(null));
    expect(codesOf(await signIn(server.demo.districtAdminEmail, server.demo.password))).to.deep.equal(['TOO_MANY_ATTEMPTS']);
  });

  it('when the lock period has passed, then the right password works again', async () => {
    await server.graphql(packedSignIns(Array.from({ length: 6 }, (_, index) => ({ username: server.demo.siteAdminEmail, password: `wrong-${index}` }))));
    expect(codesOf(await signIn(server.demo.siteAdminEmail, server.demo.password))).to.deep.equal(['TOO_MANY_ATTEMPTS']);

    server.clock.advanceDays(1);
    const later = await signIn(server.demo.siteAdminEmail, server.demo.password);

    expect(later.userErrors).to.deep.equal([]);
    expect(later.token).to.be.a('string');
  });

  it('when one client address fails against twenty different usernames, then even a valid account is refused from that address', async () => {
    const guesses = Array.from({ length: 20 }, (_, index) => ({ username: `guess${index}@demo-usd.example.org`, password: 'password-guess' }));

    const response = await server.graphql(packedSignIns(guesses));
    const valid = await signIn(server.demo.siteAdminEmail, server.demo.password);

    expect(response.data.a19.userErrors).to.deep.equal([{ code: 'INVALID_CREDENTIALS' }]);
    expect(valid.token).to.equal(null);
    expect(codesOf(valid)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
  });

  it('when a right password follows four wrong ones, then it succeeds and the account counter starts again', async () => {
    for (let attempt = 0; attempt < 4; attempt += 1) await signIn(server.demo.districtAdminEmail, `wrong-${attempt}`);
    expect((await signIn(server.demo.districtAdminEmail, server.demo.password)).token).to.be.a('string');
    for (let attempt = 0; attempt < 4; attempt += 1) await signIn(server.demo.districtAdminEmail, `wrong-again-${attempt}`);

    const payload = await signIn(server.demo.districtAdminEmail, server.demo.password);

    expect(payload.userErrors).to.deep.equal([]);
    expect(payload.token).to.be.a('string');
  });

  it('when me is asked without a token, then UNAUTHENTICATED', async () => {
    const response = await server.graphql(ME);

    expect(response.data).to.equal(null);
    expect(response.errors?.map((error) => error.extensions?.code)).to.deep.equal(['UNAUTHENTICATED']);
  });

  it('when me is asked with a garbage, unsigned, foreign-signed or expired token, then UNAUTHENTICATED each time', async () => {
    const real = await server.signIn(server.demo.districtAdminEmail);
    const [header, payload] = real.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    const foreign = jwt.sign(JSON.parse(Buffer.from(payload, 'base64url').toString()), 'some other secret', { algorithm: 'HS256' });
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: '2' })).toString('base64url')}.${real.split('.')[2]}`;

    const codes: unknown[] = [];
    for (const token of ['garbage', unsigned, foreign, tampered]) codes.push((await server.graphql(ME, {}, token)).errors?.[0]?.extensions?.code);
    server.clock.advanceDays(1);
    codes.push((await server.graphql(ME, {}, real)).errors?.[0]?.extensions?.code);

    expect(codes).to.deep.equal(Array(5).fill('UNAUTHENTICATED'));
  });

  it('when roles are asked for, then the six roles come with display name, scope and bulk flag', async () => {
    const response = await server.graphql('{ roles { code name scope bulkCreatable } }', {}, await server.signIn(server.demo.siteAdminEmail));

    expect(response.data.roles).to.deep.equal([
      { code: 'EDUCATOR', name: 'Educator', scope: 'SITE', bulkCreatable: true },
      { code: 'COUNSELOR_CASELOAD_ONLY', name: 'Counselor—Caseload Only', scope: 'SITE', bulkCreatable: true },
      { code: 'COUNSELOR', name: 'Counselor', scope: 'SITE', bulkCreatable: true },
      { code: 'MULTI_SITE_COUNSELOR', name: 'Multi-Site Counselor', scope: 'MULTI_SITE', bulkCreatable: false },
      { code: 'SITE_ADMIN', name: 'Site Admin', scope: 'SITE', bulkCreatable: true },
      { code: 'DISTRICT_ADMIN', name: 'District Admin', scope: 'DISTRICT', bulkCreatable: false },
    ]);
  });
});
