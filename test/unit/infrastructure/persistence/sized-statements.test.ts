import { expect } from 'chai';
import { format } from 'mysql2';
import { asText, largestFailureBytes, multiRowInserts, queriesOf, splitByBytes } from '../../../../src/infrastructure/persistence/sized-statements';

const HEAD = 'INSERT INTO upload_failure (line_number, original_cells) VALUES';
const rowsOf = (count: number, cell: string) => Array.from({ length: count }, (_, line) => ({ line, cells: JSON.stringify([cell, `row ${line}`]) }));
const values = (row: { line: number; cells: string }) => [row.line, row.cells];

describe('Statements sized in the bytes MySQL receives', () => {
  it('when the rows fit one statement, then it is the very text mysql2 would send for the whole INSERT', () => {
    const rows = rowsOf(3, 'O\'Brien \\ "quoted" 日本');

    const parts = multiRowInserts(1_000_000, HEAD, rows, values);

    expect(parts).to.have.length(1);
    expect(parts[0].text).to.equal(format(`${HEAD} (?, ?),(?, ?),(?, ?)`, rows.flatMap(values)));
    expect(parts[0].bytes).to.equal(Buffer.byteLength(parts[0].text));
  });

  it('when the rows need more bytes than a statement may have, then each part stays within the limit and together they hold every row in order', () => {
    // Backslashes double twice over: once in the JSON, once more when spelled out for SQL.
    const rows = rowsOf(40, '\\'.repeat(1000));

    const parts = multiRowInserts(10_000, HEAD, rows, values);

    expect(parts.length).to.be.above(1);
    for (const part of parts) expect(Buffer.byteLength(part.text)).to.be.at.most(10_000);
    expect(parts.flatMap((part) => part.rows)).to.deep.equal(rows);
    const wholeStatement = (part: { rows: typeof rows }) => format(`${HEAD} ${part.rows.map(() => '(?, ?)').join(',')}`, part.rows.flatMap(values));
    expect(parts.map((part) => part.text)).to.deep.equal(parts.map(wholeStatement));
  });

  it('when one row alone is larger than a statement may have, then it is refused rather than sent', () => {
    expect(() => multiRowInserts(1000, HEAD, rowsOf(1, 'x'.repeat(2000)), values)).to.throw(/One row needs \d+ bytes/);
  });

  it('when statements are joined into queries, then each query stays within the limit, a group is never split, and the order is kept', () => {
    const statement = (n: number) => asText({ sql: 'SELECT ? AS n', params: [`${n}`.padEnd(40, '.')] });
    const groups = [[statement(1), statement(2)], [statement(3)], [statement(4), statement(5), statement(6)], [statement(7)]];

    const queries = queriesOf(200, groups);

    expect(queries.length).to.be.above(1);
    for (const query of queries) expect(Buffer.byteLength(query)).to.be.at.most(200);
    expect(queries.join(';\n')).to.equal(
      groups
        .flat()
        .map((item) => item.text)
        .join(';\n'),
    );
    expect(queries.some((query) => query.includes("'4") && !query.includes("'6"))).to.equal(false);
  });

  it('when everything fits, then the statements go as one query', () => {
    const groups = [[asText({ sql: 'START TRANSACTION', params: [] })], [asText({ sql: 'COMMIT', params: [] })]];
    expect(queriesOf(1_000_000, groups)).to.deep.equal(['START TRANSACTION;\nCOMMIT']);
  });

  it('when a failed row is made of control characters, quotes or backslashes up to MAX_ROW_BYTES, then it fits the size allowed for it', () => {
    const maxRowBytes = 4096;
    const worst = ['\u0001', '"', '\\', '\n'].map((character) => character.repeat(maxRowBytes));
    for (const cell of worst) {
      // The reason, role and email at their longest, in characters of the most bytes.
      const cut = ['é'.repeat(500), '日'.repeat(200), '😀'.repeat(150)];
      const row = asText({ sql: '(?, ?, ?, ?, ?, ?, ?)', params: [1, 2, 'INVALID_NAME', ...cut, JSON.stringify([cell])] });
      expect(row.bytes).to.be.at.most(largestFailureBytes(maxRowBytes));
    }
    expect(asText({ sql: '?', params: [JSON.stringify(new Array(maxRowBytes + 1).fill(''))] }).bytes).to.be.at.most(largestFailureBytes(maxRowBytes));
  });

  it('when items are split by bytes, then no run is larger than allowed and an item too large on its own is refused', () => {
    expect(splitByBytes([3, 3, 3, 1, 5], 6, (n) => n)).to.deep.equal([[3, 3], [3, 1], [5]]);
    expect(() => splitByBytes([7], 6, (n) => n)).to.throw(/needs 7 bytes/);
  });
});
