import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type { StoredFailure } from '../../../../src/application/ports/upload-batches';
import { restoreNeutralized } from '../../../../src/domain/upload-batch/spreadsheet-safety';
import { failuresCsv } from '../../../../src/infrastructure/csv/failures-csv';
import { SPREADSHEET_READINGS, formulaCells, readAsSpreadsheet } from '../../../support/csv-fixtures';

async function* failures(...items: StoredFailure[]): AsyncGenerator<StoredFailure> {
  yield* items;
}

const failure = (lineNumber: number, cells: string[], reason: string, code: StoredFailure['code'] = 'INVALID_EMAIL'): StoredFailure => ({
  batchId: 1,
  lineNumber,
  code,
  reason,
  roleAsWritten: cells[3] ?? '',
  email: cells[2] ?? null,
  cells,
});

const render = async (source: AsyncIterable<StoredFailure>): Promise<string> => {
  let text = '';
  for await (const piece of failuresCsv(source)) text += piece;
  return text;
};

describe('the fix file', () => {
  it('when failures are written, then each row keeps its original values followed by Line Number and Reason', async () => {
    const text = await render(
      failures(failure(3, ['Ana', 'Li', 'ana@', 'Educator'], 'Not valid'), failure(9, ['Bo', 'Ng, Jr.', 'b"o@x.org', 'Counselor'], 'Has "quotes"')),
    );
    expect(text).to.equal(
      '\uFEFFFirst Name,Last Name,Email,User Role,Line Number,Reason\r\n' +
        'Ana,Li,ana@,Educator,3,Not valid\r\n' +
        'Bo,"Ng, Jr.","b""o@x.org",Counselor,9,"Has ""quotes"""\r\n',
    );
  });

  it('when a value would run as a spreadsheet formula, then it is neutralised', async () => {
    const text = await render(failures(failure(2, ['=HYPERLINK("x")', '+1', '-a@x.org', '@SUM'], 'r')));
    expect(text.split('\r\n')[1]).to.equal(`"'=HYPERLINK(""x"")",'+1,'-a@x.org,'@SUM,2,r`);
  });

  it('when a row had too few cells, then the missing ones are written empty so the file stays in template shape', async () => {
    const text = await render(failures(failure(4, ['Ana'], 'Wrong count')));
    expect(text.split('\r\n')[1]).to.equal('Ana,,,,4,Wrong count');
  });

  it('when a row had more cells than the template, then it is written whole under First Name and reads back with every character typed', async () => {
    const typed = ['Lee', 'Smith', ' Jr.', 'lee@example.org', 'Educator'];
    const text = await render(failures(failure(2, typed, 'This row has 5 cells.', 'WRONG_COLUMN_COUNT')));

    const [, row] = parse(text, { bom: true });
    expect(row).to.deep.equal([
      'Lee,Smith, Jr.,lee@example.org,Educator',
      '',
      '',
      '',
      '2',
      'This row has 5 cells. The whole row is under First Name as it was typed: put each value in its own column.',
    ]);
  });

  describe('opened with any list separator', () => {
    const risky = [
      ['x;=1+1', ' =1+1', '\u00a0=1+1', '\u200b+1'],
      ['＝1+1', '＋1', '－1', '＠SUM(A1)'],
      ['a\t=1', 'a\r\n@b', '"=1', "'=1"],
      ['x;\u3000＠a', '=1;-2', 'ok', 'a\n \ufeff+1'],
    ];
    const wholeRow = ['=1', 'x;=2', '\t+3', '-a@b.org', 'Educator'];
    const fixFile = async (): Promise<string> =>
      render(failures(...risky.map((cells, index) => failure(index + 2, cells, `"${cells[0]}" is bad`)), failure(9, wholeRow, 'Wrong', 'WRONG_COLUMN_COUNT')));
    for (const reading of SPREADSHEET_READINGS) {
      const how = `${JSON.stringify(reading.delimiter)} ${reading.quote ? 'honouring quotes' : 'ignoring quotes'}`;
      it(`when it is read with ${how}, then no cell starts a formula`, async () => {
        const rows = readAsSpreadsheet(await fixFile(), reading);
        expect(rows.length).to.be.greaterThan(4);
        expect(formulaCells(rows)).to.deep.equal([]);
      });
    }

    it('when it is read as written, then each row is one record of six cells that restore to what was typed', async () => {
      const rows = parse(await fixFile(), { bom: true });
      expect(rows.map((row) => row.length)).to.deep.equal([6, 6, 6, 6, 6, 6]);
      expect(rows.slice(1, 5).map((row) => row.slice(0, 4).map(restoreNeutralized))).to.deep.equal(risky);
      expect(restoreNeutralized(rows[5][0])).to.equal('=1,"x;=2","\t+3",-a@b.org,Educator');
    });
  });
});
