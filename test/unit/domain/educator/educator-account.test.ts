import { expect } from 'chai';
import {
  checkPasswordStrength,
  EducatorAccount,
  REGISTRATION_WINDOW_DAYS,
  registrationDeadlineFor,
  type NewAccountDetails,
} from '../../../../src/domain/educator/educator-account';
import { invitationEmail } from '../../../../src/domain/educator/invitation';
import { anEducator, DISTRICT_ONE, NORTH_HIGH, SOUTH_MIDDLE } from '../../../support/builders';

const DAY_MS = 24 * 60 * 60 * 1000;
const CREATED = new Date('2026-09-01T08:00:00.000Z');
const at = (daysAfterCreation: number, extraMs = 0) => new Date(CREATED.getTime() + daysAfterCreation * DAY_MS + extraMs);

const details = (overrides: Partial<NewAccountDetails> = {}): NewAccountDetails => ({
  firstName: 'Ana',
  lastName: 'López',
  email: 'ana.lopez@example.org',
  roleCode: 'EDUCATOR',
  districtId: DISTRICT_ONE.id,
  schoolSiteIds: [NORTH_HIGH.id],
  createdByAccountId: 7,
  now: CREATED,
  ...overrides,
});

const created = (overrides: Partial<NewAccountDetails> = {}): EducatorAccount => {
  const result = EducatorAccount.create(details(overrides));
  if (!result.ok) throw new Error(`Expected a valid account: ${result.error.code}`);
  return result.value;
};

