import { expect } from 'chai';
import { neutralizeFormula, restoreNeutralized } from '../../../../src/domain/upload-batch/spreadsheet-safety';
import { cleanFileName } from '../../../../src/domain/upload-batch/upload-batch';

describe('spreadsheet safety', () => {
  const neutralized: [string, string][] = [
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1', "'+1"],
    ['-x@example.org', "'-x@example.org"],
    ['@cmd', "'@cmd"],
    ['  =1+1', "'  =1+1"],
    ['\u00a0=1+1', "'\u00a0=1+1"],
    ['\u200b\u2060+1', "'\u200b\u2060+1"],
    ['\u3000@a', "'\u3000@a"],
    ['＝1+1', "'＝1+1"],
    ['＋1', "'＋1"],
    ['－1', "'－1"],
    ['＠SUM(A1)', "'＠SUM(A1)"],
    ['"=1+1', `'"=1+1`],
    ["'=1+1", "''=1+1"],
    ['x;=1+1', "x;'=1+1"],
    ['x; =1+1;y', "x;' =1+1;y"],
    ['x\t+1', "x\t'+1"],
    ['\t=1', "\t'=1"],
    ['Ana\r\n-1', "Ana\r\n'-1"],
    ['=a;@b\n+c', "'=a;'@b\n'+c"],
    ['Lee,=1+1', "Lee,'=1+1"],
  ];
  for (const [cell, written] of neutralized) {
    it(`when a cell is ${JSON.stringify(cell)}, then a spreadsheet sees text (${JSON.stringify(written)}) and restoring gives the cell back`, () => {
      expect(neutralizeFormula(cell)).to.equal(written);
      expect(restoreNeutralized(written)).to.equal(cell);
    });
  }

  it('when a cell holds no formula anywhere a spreadsheet may start a cell, then it is left alone both ways', () => {
    for (const cell of ['Ana', 'Smith, Jr.', 'a-b@x.org', 'x=1', "O'Neil", "'Neil", '\tPrincipal', 'x;y', 'a, b', 'a=1,b', '']) {
      expect(neutralizeFormula(cell), cell).to.equal(cell);
      expect(restoreNeutralized(cell), cell).to.equal(cell);
    }
  });
});

describe('file names', () => {
  it('when a file name carries a path, control characters or 1,000 characters, then only a short plain name remains', () => {
    expect(cleanFileName('../../etc/passwd')).to.equal('passwd');
    expect(cleanFileName('C:\\Users\\ana\\staff.csv')).to.equal('staff.csv');
    expect(cleanFileName('sta\u0000ff\n.csv')).to.equal('staff.csv');
    expect([...cleanFileName('a'.repeat(1000))]).to.have.length(200);
    expect(cleanFileName('..')).to.equal('upload.csv');
    expect(cleanFileName('')).to.equal('upload.csv');
  });
});
