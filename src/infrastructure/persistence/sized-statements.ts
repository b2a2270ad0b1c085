import { format, type SqlValue } from 'mysql2';
import { parameterList, type Statement } from './plain-sql';

/**
 * MySQL refuses a query larger than max_allowed_packet (and closes the connection). Statements are sized here in the
 * bytes MySQL receives: every value spelled out by mysql2's own escaping, as its text protocol sends them.
 */
export interface SqlText {
  text: string;
  bytes: number;
}

/** The protocol's own bytes around a query or a prepared statement's values, with room to spare. */
export const PACKET_OVERHEAD_BYTES = 1024;

const QUERY_SEPARATOR = ';\n';

const measured = (text: string): SqlText => ({ text, bytes: Buffer.byteLength(text) });

export const asText = (statement: Statement): SqlText => measured(format(statement.sql, statement.params as SqlValue[]));

/** Items in order, in the fewest runs whose sizes add up to at most `maxBytes` each. */
export const splitByBytes = <T>(items: T[], maxBytes: number, bytesOf: (item: T) => number): T[][] => {
  const runs: T[][] = [];
  let run: T[] = [];
  let runBytes = 0;
  for (const item of items) {
    const bytes = bytesOf(item);
    // The start-up check (largestFailureBytes) keeps every row of an accepted file under the limit.
    if (bytes > maxBytes) throw new Error(`One row needs ${bytes} bytes, more than the ${maxBytes} a statement may have under max_allowed_packet.`);
    if (run.length > 0 && runBytes + bytes > maxBytes) {
      runs.push(run);
      run = [];
      runBytes = 0;
    }
    run.push(item);
    runBytes += bytes;
  }
  if (run.length > 0) runs.push(run);
  return runs;
};

/** A multi-row INSERT (`head` is `INSERT INTO t (a, b) VALUES`) as the fewest statements of at most `maxBytes`, rows in order. */
export const multiRowInserts = <T>(maxBytes: number, head: string, rows: T[], values: (row: T) => unknown[]): (SqlText & { rows: T[] })[] => {
  if (rows.length === 0) return [];
  const tuple = `(${parameterList(values(rows[0]).length)})`;
  const tuples = rows.map((row) => ({ row, ...measured(format(tuple, values(row) as SqlValue[])) }));
  const headBytes = Buffer.byteLength(head) + 1;
  // Each value list after the first costs its comma too.
  return splitByBytes(tuples, maxBytes - headBytes, (item) => item.bytes + 1).map((run) => ({
    ...measured(`${head} ${run.map((item) => item.text).join(',')}`),
    rows: run.map((item) => item.row),
  }));
};

/** Statements joined, in order, into the fewest queries of at most `maxBytes`; the statements of one group stay in one query. */
export const queriesOf = (maxBytes: number, groups: SqlText[][]): string[] =>
  splitByBytes(groups, maxBytes, (group) => group.reduce((sum, statement) => sum + statement.bytes + QUERY_SEPARATOR.length, 0)).map((run) =>
    run.flatMap((group) => group.map((statement) => statement.text)).join(QUERY_SEPARATOR),
  );

/**
 * The most bytes one failed row can take in a statement: its cells as JSON escaped for SQL (a control character
 * becomes seven bytes, `\\u0001`), plus its reason, role and email, cut to 500, 200 and 300 characters.
 */
export const largestFailureBytes = (maxRowBytes: number): number => 10 * maxRowBytes + 2 * 4 * (500 + 200 + 300) + 256;
