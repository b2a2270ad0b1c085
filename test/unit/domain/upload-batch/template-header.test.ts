import { expect } from 'chai';
import { compareHeader } from '../../../../src/domain/upload-batch/template-header';

const EXPECTED = 'Expected: First Name, Last Name, Email, User Role';

const reasonFor = (cells: string[]): string => {
  const result = compareHeader(cells);
  if (result.ok) throw new Error(`expected ${JSON.stringify(cells)} to be refused`);
  expect(result.error.code).to.equal('TEMPLATE_CHANGED');
  return result.error.reason;
};

describe('compareHeader', () => {
  describe('accepted headers', () => {
    it('when the header is exactly the template, then it is accepted with nothing ignored', () => {
      expect(compareHeader(['First Name', 'Last Name', 'Email', 'User Role'])).to.deep.equal({
        ok: true,
        value: { templateColumnCount: 4, ignoredTrailingColumns: 0 },
      });
    });

    it('when headings differ only in letter case and surrounding spaces, then it is accepted', () => {
      expect(compareHeader([' first name', 'LAST NAME ', '  eMail  ', 'user role'])).to.deep.equal({
        ok: true,
        value: { templateColumnCount: 4, ignoredTrailingColumns: 0 },
      });
    });

    it('when our failure download appended Line Number and Reason, then both are recognised and ignored', () => {
      expect(compareHeader(['First Name', 'Last Name', 'Email', 'User Role', 'Line Number', 'Reason'])).to.deep.equal({
        ok: true,
        value: { templateColumnCount: 4, ignoredTrailingColumns: 2 },
      });
    });

    it('when the fix-file headings have other case and spaces, then they are still recognised', () => {
      expect(compareHeader(['First Name', 'Last Name', 'Email', 'User Role', ' line number ', 'REASON'])).to.deep.equal({
        ok: true,
        value: { templateColumnCount: 4, ignoredTrailingColumns: 2 },
      });
    });

    it('when Excel wrote empty headings after the template, then they are ignored and counted', () => {
      expect(compareHeader(['First Name', 'Last Name', 'Email', 'User Role', '', ' '])).to.deep.equal({
        ok: true,
        value: { templateColumnCount: 4, ignoredTrailingColumns: 2 },
      });
    });

    it('when a fix file also has empty headings after Reason, then all of them are ignored', () => {
      expect(compareHeader(['First Name', 'Last Name', 'Email', 'User Role', 'Line Number', 'Reason', '', ''])).to.deep.equal({
        ok: true,
        value: { templateColumnCount: 4, ignoredTrailingColumns: 4 },
      });
    });
  });

  describe('refused headers', () => {
    it('when one column is missing, then the reason names it', () => {
      expect(reasonFor(['First Name', 'Last Name', 'Email'])).to.equal(`Missing column: User Role. ${EXPECTED}`);
    });

    it('when several columns are missing, then the reason uses the plural and names them in template order', () => {
      expect(reasonFor(['First Name', 'Last Name'])).to.equal(`Missing columns: Email, User Role. ${EXPECTED}`);
    });

    it('when the header has no headings at all, then every template column is reported missing', () => {
      expect(reasonFor([])).to.equal(`Missing columns: First Name, Last Name, Email, User Role. ${EXPECTED}`);
    });

    it('when a column was renamed, then the reason names the missing and the unexpected column', () => {
      expect(reasonFor(['First Name', 'Last Name', 'Email', 'Title'])).to.equal(
        'Missing column: User Role. Unexpected column: Title. Expected: First Name, Last Name, Email, User Role',
      );
    });

    it('when a column was added, then the reason names it as it is spelled in the file', () => {
      expect(reasonFor(['First Name', 'Last Name', 'Email', 'User Role', ' Phone '])).to.equal(`Unexpected column: Phone. ${EXPECTED}`);
    });

    it('when several columns were added, then the reason uses the plural', () => {
      expect(reasonFor(['First Name', 'Last Name', 'Email', 'User Role', 'Phone', 'School'])).to.equal(`Unexpected columns: Phone, School. ${EXPECTED}`);
    });

    it('when the same names are present in another order, then the reason shows the order found', () => {
      expect(reasonFor(['Email', 'First Name', 'Last Name', 'User Role'])).to.equal(
        'Columns are in a different order: Email, First Name, Last Name, User Role. Expected: First Name, Last Name, Email, User Role',
      );
    });

    it('when a column appears twice, then the reason names the repeated column', () => {
      expect(reasonFor(['First Name', 'Last Name', 'Email', 'User Role', 'email'])).to.equal(`Repeated column: Email. ${EXPECTED}`);
    });

    it('when a heading in the middle is empty, then the reason gives its position', () => {
      expect(reasonFor(['First Name', '', 'Last Name', 'Email', 'User Role'])).to.equal(`Column 2 has no heading. ${EXPECTED}`);
    });

    it('when only Line Number was appended, then it is an unexpected column', () => {
      expect(reasonFor(['First Name', 'Last Name', 'Email', 'User Role', 'Line Number'])).to.equal(`Unexpected column: Line Number. ${EXPECTED}`);
    });

    it('when the fix-file columns were swapped, then the order is described against the fix-file layout', () => {
      expect(reasonFor(['First Name', 'Last Name', 'Email', 'User Role', 'Reason', 'Line Number'])).to.equal(
        'Columns are in a different order: First Name, Last Name, Email, User Role, Reason, Line Number. Expected: First Name, Last Name, Email, User Role, Line Number, Reason',
      );
    });

    it('when a fix file has a renamed column, then the expected layout includes the fix-file columns', () => {
      expect(reasonFor(['First Name', 'Last Name', 'E-mail', 'User Role', 'Line Number', 'Reason'])).to.equal(
        'Missing column: Email. Unexpected column: E-mail. Expected: First Name, Last Name, Email, User Role, Line Number, Reason',
      );
    });

    it('when a column is missing and the rest are out of order, then both problems are reported', () => {
      expect(reasonFor(['Last Name', 'First Name', 'Email'])).to.equal(
        `Missing column: User Role. Columns are in a different order: Last Name, First Name, Email. ${EXPECTED}`,
      );
    });
  });
});
