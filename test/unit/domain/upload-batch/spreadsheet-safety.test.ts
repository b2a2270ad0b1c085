import { expect } from 'chai';
import { neutralizeFormula, restoreNeutralized } from '../../../../src/domain/upload-batch/spreadsheet-safety';
import { cleanFileName } from '../../../../src/domain/upload-batch/upload-batch';

describe('spreadsheet safety and file names', () => {
  for (const cell of ['=SUM(A1)', '+1', '-x@example.org', '@cmd', '\tx', '\rx']) {
    it(`when a cell starts with ${JSON.stringify(cell[0])}, then it gets an apostrophe that restoring takes off again`, () => {
      expect(neutralizeFormula(cell)).to.equal(`'${cell}`);
      expect(restoreNeutralized(neutralizeFormula(cell))).to.equal(cell);
    });
  }

  it('when a cell is ordinary or merely starts with an apostrophe, then it is left alone both ways', () => {
    expect(neutralizeFormula('Ana')).to.equal('Ana');
    expect(restoreNeutralized("'Neil")).to.equal("'Neil");
  });

  it('when a file name carries a path, control characters or 1,000 characters, then only a short plain name remains', () => {
    expect(cleanFileName('../../etc/passwd')).to.equal('passwd');
    expect(cleanFileName('C:\\Users\\ana\\staff.csv')).to.equal('staff.csv');
    expect(cleanFileName('sta\u0000ff\n.csv')).to.equal('staff.csv');
    expect([...cleanFileName('a'.repeat(1000))]).to.have.length(200);
    expect(cleanFileName('..')).to.equal('upload.csv');
    expect(cleanFileName('')).to.equal('upload.csv');
  });
});