describe('EducatorAccount', () => {
  describe('create', () => {
    it('when created, then the registration deadline is exactly 60 days after creation', () => {
      const account = created();
      expect(REGISTRATION_WINDOW_DAYS).to.equal(60);
      expect(account.registrationDeadline.toISOString()).to.equal('2026-10-31T08:00:00.000Z');
      expect(registrationDeadlineFor(CREATED).getTime() - CREATED.getTime()).to.equal(60 * DAY_MS);
    });

    it('when created, then it holds the trimmed names, the email, role, sites, code hash and creator, and no id or password yet', () => {
      const account = created({ firstName: '  Ana ', lastName: ' López  ', email: '  Ana.Lopez@Example.org ' });
      const state = account.snapshot;
      expect(state.id).to.equal(null);
      expect([state.firstName, state.lastName]).to.deep.equal(['Ana', 'López']);
      expect(state.email.value).to.equal('Ana.Lopez@Example.org');
      expect(state.email.normalized).to.equal('ana.lopez@example.org');
      expect(state.roleCode).to.equal('EDUCATOR');
      expect(state.schoolSiteIds).to.deep.equal([NORTH_HIGH.id]);
      expect(state.createdByAccountId).to.equal(7);
      expect(state.passwordHash).to.equal(null);
      expect(state.registeredAt).to.equal(null);
      expect(state.createdAt.toISOString()).to.equal(CREATED.toISOString());
    });

    it('when the first name is blank, then INVALID_NAME on firstName', () => {
      const result = EducatorAccount.create(details({ firstName: '   ' }));
      expect(!result.ok && [result.error.code, result.error.field]).to.deep.equal(['INVALID_NAME', ['firstName']]);
    });

    it('when the last name holds a line break, then INVALID_NAME on lastName', () => {
      const result = EducatorAccount.create(details({ lastName: 'López\nDROP' }));
      expect(!result.ok && [result.error.code, result.error.field]).to.deep.equal(['INVALID_NAME', ['lastName']]);
    });

    it('when the email is malformed, then INVALID_EMAIL on email', () => {
      const result = EducatorAccount.create(details({ email: 'ana.lopez-at-example.org' }));
      expect(!result.ok && [result.error.code, result.error.field]).to.deep.equal(['INVALID_EMAIL', ['email']]);
    });

    it('when the caller later changes the sites array it passed, then the account is not affected', () => {
      const sites = [NORTH_HIGH.id];
      const account = created({ schoolSiteIds: sites });
      sites.push(SOUTH_MIDDLE.id);
      account.schoolSiteIds.push(99);
      expect(account.schoolSiteIds).to.deep.equal([NORTH_HIGH.id]);
    });

    it('when its role is described, then the display name is used', () => {
      expect(created({ roleCode: 'COUNSELOR_CASELOAD_ONLY' }).describeRole()).to.equal('Counselor—Caseload Only');
    });
  });

  describe('status', () => {
    it('when just created, then PENDING_REGISTRATION', () => {
      expect(created().status(CREATED)).to.equal('PENDING_REGISTRATION');
    });

    it('when 59 days have passed, then still PENDING_REGISTRATION', () => {
      expect(created().status(at(59))).to.equal('PENDING_REGISTRATION');
    });

    it('when the clock is exactly at the deadline, then still PENDING_REGISTRATION', () => {
      expect(created().status(at(60))).to.equal('PENDING_REGISTRATION');
    });

    it('when one millisecond past the deadline, then EXPIRED', () => {
      expect(created().status(at(60, 1))).to.equal('EXPIRED');
    });

    it('when 61 days have passed unregistered, then EXPIRED', () => {
      expect(created().status(at(61))).to.equal('EXPIRED');
    });

    it('when registered, then ACTIVE, and still ACTIVE long after the deadline', () => {
      const account = created();
      account.register('password-hash', at(10));
      expect(account.status(at(10))).to.equal('ACTIVE');
      expect(account.status(at(400))).to.equal('ACTIVE');
    });
  });

  describe('register', () => {
    it('when pending, then it becomes ACTIVE with the password hash', () => {
      const account = created();
      const result = account.register('password-hash', at(1));
      expect(result).to.deep.equal({ ok: true, value: undefined });
      expect(account.passwordHash).to.equal('password-hash');
      expect(account.snapshot.registeredAt?.toISOString()).to.equal(at(1).toISOString());
    });

    it('when registering on the last day, then it succeeds', () => {
      const account = created();
      expect(account.register('password-hash', at(60)).ok).to.equal(true);
    });

    it('when already registered, then INVALID_CODE and the first password stays', () => {
      const account = created();
      account.register('first-hash', at(1));
      const again = account.register('second-hash', at(2));
      expect(!again.ok && again.error.code).to.equal('INVALID_CODE');
      expect(account.passwordHash).to.equal('first-hash');
    });

    it('when the deadline has passed, then REGISTRATION_EXPIRED telling the educator to ask their administrator, and nothing changes', () => {
      const account = created();
      const result = account.register('password-hash', at(61));
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.error.code).to.equal('REGISTRATION_EXPIRED');
      expect(result.error.message).to.match(/administrator/i);
      expect(result.error.message).to.match(/create your account again/);
      expect(account.status(at(61))).to.equal('EXPIRED');
      expect(account.passwordHash).to.equal(null);
      expect(account.snapshot.registeredAt).to.equal(null);
    });
  });

  describe('recreateFrom', () => {
    const replacementAt = at(70);
    const replacement = () =>
      created({ roleCode: 'COUNSELOR', schoolSiteIds: [SOUTH_MIDDLE.id], firstName: 'Ana B.', now: replacementAt, createdByAccountId: 8 });

    it('when the existing account expired, then the replacement keeps the row id and takes the new role, sites, creation time (so a new code) and deadline', () => {
      const expired = anEducator().withId(42).createdAt(CREATED).pending().build();
      const result = expired.recreateFrom(replacement(), replacementAt);
      expect(result.ok).to.equal(true);
      if (!result.ok) return;
      const state = result.value.snapshot;
      expect(state.id).to.equal(42);
      expect(state.roleCode).to.equal('COUNSELOR');
      expect(state.schoolSiteIds).to.deep.equal([SOUTH_MIDDLE.id]);
      expect(state.firstName).to.equal('Ana B.');
      expect(state.createdAt.toISOString()).to.equal(replacementAt.toISOString());
      expect(state.registrationDeadline.toISOString()).to.equal(new Date(replacementAt.getTime() + 60 * DAY_MS).toISOString());
      expect(result.value.status(replacementAt)).to.equal('PENDING_REGISTRATION');
    });

    it('when the existing account is still pending, then EMAIL_TAKEN', () => {
      const pending = anEducator().withId(42).createdAt(at(30)).pending().build();
      const result = pending.recreateFrom(replacement(), replacementAt);
      expect(!result.ok && [result.error.code, result.error.field]).to.deep.equal(['EMAIL_TAKEN', ['email']]);
    });

    it('when the existing account is active, even past its deadline, then EMAIL_TAKEN', () => {
      const active = anEducator().withId(42).createdAt(CREATED).registered('hash', at(1)).build();
      const result = active.recreateFrom(replacement(), replacementAt);
      expect(!result.ok && result.error.code).to.equal('EMAIL_TAKEN');
    });
  });
});

