import { expect } from 'chai';
import { RequestPasswordReset } from '../../../src/application/request-password-reset';
import { ResetPassword } from '../../../src/application/reset-password';
import { anEducator } from '../../support/builders';
import {
  FakePasswordHasher,
  FakeRegistrationCodes,
  FixedClock,
  InMemoryAttemptThrottle,
  InMemoryBrowserSessions,
  InMemoryEducatorAccountRepository,
  InMemoryPasswordResets,
  RecordingAuditTrail,
} from '../../support/fakes';

const EMAIL = 'ana.lopez@example.org';
const ADDRESS = '203.0.113.7';
const NEW_PASSWORD = 'a long enough new passphrase';

describe('RequestPasswordReset and ResetPassword', () => {
  let accounts: InMemoryEducatorAccountRepository;
  let resets: InMemoryPasswordResets;
  let codes: FakeRegistrationCodes;
  let throttle: InMemoryAttemptThrottle;
  let sessions: InMemoryBrowserSessions;
  let audit: RecordingAuditTrail;
  let clock: FixedClock;
  let requestReset: RequestPasswordReset;
  let resetPassword: ResetPassword;
  let accountId: number;

  beforeEach(async () => {
    accounts = new InMemoryEducatorAccountRepository();
    resets = new InMemoryPasswordResets();
    codes = new FakeRegistrationCodes();
    throttle = new InMemoryAttemptThrottle(5, 20);
    sessions = new InMemoryBrowserSessions();
    audit = new RecordingAuditTrail();
    clock = new FixedClock('2026-09-01T08:00:00.000Z');
    requestReset = new RequestPasswordReset(accounts, resets, throttle, audit, clock);
    resetPassword = new ResetPassword(accounts, resets, codes, new FakePasswordHasher(), sessions, throttle, audit, clock);
    const saved = await accounts.save(anEducator().withEmail(EMAIL).registered('hashed(old password here)').build());
    accountId = saved.ok ? saved.value : -1;
  });

  const latestCode = async (): Promise<string> => {
    const reset = (await resets.latestOf(accountId))!;
    return codes.codeFor({ id: reset.id, createdAt: reset.requestedAt });
  };
  const reset = async (code: string) =>
    (await resetPassword.execute({ email: EMAIL, code, newPassword: NEW_PASSWORD, clientAddress: ADDRESS })).userErrors.map((error) => error.code);

  it('when an unknown email asks, then the answer is the one an active account gets, nothing is queued and the audit names no account', async () => {
    const unknown = await requestReset.execute({ email: 'nobody@example.org', clientAddress: ADDRESS });
    const known = await requestReset.execute({ email: EMAIL, clientAddress: ADDRESS });

    expect(unknown).to.deep.equal(known);
    expect(resets.queued.map((email) => email.to)).to.deep.equal([EMAIL]);
    expect(audit.events.map((event) => [event.outcome, event.targetAccountId ?? null, event.districtId])).to.deep.equal([
      ['NO_ACTIVE_ACCOUNT', null, null],
      ['SUCCEEDED', accountId, anEducator().build().districtId],
    ]);
  });

  it('when the right code is given, then the password is set, every session ends, the sign-in failures are forgotten and the code is used', async () => {
    await requestReset.execute({ email: EMAIL, clientAddress: ADDRESS });
    await sessions.start({ accountId, startedAt: clock.now(), lastUsedAt: clock.now() }, new Date(clock.now().getTime() + 3_600_000));
    await throttle.reserve({ action: 'sign-in', account: EMAIL, address: ADDRESS });
    const code = await latestCode();

    expect(await reset(code)).to.deep.equal([]);

    const account = (await accounts.findById(accountId))!;
    expect([account.passwordHash, account.credentialsVersion]).to.deep.equal([`hashed(${NEW_PASSWORD})`, 1]);
    expect(sessions.sessions.size).to.equal(0);
    expect(throttle.failuresFor('sign-in', EMAIL)).to.equal(0);
    expect(await reset(code)).to.deep.equal(['INVALID_RESET_CODE']);
  });

  it('when the account was deactivated after asking, then its code no longer works', async () => {
    await requestReset.execute({ email: EMAIL, clientAddress: ADDRESS });
    const account = (await accounts.findById(accountId))!;
    account.deactivate(clock.now());
    await accounts.saveActivation(account);

    expect(await reset(await latestCode())).to.deep.equal(['INVALID_RESET_CODE']);
  });
});
