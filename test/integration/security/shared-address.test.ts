import { expect } from 'chai';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { SIGN_IN, tally } from './attempt-kit';

const SECONDS_IN_DAYS = 1 / (24 * 60 * 60);

/**
 * A school's staff often reach the service from one NAT address, proxy or not: with the default settings, a building's
 * typing mistakes must not lock its colleagues out, while each account stays locked after five failures.
 */
describeOnEachDatabase('One client address shared by a whole school (default limits)', (database) => {
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

  const signIn = async (username: string, password: string) => (await server.graphql(SIGN_IN, { input: { username, password } })).data.signIn;
  const mistypedBy = (count: number, from = 0) =>
    Promise.all(Array.from({ length: count }, (_, index) => signIn(`teacher${from + index}@demo-usd.example.org`, 'a mistyped password')));

  it('when sixty colleagues mistype their passwords at once, then every mistake is answered and the next colleague signs in', async () => {
    const mistakes = await mistypedBy(60);

    const colleague = await signIn(server.demo.siteAdminEmail, server.demo.password);

    expect(tally(mistakes)).to.deep.equal({ INVALID_CREDENTIALS: 60 });
    expect(colleague.userErrors).to.deep.equal([]);
    expect(colleague.token).to.be.a('string');
  });

  it('when one account fails five times from the shared address, then that account is locked while a colleague at the same address signs in', async () => {
    const guesses = [];
    for (let attempt = 0; attempt < 6; attempt += 1) guesses.push(await signIn(server.demo.districtAdminEmail, `guess ${attempt}`));

    const owner = await signIn(server.demo.districtAdminEmail, server.demo.password);
    const colleague = await signIn(server.demo.siteAdminEmail, server.demo.password);

    expect(guesses.map((guess) => tally([guess]))).to.deep.equal([...Array(5).fill({ INVALID_CREDENTIALS: 1 }), { TOO_MANY_ATTEMPTS: 1 }]);
    expect(tally([owner])).to.deep.equal({ TOO_MANY_ATTEMPTS: 1 });
    expect(colleague.token).to.be.a('string');
  });

  it('when the address has used its hundred failures, then it is slowed, not locked: one attempt every 30 seconds, and a success costs none', async () => {
    const burst = await mistypedBy(100);
    const beyond = await signIn(server.demo.siteAdminEmail, server.demo.password);

    server.clock.advanceDays(30 * SECONDS_IN_DAYS);
    const oneMoreMistake = await mistypedBy(1, 100);
    const rightAfterIt = await signIn(server.demo.siteAdminEmail, server.demo.password);
    server.clock.advanceDays(30 * SECONDS_IN_DAYS);
    const success = await signIn(server.demo.siteAdminEmail, server.demo.password);
    const anotherSuccess = await signIn(server.demo.districtAdminEmail, server.demo.password);

    expect(tally(burst)).to.deep.equal({ INVALID_CREDENTIALS: 100 });
    expect(tally([beyond])).to.deep.equal({ TOO_MANY_ATTEMPTS: 1 });
    expect(tally(oneMoreMistake)).to.deep.equal({ INVALID_CREDENTIALS: 1 });
    expect(tally([rightAfterIt])).to.deep.equal({ TOO_MANY_ATTEMPTS: 1 });
    expect(tally([success, anotherSuccess])).to.deep.equal({ OK: 2 });
  });
});
