import { expect } from 'chai';
import { EducatorAccount, registrationDeadlineFor, type AccountCorrection, type CorrectedAccount } from '../../../../src/domain/educator/educator-account';
import { anEducator, NORTH_HIGH, SOUTH_MIDDLE } from '../../../support/builders';

const LATER = new Date('2026-09-05T10:00:00.000Z');

const correct = (account: EducatorAccount, correction: AccountCorrection, now = LATER): CorrectedAccount => {
  const result = account.correctedWith(correction, now);
  if (!result.ok) throw new Error(`Expected a correction: ${result.error.code}`);
  return result.value;
};
const refusalOf = (account: EducatorAccount, correction: AccountCorrection) => {
  const result = account.correctedWith(correction, LATER);
  return result.ok ? null : { code: result.error.code, field: result.error.field };
};

describe('EducatorAccount.correctedWith', () => {
  const pending = anEducator().withId(5).build();
  const registered = anEducator().withId(5).registered('hash').build();

  it('when a pending account gets a new email, then a new creation moment (new code), a fresh deadline and an invitation are due', () => {
    const corrected = correct(pending, { email: ' Ana.Perez@Example.org ' });

    expect(corrected.changed).to.deep.equal(['email']);
    expect(corrected.reinvite).to.equal(true);
    expect(corrected.account.email.value).to.equal('Ana.Perez@Example.org');
    expect(corrected.account.createdAt).to.deep.equal(LATER);
    expect(corrected.account.registrationDeadline).to.deep.equal(registrationDeadlineFor(LATER));
    expect(corrected.account.id).to.equal(5);
  });

  it('when the same address comes in other letter case, then it is kept as typed, with no new invitation', () => {
    const corrected = correct(registered, { email: 'Ana.Lopez@example.org' });

    expect(corrected.changed).to.deep.equal(['email']);
    expect(corrected.reinvite).to.equal(false);
    expect(corrected.account.createdAt).to.deep.equal(registered.createdAt);
  });

  it('when a registered account gets a new email, then EMAIL_LOCKED_AFTER_REGISTRATION; a deactivated one EMAIL_LOCKED_WHILE_DEACTIVATED', () => {
    const deactivated = anEducator().withId(5).build();
    deactivated.deactivate(LATER);

    expect(refusalOf(registered, { email: 'new@example.org' })).to.deep.equal({ code: 'EMAIL_LOCKED_AFTER_REGISTRATION', field: ['email'] });
    expect(refusalOf(deactivated, { email: 'new@example.org' })).to.deep.equal({ code: 'EMAIL_LOCKED_WHILE_DEACTIVATED', field: ['email'] });
  });

  it("when a registered account's names are corrected, then they are trimmed and saved, and its code stays", () => {
    const corrected = correct(registered, { firstName: ' Anabel ', lastName: 'López' });

    expect(corrected.changed).to.deep.equal(['firstName']);
    expect(corrected.account.snapshot).to.include({ firstName: 'Anabel', lastName: 'López' });
    expect(corrected.reinvite).to.equal(false);
  });

  it('when a name or the email is invalid, then the creation refusal beside its field', () => {
    expect(refusalOf(pending, { firstName: '  ' })).to.deep.equal({ code: 'INVALID_NAME', field: ['firstName'] });
    expect(refusalOf(pending, { lastName: 'x'.repeat(101) })).to.deep.equal({ code: 'INVALID_NAME', field: ['lastName'] });
    expect(refusalOf(pending, { email: 'not an email' })).to.deep.equal({ code: 'INVALID_EMAIL', field: ['email'] });
  });

  it('when role and sites are given, then a change is reported only where they differ (sites in any order)', () => {
    const counselor = anEducator().withId(5).withRole('MULTI_SITE_COUNSELOR', [NORTH_HIGH, SOUTH_MIDDLE]).build();

    expect(correct(counselor, { roleCode: 'MULTI_SITE_COUNSELOR', schoolSiteIds: [SOUTH_MIDDLE.id, NORTH_HIGH.id] }).changed).to.deep.equal([]);
    expect(correct(counselor, { roleCode: 'EDUCATOR', schoolSiteIds: [SOUTH_MIDDLE.id] }).changed).to.deep.equal(['roleCode', 'schoolSiteIds']);
  });
});
