import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { BrowserSessionRecord, EducatorAccountRecord } from '../../../src/infrastructure/persistence/records/records';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { describeOnEachDatabase, type TestDatabase } from '../../support/databases';
import { START_SESSION, credentialHeaders, sessionSetBy } from '../../support/graphql-client';
import { startTestServer, type TestServer } from '../../support/test-server';
import { PARTNER_HIGH, countRows, download, siteIdsByName } from '../uploads/upload-kit';

const ME = '{ me { email role { code } } }';
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }';
const LOG = '{ uploadBatches { totalCount nodes { id } } }';
const MINUTE_IN_DAYS = 1 / (24 * 60);

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const codesOf = (response: unknown): (string | undefined)[] =>
  ((response as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map((error) => error.extensions?.code);

/** startSession as the page sends it, optionally holding a session already. */
const startSession = async (server: TestServer, username: string, password: string, holding?: string) => {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(holding ? credentialHeaders({ session: holding }) : {}) },
    body: JSON.stringify({ query: START_SESSION, variables: { input: { username, password } } }),
  });
  return { setCookies: response.headers.getSetCookie(), secret: sessionSetBy(response.headers), text: await response.text() };
};

const endSession = async (server: TestServer, secret: string) => {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...credentialHeaders({ session: secret }) },
    body: JSON.stringify({ query: 'mutation { endSession }' }),
  });
  return { setCookies: response.headers.getSetCookie(), body: JSON.parse(await response.text()) };
};

/** A multipart upload with the session cookie, as a form on another site could send one (no preflight header) or the page does. */
const uploadWithCookie = async (server: TestServer, secret: string, schoolSiteId: string, preflight: boolean) => {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({
      query: 'mutation($input: UploadEducatorAccountsInput!) { uploadEducatorAccounts(input: $input) { batch { status } userErrors { code } } }',
      variables: { input: { schoolSiteId, file: null, agreementAccepted: true } },
    }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new Blob([csvFile(educatorRows(2))]), 'educators.csv');
  const headers = { ...credentialHeaders({ session: secret }), ...(preflight ? { 'apollo-require-preflight': 'true' } : {}) };
  const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body: form });
  return { status: response.status, body: JSON.parse(await response.text()) };
};

const sessionRows = (server: TestServer) => server.application.dataSource.getRepository(BrowserSessionRecord).find();

