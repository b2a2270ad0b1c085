import { expect } from 'chai';
import { SignIn, type SignInRequest } from '../../../src/application/sign-in';
import { anEducator } from '../../support/builders';
import {
  FakePasswordHasher,
  FakeTokenIssuer,
  FixedClock,
  InMemoryAttemptThrottle,
  InMemoryEducatorAccountRepository,
  RecordingAuditTrail,
  RecordingSignInMetrics,
} from '../../support/fakes';

const PASSWORD = 'a long enough passphrase';

describe('SignIn', () => {
  let accounts: InMemoryEducatorAccountRepository;
  let passwords: FakePasswordHasher;
  let throttle: InMemoryAttemptThrottle;
  let clock: FixedClock;
  let signIn: SignIn;
  let metrics: RecordingSignInMetrics;
  let audit: RecordingAuditTrail;
  let activeId: number;

  const request = (overrides: Partial<SignInRequest> = {}): SignInRequest => ({
    username: 'ana.lopez@example.org',
    password: PASSWORD,
    clientAddress: '203.0.113.7',
    ...overrides,
  });

  beforeEach(async () => {
    accounts = new InMemoryEducatorAccountRepository();
    passwords = new FakePasswordHasher();
    throttle = new InMemoryAttemptThrottle(5, 20);
    clock = new FixedClock('2026-09-01T08:00:00.000Z');
    metrics = new RecordingSignInMetrics();
    audit = new RecordingAuditTrail();
    signIn = new SignIn(accounts, passwords, new FakeTokenIssuer(), throttle, clock, metrics, audit);
    const saved = await accounts.save(
      anEducator()
        .withEmail('Ana.Lopez@example.org')
        .createdAt(clock.now())
        .registered(await passwords.hash(PASSWORD))
        .build(),
    );
    activeId = saved.ok ? saved.value : -1;
    await accounts.save(anEducator().withEmail('pending@example.org').createdAt(clock.now()).pending().build());
  });

  it('when someone signs in, then SIGNED_IN is recorded as the account, with its district and site, the address and the time', async () => {
    await signIn.execute(request());

    const account = (await accounts.findById(activeId))!;
    expect(audit.events).to.deep.equal([
      {
        action: 'SIGNED_IN',
        outcome: 'SUCCEEDED',
        at: clock.now(),
        actorAccountId: activeId,
        districtId: account.districtId,
        schoolSiteId: account.schoolSiteIds[0],
        clientAddress: '203.0.113.7',
      },
    ]);
  });

  it('when a sign-in is refused, then SIGN_IN_REFUSED is recorded with the code and the normalized email tried, never the password', async () => {
    await signIn.execute(request({ username: ' ANA.Lopez@Example.org ', password: 'not the password at all' }));
    await signIn.execute(request({ username: 'Nobody@example.org' }));

    const account = (await accounts.findById(activeId))!;
    expect(
      audit.events.map(({ action, outcome, actorAccountId, actorEmail, targetAccountId, districtId }) => ({
        action,
        outcome,
        actorAccountId,
        actorEmail,
        targetAccountId,
        districtId,
      })),
    ).to.deep.equal([
      {
        action: 'SIGN_IN_REFUSED',
        outcome: 'INVALID_CREDENTIALS',
        actorAccountId: null,
        actorEmail: 'ana.lopez@example.org',
        targetAccountId: activeId,
        districtId: account.districtId,
      },
      {
        action: 'SIGN_IN_REFUSED',
        outcome: 'INVALID_CREDENTIALS',
        actorAccountId: null,
        actorEmail: 'nobody@example.org',
        targetAccountId: null,
        districtId: null,
      },
    ]);
    expect(JSON.stringify(audit.events)).to.not.contain('not the password');
  });

  it('when a sign-in is throttled, then SIGN_IN_REFUSED is recorded with TOO_MANY_ATTEMPTS', async () => {
    for (let attempt = 0; attempt < 6; attempt += 1) await signIn.execute(request({ password: 'wrong password here' }));

    expect(audit.events.at(-1)).to.include({ action: 'SIGN_IN_REFUSED', outcome: 'TOO_MANY_ATTEMPTS', actorEmail: 'ana.lopez@example.org' });
  });

  it('when the password is right, then a token for the account is issued', async () => {
    const outcome = await signIn.execute(request({ username: '  ANA.LOPEZ@example.org ' }));

    expect(outcome.userErrors).to.deep.equal([]);
    expect(outcome.token).to.equal(`token-for-${activeId}`);
    expect(outcome.account?.id).to.equal(activeId);
    expect(metrics.refusals).to.deep.equal([]);
  });

  it('when the password is wrong or the user unknown, then the answers are identical INVALID_CREDENTIALS', async () => {
    const wrongPassword = await signIn.execute(request({ password: 'not the password at all' }));
    const unknownUser = await signIn.execute(request({ username: 'nobody@example.org' }));

    expect(wrongPassword).to.deep.equal(unknownUser);
    expect(wrongPassword).to.deep.equal({
      token: null,
      account: null,
      userErrors: [{ code: 'INVALID_CREDENTIALS', message: 'That email and password do not match an active account.' }],
    });
  });

  it('when the user is unknown, then a decoy verification is still spent so timing does not tell', async () => {
    await signIn.execute(request({ username: 'nobody@example.org' }));

    expect(passwords.decoyVerifications).to.equal(1);
    expect(passwords.verifications).to.equal(0);
  });

  it('when the account has not registered yet, then INVALID_CREDENTIALS', async () => {
    const outcome = await signIn.execute(request({ username: 'pending@example.org' }));

    expect(outcome.userErrors.map((error) => error.code)).to.deep.equal(['INVALID_CREDENTIALS']);
  });

  it('when five wrong passwords were tried, then even the right one is refused with TOO_MANY_ATTEMPTS', async () => {
    const codes: string[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      codes.push(...(await signIn.execute(request({ password: `wrong password ${attempt}` }))).userErrors.map((error) => error.code));

    const outcome = await signIn.execute(request());

    expect(codes).to.deep.equal(Array(5).fill('INVALID_CREDENTIALS'));
    expect(outcome.token).to.equal(null);
    expect(outcome.userErrors.map((error) => error.code)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    expect(metrics.refusals, 'each refusal is counted by its code').to.deep.equal([...Array(5).fill('INVALID_CREDENTIALS'), 'TOO_MANY_ATTEMPTS']);
  });

  it('when an address fails against twenty different usernames, then a valid account from that address is refused with TOO_MANY_ATTEMPTS', async () => {
    for (let attempt = 0; attempt < 20; attempt += 1) await signIn.execute(request({ username: `guess${attempt}@example.org` }));

    const fromSameAddress = await signIn.execute(request());
    const fromElsewhere = await signIn.execute(request({ clientAddress: '198.51.100.9' }));

    expect(fromSameAddress.userErrors.map((error) => error.code)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    expect(fromElsewhere.userErrors).to.deep.equal([]);
  });

  it('when the throttle has no attempt left, then TOO_MANY_ATTEMPTS and no password is verified, not even a decoy', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) await signIn.execute(request({ password: `wrong password ${attempt}` }));
    const verifications = passwords.verifications;

    await signIn.execute(request());
    await signIn.execute(request({ clientAddress: '198.51.100.9' }));

    expect([passwords.verifications - verifications, passwords.decoyVerifications]).to.deep.equal([0, 0]);
  });

  it('when the password is right, then the attempt it reserved is given back to the address and the account has no failures left', async () => {
    await signIn.execute(request({ password: 'wrong password' }));

    await signIn.execute(request());

    expect(throttle.failuresFor('sign-in', 'ana.lopez@example.org')).to.equal(0);
    expect(throttle.failures.get('sign-in:address:203.0.113.7')).to.equal(1);
  });

  it('when a success comes between failures, then the account counter starts again', async () => {
    for (let attempt = 0; attempt < 4; attempt += 1) await signIn.execute(request({ password: 'wrong password' }));
    await signIn.execute(request());
    for (let attempt = 0; attempt < 4; attempt += 1) await signIn.execute(request({ password: 'wrong password' }));

    const outcome = await signIn.execute(request());

    expect(outcome.userErrors).to.deep.equal([]);
    expect(outcome.token).to.equal(`token-for-${activeId}`);
  });
});
