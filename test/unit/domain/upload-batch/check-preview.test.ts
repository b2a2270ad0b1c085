import { expect } from 'chai';
import { CHECK_KEPT_MS, checkFollowUpRefusal, checkKeptUntil, type CheckFacts } from '../../../../src/domain/upload-batch/check-preview';
import { failedColumn, type RowFailure } from '../../../../src/domain/upload-batch/upload-row';

const ended = new Date('2026-12-01T10:00:00Z');
const finishedCheck: CheckFacts = { status: 'COMPLETED', dryRun: true, endTime: ended, followedByBatchId: null };
const codeOf = (facts: Partial<CheckFacts>, now = ended) => checkFollowUpRefusal({ ...finishedCheck, ...facts }, now)?.code ?? null;

describe('a check as a preview', () => {
  it('when a check finished, then its file is kept until 7 days after its end, and no longer once a run followed it', () => {
    expect(checkKeptUntil(finishedCheck, ended)).to.deep.equal(new Date(ended.getTime() + CHECK_KEPT_MS));
    expect(checkKeptUntil(finishedCheck, new Date(ended.getTime() + CHECK_KEPT_MS))).to.equal(null);
    expect(checkKeptUntil({ ...finishedCheck, followedByBatchId: 9 }, ended)).to.equal(null);
    expect(checkKeptUntil({ ...finishedCheck, dryRun: false }, ended)).to.equal(null);
  });

  it('when something would follow a check, then each state that forbids it has its own code, and a finished check in time has none', () => {
    expect([
      codeOf({}),
      codeOf({ dryRun: false }),
      codeOf({ status: 'QUEUED', endTime: null }),
      codeOf({ status: 'PROCESSING', endTime: null }),
      codeOf({ status: 'REJECTED' }),
      codeOf({ status: 'CANCELLED' }),
      codeOf({ status: 'FAILED' }),
      codeOf({ followedByBatchId: 9 }),
      codeOf({}, new Date(ended.getTime() + CHECK_KEPT_MS + 1)),
    ]).to.deep.equal([
      null,
      'NOT_A_CHECK',
      'CHECK_NOT_FINISHED',
      'CHECK_NOT_FINISHED',
      'CHECK_NOT_USABLE',
      'CHECK_NOT_USABLE',
      'CHECK_NOT_USABLE',
      'CHECK_ALREADY_USED',
      'CHECK_EXPIRED',
    ]);
  });

  it("when a row fails, then the column to correct is the one its code is about: the first empty one, the bad name's, the email's or the role's", () => {
    const failure = (code: RowFailure['code'], cells: string[]): RowFailure => ({ lineNumber: 2, code, reason: '', roleAsWritten: '', email: null, cells });
    expect([
      failedColumn(failure('MISSING_FIELD', ['Ana', '', 'ana@example.org', 'Educator'])),
      failedColumn(failure('INVALID_NAME', ['Ana', 'www.evil.example', 'ana@example.org', 'Educator'])),
      failedColumn(failure('INVALID_NAME', ['www.evil.example', 'Li', 'ana@example.org', 'Educator'])),
      failedColumn(failure('EMAIL_TAKEN', ['Ana', 'Li', 'ana@example.org', 'Educator'])),
      failedColumn(failure('ROLE_NOT_ALLOWED', ['Ana', 'Li', 'ana@example.org', 'Site Admin'])),
      failedColumn(failure('WRONG_COLUMN_COUNT', ['Ana'])),
    ]).to.deep.equal([1, 1, 0, 2, 3, null]);
  });
});