const suite = (database: TestDatabase) => {
  let server: TestServer;
  let admin: string;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
    admin = server.demo.districtAdminEmail;
  });
  after(async () => {
    await server?.close();
  });

  const meWith = (secret: string) => server.graphql(ME, {}, { session: secret });

  it('when startSession succeeds, then edu_session is HttpOnly, SameSite=Strict, Path=/, not Secure over http; no token; only a SHA-256 is kept', async () => {
    const started = await startSession(server, admin, server.demo.password);

    expect(started.setCookies).to.deep.equal([`edu_session=${started.secret}; Path=/; HttpOnly; SameSite=Strict`]);
    expect(started.secret).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(started.text)).to.deep.equal({ data: { startSession: { account: { email: admin }, userErrors: [] } } });
    const [row] = await sessionRows(server);
    const adminId = (await server.application.dataSource.getRepository(EducatorAccountRecord).findOneByOrFail({ email: admin })).id;
    expect(row).to.deep.include({ secretHash: sha256(started.secret!), accountId: adminId, lastUsedAt: row.startedAt, expiresAt: row.startedAt + 30 * 60_000 });
    expect(JSON.stringify(await sessionRows(server))).to.not.contain(started.secret);
    expect((await meWith(started.secret!)).data).to.deep.equal({ me: { email: admin, role: { code: 'DISTRICT_ADMIN' } } });
  });

  it('when the password is wrong, then INVALID_CREDENTIALS, no cookie and no session; failures through signIn and startSession lock both', async () => {
    const wrong = await startSession(server, admin, 'not the password');

    expect([JSON.parse(wrong.text).data.startSession, wrong.setCookies]).to.deep.equal([{ account: null, userErrors: [{ code: 'INVALID_CREDENTIALS' }] }, []]);
    for (let attempt = 0; attempt < 4; attempt += 1) await server.graphql(SIGN_IN, { input: { username: admin, password: 'still wrong' } });

    const locked = await startSession(server, admin, server.demo.password);
    const signIn = await server.graphql(SIGN_IN, { input: { username: admin, password: server.demo.password } });

    expect([JSON.parse(locked.text).data.startSession.userErrors, locked.setCookies]).to.deep.equal([[{ code: 'TOO_MANY_ATTEMPTS' }], []]);
    expect(signIn.data.signIn).to.deep.equal({ token: null, userErrors: [{ code: 'TOO_MANY_ATTEMPTS' }] });
    expect(await sessionRows(server)).to.deep.equal([]);
  });

  it('when endSession is sent, then the row is deleted, the cookie cleared, and the same cookie is UNAUTHENTICATED at once everywhere', async () => {
    const { secret } = await startSession(server, admin, server.demo.password);
    const sites = await siteIdsByName(server);
    expect((await server.graphql(LOG, {}, { session: secret! })).data.uploadBatches.totalCount).to.equal(0);
    expect((await server.graphql(LOG, {}, { session: secret! })).data.uploadBatches.totalCount).to.equal(0);

    const ended = await endSession(server, secret!);

    expect(ended.body).to.deep.equal({ data: { endSession: true } });
    expect(ended.setCookies).to.deep.equal(['edu_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0']);
    expect(await sessionRows(server)).to.deep.equal([]);
    expect(codesOf(await meWith(secret!))).to.deep.equal(['UNAUTHENTICATED']);
    // The upload log was answered from memory a moment ago: an ended session must not be given it again.
    expect(codesOf(await server.graphql(LOG, {}, { session: secret! }))).to.deep.equal(['UNAUTHENTICATED']);
    expect((await download(server, '/templates/educator-accounts.csv', { session: secret! })).status).to.equal(401);
    expect((await download(server, `/upload-batches/${sites[PARTNER_HIGH]}/failures.csv`, { session: secret! })).status).to.equal(401);
    expect((await endSession(server, secret!)).body).to.deep.equal({ data: { endSession: false } });
  });

  it('when the session has not been used for SESSION_IDLE_MINUTES, then it is UNAUTHENTICATED and its row is gone', async () => {
    const { secret } = await startSession(server, admin, server.demo.password);

    server.clock.advanceDays(29 * MINUTE_IN_DAYS);
    expect((await meWith(secret!)).data?.me.email).to.equal(admin);
    server.clock.advanceDays(30 * MINUTE_IN_DAYS);

    expect(codesOf(await meWith(secret!))).to.deep.equal(['UNAUTHENTICATED']);
    expect(await sessionRows(server)).to.deep.equal([]);
  });

  it('when the session is used, then the idle deadline moves on, written at most once a minute', async () => {
    const { secret } = await startSession(server, admin, server.demo.password);
    const [started] = await sessionRows(server);

    server.clock.advanceDays(10 * MINUTE_IN_DAYS);
    await meWith(secret!);
    const [renewed] = await sessionRows(server);
    await meWith(secret!);
    await server.graphql(LOG, {}, { session: secret! });
    const [usedAgain] = await sessionRows(server);

    expect(renewed.lastUsedAt - started.lastUsedAt).to.be.within(10 * 60_000, 11 * 60_000);
    expect(renewed.expiresAt).to.equal(renewed.lastUsedAt + 30 * 60_000);
    expect(usedAgain).to.deep.equal(renewed);
    server.clock.advanceDays(25 * MINUTE_IN_DAYS);
    expect((await meWith(secret!)).data?.me.email, '35 minutes after sign-in, 25 after the last use').to.equal(admin);
  });

  it('when the session is used every 25 minutes, then it still ends SESSION_MAX_HOURS after sign-in', async () => {
    const { secret } = await startSession(server, admin, server.demo.password);
    for (let minutes = 25; minutes < 12 * 60; minutes += 25) {
      server.clock.advanceDays(25 * MINUTE_IN_DAYS);
      expect((await meWith(secret!)).data?.me.email, `${minutes} minutes after sign-in`).to.equal(admin);
    }

    server.clock.advanceDays(25 * MINUTE_IN_DAYS);

    expect(codesOf(await meWith(secret!))).to.deep.equal(['UNAUTHENTICATED']);
  });

  it('when lapsed sessions are cleaned up, then only those past their expiry are removed', async () => {
    await startSession(server, admin, server.demo.password);
    server.clock.advanceDays(20 * MINUTE_IN_DAYS);
    const { secret } = await startSession(server, server.demo.siteAdminEmail, server.demo.password);
    server.clock.advanceDays(15 * MINUTE_IN_DAYS);

    expect(await server.application.browserSessions.removeExpired(server.clock.now())).to.equal(1);
    expect((await sessionRows(server)).map((row) => row.secretHash)).to.deep.equal([sha256(secret!)]);
  });

  it('when a multipart upload carries the session cookie but not the preflight header, then CSRF prevention refuses it and nothing is written', async () => {
    const { secret } = await startSession(server, admin, server.demo.password);
    const sites = await siteIdsByName(server);

    const forged = await uploadWithCookie(server, secret!, sites[PARTNER_HIGH], false);

    expect([forged.status, codesOf(forged.body)]).to.deep.equal([400, ['BAD_REQUEST']]);
    expect(await countRows(server, 'upload_batch')).to.equal(0);
    const fromThePage = await uploadWithCookie(server, secret!, sites[PARTNER_HIGH], true);
    expect(fromThePage.body.data.uploadEducatorAccounts).to.deep.equal({ batch: { status: 'QUEUED' }, userErrors: [] });
  });

  it('when a form-style POST or a GET without the preflight header carries the session cookie, then CSRF prevention refuses it', async () => {
    const { secret } = await startSession(server, admin, server.demo.password);
    const cookie = credentialHeaders({ session: secret! });

    const formPost = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { ...cookie, 'content-type': 'text/plain' },
      body: JSON.stringify({ query: ME }),
    });
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent(ME)}`, { headers: cookie });

    expect([formPost.status, codesOf(await formPost.json())]).to.deep.equal([400, ['BAD_REQUEST']]);
    expect([get.status, codesOf(await get.json())]).to.deep.equal([400, ['BAD_REQUEST']]);
  });

  it("when the account's role changes, then the next request through the session acts with the new role", async () => {
    const { secret } = await startSession(server, admin, server.demo.password);
    await server.application.dataSource.getRepository(EducatorAccountRecord).update({ email: admin }, { roleCode: 'EDUCATOR' });

    expect((await meWith(secret!)).data.me.role.code).to.equal('EDUCATOR');
    expect(codesOf(await server.graphql('{ uploadBatches { totalCount } }', {}, { session: secret! }))).to.deep.equal(['FORBIDDEN']);
  });

  it('when a request carries a bearer token and the cookie, then the token alone decides; a cookie we never issued is nobody', async () => {
    const { secret } = await startSession(server, admin, server.demo.password);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer forged', ...credentialHeaders({ session: secret! }) },
      body: JSON.stringify({ query: ME }),
    });

    expect(codesOf(await response.json())).to.deep.equal(['UNAUTHENTICATED']);
    expect(codesOf(await meWith('not-a-secret'))).to.deep.equal(['UNAUTHENTICATED']);
    expect(codesOf(await meWith('A'.repeat(43)))).to.deep.equal(['UNAUTHENTICATED']);
  });

  it('when startSession is sent by a browser that holds a session, then the old one ends and only the new one works', async () => {
    const first = await startSession(server, admin, server.demo.password);
    const second = await startSession(server, server.demo.siteAdminEmail, server.demo.password, first.secret);

    expect(codesOf(await meWith(first.secret!))).to.deep.equal(['UNAUTHENTICATED']);
    expect((await meWith(second.secret!)).data.me.email).to.equal(server.demo.siteAdminEmail);
    expect((await sessionRows(server)).map((row) => row.secretHash)).to.deep.equal([sha256(second.secret!)]);
  });
};

describeOnEachDatabase('Browser sessions: startSession, the edu_session cookie, endSession', suite);

describeOnEachDatabase('Browser sessions behind an https PUBLIC_URL', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database, { publicUrl: 'https://accounts.example.org' });
  });
  after(async () => {
    await server?.close();
  });

  it('when startSession succeeds or endSession clears the cookie, then the cookie is Secure as well', async () => {
    const started = await startSession(server, server.demo.districtAdminEmail, server.demo.password);
    const ended = await endSession(server, started.secret!);

    expect(started.setCookies).to.deep.equal([`edu_session=${started.secret}; Path=/; HttpOnly; SameSite=Strict; Secure`]);
    expect(ended.setCookies).to.deep.equal(['edu_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure']);
  });
});
