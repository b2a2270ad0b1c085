import { expect } from 'chai';
import type { StoredFailure } from '../../../../src/application/ports/upload-batches';
import { failuresCsv } from '../../../../src/infrastructure/csv/failures-csv';

async function* failures(...items: StoredFailure[]): AsyncGenerator<StoredFailure> {
  yield* items;
}

const failure = (lineNumber: number, cells: string[], reason: string): StoredFailure => ({
  batchId: 1,
  lineNumber,
  code: 'INVALID_EMAIL',
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
    const text = await render(failures(failure(3, ['Ana', 'Li', 'ana@', 'Educator'], 'Not valid'), failure(9, ['Bo', 'Ng, Jr.', 'b"o@x.org', 'Counselor'], 'Has "quotes"')));
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
});
