import { expect } from 'chai';
import {
  isResetUsable,
  passwordResetEmail,
  RESET_CODE_VALID_MINUTES,
  resetExpiryFor,
  type PasswordReset,
} from '../../../../src/domain/educator/password-reset';
import { anEducator } from '../../../support/builders';

const REQUESTED = new Date('2026-09-01T08:00:00.000Z');
const minutesLater = (minutes: number, extraMs = 0) => new Date(REQUESTED.getTime() + minutes * 60_000 + extraMs);
const reset = (overrides: Partial<PasswordReset> = {}): PasswordReset => ({
  id: 1,
  accountId: 7,
  requestedAt: REQUESTED,
  expiresAt: resetExpiryFor(REQUESTED),
  usedAt: null,
  ...overrides,
});

describe('Password resets', () => {
  it('when a reset is requested, then its code works for 30 minutes and not a millisecond more', () => {
    expect(RESET_CODE_VALID_MINUTES).to.equal(30);
    expect(isResetUsable(reset(), minutesLater(30, -1))).to.equal(true);
    expect(isResetUsable(reset(), minutesLater(30))).to.equal(false);
  });

  it('when a reset was used, then it is not usable again, even within its 30 minutes', () => {
    expect(isResetUsable(reset({ usedAt: minutesLater(1) }), minutesLater(2))).to.equal(false);
  });

  it('when the email is written, then it has the code on a line of its own and the link, and says how long the code works', () => {
    const email = passwordResetEmail({
      to: 'ana@example.org',
      resetCode: 'ABCD-EFGH-JKMN',
      resetLink: 'https://page.example/reset-password#email=ana@example.org',
    });
    const lines = email.text.split('\r\n');
    expect(email.to).to.equal('ana@example.org');
    expect(lines).to.include('Reset code: ABCD-EFGH-JKMN');
    expect(lines).to.include('https://page.example/reset-password#email=ana@example.org');
    expect(email.text).to.contain('30 minutes');
  });

  it('when a registered account changes its password or is deactivated, then its credentials version moves on each time; a second deactivation does not', () => {
    const account = anEducator().registered('old hash').build();
    account.changePassword('new hash');
    expect(account.credentialsVersion).to.equal(1);
    account.deactivate(REQUESTED);
    account.deactivate(minutesLater(5));
    expect(account.credentialsVersion).to.equal(2);
    account.reactivate();
    expect(account.credentialsVersion).to.equal(2);
  });

  it('when an unregistered account is given a password, then nothing changes, its version neither', () => {
    const account = anEducator().pending().build();
    account.changePassword('a hash');
    expect([account.passwordHash, account.credentialsVersion]).to.deep.equal([null, 0]);
  });
});
