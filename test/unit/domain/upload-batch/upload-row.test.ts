import { expect } from 'chai';
import type { Actor } from '../../../../src/domain/shared/actor';
import { checkUploadedRow, decideRowOutcome, failureMessage } from '../../../../src/domain/upload-batch/upload-row';

const siteAdmin: Actor = { accountId: 1, roleCode: 'SITE_ADMIN', districtId: 1, schoolSiteIds: [10] };
const row = (cells: string[], lineNumber = 2) => ({ lineNumber, cells });

const failureOf = (cells: string[], uploader: Actor = siteAdmin) => {
  const checked = checkUploadedRow(row(cells), uploader);
  if (checked.ok) throw new Error('expected a failure');
  return checked.error;
};

describe('upload rows', () => {
  it('when every cell is valid, then the row is a candidate with trimmed values and the matched role', () => {
    const checked = checkUploadedRow(row(['  Zoë ', "O'Neil", ' Zoe@Example.org ', ' counselor – caseload only ']), siteAdmin);
    expect(checked.ok).to.equal(true);
    if (!checked.ok) return;
    expect(checked.value.firstName).to.equal('Zoë');
    expect(checked.value.email.normalized).to.equal('zoe@example.org');
    expect(checked.value.role.code).to.equal('COUNSELOR_CASELOAD_ONLY');
    expect(checked.value.roleAsWritten).to.equal('counselor – caseload only');
  });

  it('when cells are empty, then MISSING_FIELD names every empty column', () => {
    const failure = failureOf(['', 'Li', ' ', 'Educator']);
    expect(failure.code).to.equal('MISSING_FIELD');
    expect(failure.reason).to.equal('Missing First Name, Email: every column must be filled in.');
  });

  it('when the row has five cells, then WRONG_COLUMN_COUNT says how many', () => {
    const failure = failureOf(['Ana', 'Li', 'ana@example.org', 'Educator', 'extra']);
    expect(failure.code).to.equal('WRONG_COLUMN_COUNT');
    expect(failure.reason).to.contain('5 cells').and.contain('template has 4');
  });

  it('when a name is 101 characters or holds a tab, then INVALID_NAME', () => {
    expect(failureOf(['A'.repeat(101), 'Li', 'a@example.org', 'Educator']).code).to.equal('INVALID_NAME');
    expect(failureOf(['Ana', 'L\ti', 'a@example.org', 'Educator']).code).to.equal('INVALID_NAME');
  });

  it('when the email has no domain, then INVALID_EMAIL', () => {
    expect(failureOf(['Ana', 'Li', 'ana@', 'Educator']).code).to.equal('INVALID_EMAIL');
  });

  it('when the role is unknown, then UNKNOWN_ROLE quotes it and lists the usable roles', () => {
    const failure = failureOf(['Ana', 'Li', 'ana@example.org', 'Principal']);
    expect(failure.code).to.equal('UNKNOWN_ROLE');
    expect(failure.reason).to.contain('"Principal"').and.contain('Site Admin');
  });

  it('when the role is District Admin or Multi-Site Counselor, then ROLE_NOT_ALLOWED_IN_BULK', () => {
    expect(failureOf(['Ana', 'Li', 'ana@example.org', 'District Admin']).code).to.equal('ROLE_NOT_ALLOWED_IN_BULK');
    expect(failureOf(['Ana', 'Li', 'ana@example.org', 'multi-site counselor']).code).to.equal('ROLE_NOT_ALLOWED_IN_BULK');
  });

  it('when the uploader may not create accounts at all, then ROLE_NOT_ALLOWED', () => {
    const educator: Actor = { accountId: 2, roleCode: 'EDUCATOR', districtId: 1, schoolSiteIds: [10] };
    expect(failureOf(['Ana', 'Li', 'ana@example.org', 'Educator'], educator).code).to.equal('ROLE_NOT_ALLOWED');
  });

  it('when the failure message is built, then it reads "<role as written> with email <email> - not imported"', () => {
    expect(failureMessage('Educator', 'ana@example.org')).to.equal('Educator with email ana@example.org - not imported');
  });

  describe('outcome against the database and earlier lines', () => {
    const candidate = (lineNumber: number) => {
      const checked = checkUploadedRow(row(['Ana', 'Li', 'ana@example.org', 'Educator'], lineNumber), siteAdmin);
      if (!checked.ok) throw new Error('valid row expected');
      return checked.value;
    };

    it('when an earlier line has the email, then DUPLICATE_IN_FILE names that line', () => {
      const outcome = decideRowOutcome(candidate(9), 3, undefined, 10);
      expect(outcome.kind).to.equal('fail');
      if (outcome.kind === 'fail') {
        expect(outcome.failure.code).to.equal('DUPLICATE_IN_FILE');
        expect(outcome.failure.reason).to.contain('line 3');
      }
    });

    it('when the account exists for this same site, then the row is skipped', () => {
      expect(decideRowOutcome(candidate(4), undefined, { expired: false, schoolSiteIds: [10] }, 10).kind).to.equal('skip');
    });

    it('when the account exists elsewhere, then EMAIL_TAKEN with the reason the log shows', () => {
      const outcome = decideRowOutcome(candidate(4), undefined, { expired: false, schoolSiteIds: [11] }, 10);
      expect(outcome.kind === 'fail' && outcome.failure.code).to.equal('EMAIL_TAKEN');
      expect(outcome.kind === 'fail' && outcome.failure.reason).to.equal('Email has already been taken');
    });

    it('when the account expired, then it is created again', () => {
      expect(decideRowOutcome(candidate(4), undefined, { expired: true, schoolSiteIds: [11] }, 10).kind).to.equal('recreate');
    });

    it('when nothing matches, then it is created', () => {
      expect(decideRowOutcome(candidate(4), undefined, undefined, 10).kind).to.equal('create');
    });
  });
});