describe('deactivation', () => {
  const now = new Date('2026-09-10T08:00:00.000Z');

  it('when a registered account is deactivated and reactivated, then it reads DEACTIVATED and then ACTIVE again', () => {
    const account = anEducator().createdAt('2026-09-01T08:00:00.000Z').registered('hash', '2026-09-02T08:00:00.000Z').build();
    account.deactivate(now);
    expect(account.status(now)).to.equal('DEACTIVATED');
    account.reactivate();
    expect(account.status(now)).to.equal('ACTIVE');
  });

  it('when a pending account is deactivated past its deadline, then it stays DEACTIVATED (never EXPIRED) and reactivated it is EXPIRED', () => {
    const account = anEducator().createdAt('2026-09-01T08:00:00.000Z').pending().build();
    account.deactivate(now);
    const later = new Date(now.getTime() + (REGISTRATION_WINDOW_DAYS + 1) * DAY_MS);
    expect(account.status(later)).to.equal('DEACTIVATED');
    expect(account.register('hash', now).ok).to.equal(false);
    account.reactivate();
    expect(account.status(later)).to.equal('EXPIRED');
    expect(account.status(now)).to.equal('PENDING_REGISTRATION');
  });

  it('when an account is deactivated twice, then the first moment stands', () => {
    const account = anEducator().build();
    account.deactivate(now);
    account.deactivate(new Date(now.getTime() + DAY_MS));
    expect(account.snapshot.deactivatedAt).to.deep.equal(now);
  });
});

describe('checkPasswordStrength', () => {
  const cases: [string, string, boolean][] = [
    ['', 'empty', false],
    ['a'.repeat(11), '11 characters', false],
    ['a'.repeat(12), '12 characters', true],
    ['correct horse battery staple', 'a short sentence', true],
    ['a'.repeat(128), '128 characters', true],
    ['a'.repeat(129), '129 characters', false],
    ['🔒'.repeat(6), '6 emoji (12 UTF-16 units)', false],
    ['🔒'.repeat(12), '12 emoji', true],
    ['🔒'.repeat(128), '128 emoji (256 UTF-16 units)', true],
    [' '.repeat(12), '12 spaces', false],
    [' '.repeat(128), '128 spaces', false],
    ['\t\n\u00A0\u3000'.repeat(3), '12 tabs, line breaks and wide spaces', false],
    ['\u200B'.repeat(12), '12 zero-width spaces', false],
    ['a b c d e f g h i j k', '11 letters spaced out to 21 characters', false],
    ['   abcdefghijkl   ', '12 letters with spaces around them', true],
    ['my cat is 12 years', 'a sentence with 14 characters besides its spaces', true],
  ];
  for (const [password, label, accepted] of cases) {
    it(`when the password is ${label}, then ${accepted ? 'it is accepted' : 'WEAK_PASSWORD'}`, () => {
      const result = checkPasswordStrength(password);
      if (accepted) expect(result).to.deep.equal({ ok: true, value: undefined });
      else expect(!result.ok && [result.error.code, result.error.field]).to.deep.equal(['WEAK_PASSWORD', ['password']]);
    });
  }

  it('when refused, then the message states the 12 to 128 range', () => {
    const result = checkPasswordStrength('short');
    expect(!result.ok && result.error.message).to.contain('12 to 128 characters');
  });
});

describe('invitationEmail', () => {
  it('when composed, then it is addressed to the educator and holds the code line, the registration link, the deadline day, the role and the place', () => {
    const message = invitationEmail({
      to: 'Ana.Lopez@example.org',
      firstName: 'Ana',
      roleName: 'Counselor',
      placeName: 'North High',
      registrationCode: 'ABCD-EFGH-JKMN',
      registrationDeadline: new Date('2026-10-31T08:00:00.000Z'),
      registrationLink: 'https://accounts.example.org/register#email=Ana.Lopez%40example.org&code=ABCD-EFGH-JKMN',
    });
    expect(message.to).to.equal('Ana.Lopez@example.org');
    const lines = message.text.split('\r\n');
    expect(lines).to.include('Registration code: ABCD-EFGH-JKMN');
    expect(lines).to.include('https://accounts.example.org/register#email=Ana.Lopez%40example.org&code=ABCD-EFGH-JKMN');
    expect(message.text).to.contain('2026-10-31');
    expect(message.text).to.contain('as Counselor at North High');
  });
});
