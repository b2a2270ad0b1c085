import { expect } from 'chai';
import { RegisterAccount, type RegisterAccountRequest } from '../../../src/application/register-account';
import { anEducator } from '../../support/builders';
import { FakePasswordHasher, FakeRegistrationCodes, FixedClock, InMemoryAttemptThrottle, InMemoryEducatorAccountRepository } from '../../support/fakes';

describe('RegisterAccount', () => {
  let accounts: InMemoryEducatorAccountRepository;
  let codes: FakeRegistrationCodes;
  let throttle: InMemoryAttemptThrottle;
  let clock: FixedClock;
  let register: RegisterAccount;
  let accountId: number;
  let code: string;

  const request = (overrides: Partial<RegisterAccountRequest> = {}): RegisterAccountRequest => ({
    email: 'ana.lopez@example.org',
    registrationCode: code,
    password: 'a long enough passphrase',
    educationalInterestAccepted: true,
    clientAddress: '203.0.113.7',
    ...overrides,
  });

  beforeEach(async () => {
    accounts = new InMemoryEducatorAccountRepository();
    codes = new FakeRegistrationCodes();
    throttle = new InMemoryAttemptThrottle(5, 20);
    clock = new FixedClock('2026-09-01T08:00:00.000Z');
    register = new RegisterAccount(accounts, codes, new FakePasswordHasher(), throttle, clock);
    const saved = await accounts.save(anEducator().withEmail('Ana.Lopez@example.org').createdAt(clock.now()).pending().build());
    accountId = saved.ok ? saved.value : -1;
    code = codes.codeFor({ id: accountId, createdAt: clock.now() });
    clock.advanceDays(3);
  });

  const stored = async () => (await accounts.findById(accountId))!;

  it('when the emailed code, a strong password and the attestation are given, then the account becomes ACTIVE with the hashed password', async () => {
    const outcome = await register.execute(request());

    expect(outcome.userErrors).to.deep.equal([]);
    expect(outcome.account?.id).to.equal(accountId);
    const account = await stored();
    expect(account.status(clock.now())).to.equal('ACTIVE');
    expect(account.passwordHash).to.equal('hashed(a long enough passphrase)');
  });

  it('when the email is typed in another case with spaces and the code in lower case without dashes, then it still registers', async () => {
    const outcome = await register.execute(request({ email: '  ANA.LOPEZ@Example.org ', registrationCode: code.replace(/-/g, '').toLowerCase() }));

    expect(outcome.userErrors).to.deep.equal([]);
    expect((await stored()).status(clock.now())).to.equal('ACTIVE');
  });

  it('when the code is used a second time, then INVALID_CODE and the first password stays', async () => {
    await register.execute(request());

    const second = await register.execute(request({ password: 'another long passphrase' }));

    expect(second.account).to.equal(null);
    expect(second.userErrors.map((error) => [error.code, error.field])).to.deep.equal([['INVALID_CODE', ['registrationCode']]]);
    expect((await stored()).passwordHash).to.equal('hashed(a long enough passphrase)');
  });

  it('when the right code comes ten times at once with ten passwords, then one registers, nine get INVALID_CODE, and the winner’s password stays', async () => {
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, index) => register.execute(request({ password: `long enough passphrase ${index}` }))));

    const winners = outcomes.flatMap((outcome, index) => (outcome.userErrors.length === 0 ? [index] : []));
    expect(winners).to.have.length(1);
    expect(outcomes.filter((outcome) => outcome.userErrors.map((error) => error.code).join() === 'INVALID_CODE')).to.have.length(9);
    expect((await stored()).passwordHash).to.equal(`hashed(long enough passphrase ${winners[0]})`);
  });

  it('when the right code is sent, then nothing is counted against the account or the address', async () => {
    await register.execute(request());

    expect(throttle.failures.size).to.equal(0);
  });

  it('when the code is wrong, then INVALID_CODE, the account stays pending and the failure is counted', async () => {
    const outcome = await register.execute(request({ registrationCode: 'ZZZZ-ZZZZ-ZZZZ' }));

    expect(outcome.userErrors.map((error) => error.code)).to.deep.equal(['INVALID_CODE']);
    expect((await stored()).status(clock.now())).to.equal('PENDING_REGISTRATION');
    expect(throttle.failuresFor('register', 'ana.lopez@example.org')).to.equal(1);
  });

  it('when the email is unknown, then the same INVALID_CODE answer as a wrong code', async () => {
    const unknown = await register.execute(request({ email: 'nobody@example.org' }));
    const wrong = await register.execute(request({ registrationCode: 'ZZZZ-ZZZZ-ZZZZ' }));

    expect(unknown).to.deep.equal(wrong);
    expect(unknown.userErrors.map((error) => error.code)).to.deep.equal(['INVALID_CODE']);
  });

  it('when five wrong codes were tried, then even the right code is refused with TOO_MANY_ATTEMPTS', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) await register.execute(request({ registrationCode: `WRNG-CODE-000${attempt}` }));

    const outcome = await register.execute(request());

    expect(outcome.userErrors.map((error) => error.code)).to.deep.equal(['TOO_MANY_ATTEMPTS']);
    expect((await stored()).status(clock.now())).to.equal('PENDING_REGISTRATION');
  });

  it('when more than 60 days have passed, then REGISTRATION_EXPIRED telling the educator to ask their administrator, and the account stays unregistered', async () => {
    clock.advanceDays(58);

    const outcome = await register.execute(request());

    expect(outcome.account).to.equal(null);
    expect(outcome.userErrors).to.have.length(1);
    expect(outcome.userErrors[0].code).to.equal('REGISTRATION_EXPIRED');
    expect(outcome.userErrors[0].message).to.match(/administrator to create your account again/);
    const account = await stored();
    expect(account.status(clock.now())).to.equal('EXPIRED');
    expect(account.passwordHash).to.equal(null);
  });

  it('when the password is 11 characters, then WEAK_PASSWORD and nothing is counted or changed', async () => {
    const outcome = await register.execute(request({ password: 'elevenchars' }));

    expect(outcome.userErrors.map((error) => [error.code, error.field])).to.deep.equal([['WEAK_PASSWORD', ['password']]]);
    expect((await stored()).status(clock.now())).to.equal('PENDING_REGISTRATION');
    expect(throttle.failuresFor('register', 'ana.lopez@example.org')).to.equal(0);
  });

  it('when the educational interest attestation is not accepted, then ATTESTATION_REQUIRED and the account stays pending', async () => {
    const outcome = await register.execute(request({ educationalInterestAccepted: false }));

    expect(outcome.userErrors.map((error) => [error.code, error.field])).to.deep.equal([['ATTESTATION_REQUIRED', ['educationalInterestAccepted']]]);
    expect((await stored()).status(clock.now())).to.equal('PENDING_REGISTRATION');
  });
});
