import { expect } from 'chai';
import { EndBrowserSession } from '../../../src/application/end-browser-session';
import { IdentifyActor } from '../../../src/application/identify-actor';
import { SignIn } from '../../../src/application/sign-in';
import { StartBrowserSession } from '../../../src/application/start-browser-session';
import { anEducator } from '../../support/builders';
import {
  FakePasswordHasher,
  FakeTokenIssuer,
  FixedClock,
  InMemoryAttemptThrottle,
  InMemoryBrowserSessions,
  InMemoryEducatorAccountRepository,
  RecordingAuditTrail,
  RecordingSignInMetrics,
} from '../../support/fakes';

const PASSWORD = 'a long enough passphrase';
const MINUTE = 60_000;
const LIFETIME = { idleMs: 30 * MINUTE, maxMs: 12 * 60 * MINUTE };

describe('Browser sessions (StartBrowserSession, IdentifyActor, EndBrowserSession)', () => {
  let accounts: InMemoryEducatorAccountRepository;
  let throttle: InMemoryAttemptThrottle;
  let sessions: InMemoryBrowserSessions;
  let clock: FixedClock;
  let start: StartBrowserSession;
  let identify: IdentifyActor;
  let accountId: number;
  let audit: RecordingAuditTrail;

  const signInRequest = (password = PASSWORD) => ({ username: 'ana.lopez@example.org', password, clientAddress: '203.0.113.7', replacing: undefined });
  const viewerIdOf = async (sessionSecret: string | undefined, bearerToken?: string) =>
    (await identify.execute({ bearerToken, sessionSecret }))?.actor.accountId ?? null;

  beforeEach(async () => {
    accounts = new InMemoryEducatorAccountRepository();
    const passwords = new FakePasswordHasher();
    throttle = new InMemoryAttemptThrottle(5, 20);
    sessions = new InMemoryBrowserSessions();
    clock = new FixedClock('2026-09-01T08:00:00.000Z');
    audit = new RecordingAuditTrail();
    start = new StartBrowserSession(
      new SignIn(accounts, passwords, new FakeTokenIssuer(), throttle, clock, new RecordingSignInMetrics(), audit),
      sessions,
      LIFETIME,
      clock,
    );
    identify = new IdentifyActor(new FakeTokenIssuer(), accounts, sessions, LIFETIME, clock);
    const saved = await accounts.save(
      anEducator()
        .withEmail('Ana.Lopez@example.org')
        .createdAt(clock.now())
        .registered(await passwords.hash(PASSWORD))
        .build(),
    );
    accountId = saved.ok ? saved.value : -1;
  });

  it('when a session is started, then SIGNED_IN is recorded for the account; when refused, SIGN_IN_REFUSED with the email tried', async () => {
    await start.execute(signInRequest());
    await start.execute(signInRequest('not the password'));

    expect(audit.events.map((event) => [event.action, event.outcome, event.actorAccountId, event.actorEmail ?? null])).to.deep.equal([
      ['SIGNED_IN', 'SUCCEEDED', accountId, null],
      ['SIGN_IN_REFUSED', 'INVALID_CREDENTIALS', null, 'ana.lopez@example.org'],
    ]);
    expect(audit.events.map((event) => event.clientAddress)).to.deep.equal(['203.0.113.7', '203.0.113.7']);
  });

  it('when the password is right, then a session for the account is stored, lapsing after the idle time, and its secret names the account', async () => {
    const outcome = await start.execute(signInRequest());

    expect(outcome.userErrors).to.deep.equal([]);
    expect([...sessions.sessions.values()]).to.deep.equal([
      { accountId, startedAt: clock.now(), lastUsedAt: clock.now(), expiresAt: new Date(clock.now().getTime() + 30 * MINUTE) },
    ]);
    expect(await viewerIdOf(outcome.secret!)).to.equal(accountId);
  });

  it('when the password is wrong, then the answer is INVALID_CREDENTIALS, no session is stored and the failure is counted as for signIn', async () => {
    const outcome = await start.execute(signInRequest('not the password'));

    expect(outcome).to.deep.equal({
      secret: null,
      account: null,
      userErrors: [{ code: 'INVALID_CREDENTIALS', message: 'That email and password do not match an active account.' }],
    });
    expect(sessions.sessions.size).to.equal(0);
    expect(throttle.failuresFor('sign-in', 'ana.lopez@example.org')).to.equal(1);
  });

  it('when sign-in is locked, then even the right password gets TOO_MANY_ATTEMPTS and no session', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) await start.execute(signInRequest('wrong'));

    const outcome = await start.execute(signInRequest());

    expect(outcome.userErrors.map((error) => error.code)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    expect(sessions.sessions.size).to.equal(0);
  });

  it('when the browser already held a session, then signing in again ends it', async () => {
    const first = await start.execute(signInRequest());
    const second = await start.execute({ ...signInRequest(), replacing: first.secret! });

    expect([await viewerIdOf(first.secret!), await viewerIdOf(second.secret!)]).to.deep.equal([null, accountId]);
    expect(sessions.sessions.size).to.equal(1);
  });

  it('when the session is used within the idle time, then use is written at most once a minute and pushes the idle deadline on', async () => {
    const { secret } = await start.execute(signInRequest());

    clock.advanceMs(59_000);
    await viewerIdOf(secret!);
    expect(sessions.renewals).to.equal(0);
    clock.advanceMs(1_000);
    await viewerIdOf(secret!);
    await viewerIdOf(secret!);
    expect(sessions.renewals).to.equal(1);
    clock.advanceMs(29 * MINUTE);
    expect(await viewerIdOf(secret!)).to.equal(accountId);
  });

  it('when the session has been idle for the idle time, then it names nobody and is removed', async () => {
    const { secret } = await start.execute(signInRequest());

    clock.advanceMs(30 * MINUTE);

    expect(await viewerIdOf(secret!)).to.equal(null);
    expect(sessions.sessions.size).to.equal(0);
  });

  it('when the session is used every few minutes, then it still ends at the longest lifetime after sign-in', async () => {
    const { secret } = await start.execute(signInRequest());
    for (let minutes = 0; minutes < 12 * 60 - 10; minutes += 10) {
      clock.advanceMs(10 * MINUTE);
      expect(await viewerIdOf(secret!), `after ${minutes + 10} minutes`).to.equal(accountId);
    }

    clock.advanceMs(10 * MINUTE);

    expect(await viewerIdOf(secret!)).to.equal(null);
  });

  it('when a request carries a bearer token too, then the token alone decides', async () => {
    const { secret } = await start.execute(signInRequest());

    expect(await viewerIdOf(secret!, 'forged')).to.equal(null);
    expect(await viewerIdOf(undefined, `token-for-${accountId}`)).to.equal(accountId);
  });

  it('when the session is ended, then it names nobody at once, and ending it again says there was nothing to end', async () => {
    const { secret } = await start.execute(signInRequest());
    const end = new EndBrowserSession(sessions);

    expect(await end.execute(secret!)).to.equal(true);
    expect(await viewerIdOf(secret!)).to.equal(null);
    expect([await end.execute(secret!), await end.execute(undefined)]).to.deep.equal([false, false]);
  });
});
