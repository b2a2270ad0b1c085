import mysql from 'mysql2/promise';
import { readFileSync, rmSync } from 'node:fs';
import { BENCH_DATABASE, MARIADB } from './server';

/**
 * Where the database's time goes, statement by statement: MariaDB's slow query log with long_query_time = 0,
 * switched on only around one upload (it is a global setting) and restored afterwards. Logging every statement
 * slows the run down, so use it for the breakdown, not for the throughput figures.
 */
export interface StatementLog {
  stop(): Promise<string>;
}

interface Settings {
  slow_query_log: number;
  long_query_time: number;
  slow_query_log_file: string;
  log_output: string;
}

const shapeOf = (sql: string): string =>
  sql
    .replace(/\s+/g, ' ')
    .replace(/'(?:[^'\\]|\\.|'')*'/g, '?')
    .replace(/\b\d+\b/g, '?')
    .replace(/\((?:\s*\?\s*,)+\s*\?\s*\)/g, '(?…)')
    .replace(/(?:\(\?…\)\s*,\s*)+\(\?…\)/g, '(?…) × n')
    .replace(/(?:\(\?\)\s*,\s*)+\(\?\)/g, '(?) × n')
    .trim()
    .slice(0, 150);

export const summarizeStatementLog = (text: string): string => {
  const byShape = new Map<string, { count: number; seconds: number; rowsExamined: number }>();
  let total = 0;
  for (const entry of text.split(/^# Time: .*$|^(?=# User@Host)/m)) {
    const schema = /Schema: (\S+)/.exec(entry)?.[1];
    const time = /Query_time: ([\d.]+)/.exec(entry);
    if (schema !== BENCH_DATABASE || !time) continue;
    const examined = Number(/Rows_examined: (\d+)/.exec(entry)?.[1] ?? 0);
    const sql = entry
      .split('\n')
      .filter((line) => line && !line.startsWith('#') && !/^(use |SET timestamp=)/i.test(line))
      .join(' ');
    const shape = shapeOf(sql);
    const seconds = Number(time[1]);
    total += seconds;
    const stats = byShape.get(shape) ?? { count: 0, seconds: 0, rowsExamined: 0 };
    stats.count += 1;
    stats.seconds += seconds;
    stats.rowsExamined += examined;
    byShape.set(shape, stats);
  }
  return [
    `Statements of \`${BENCH_DATABASE}\`, as MariaDB timed them (slow query log, long_query_time = 0): ${total.toFixed(2)} s in all.`,
    '',
    '| statement | count | total (s) | share | mean (ms) | rows examined |',
    '|---|---:|---:|---:|---:|---:|',
    ...[...byShape]
      .sort((a, b) => b[1].seconds - a[1].seconds)
      .slice(0, 15)
      .map(
        ([shape, s]) =>
          `| \`${shape.replace(/\|/g, '\\|')}\` | ${s.count} | ${s.seconds.toFixed(2)} | ${((100 * s.seconds) / total).toFixed(1)}% | ${((1000 * s.seconds) / s.count).toFixed(2)} | ${s.rowsExamined.toLocaleString('en-US')} |`,
      ),
    '',
  ].join('\n');
};

export const startStatementLog = async (path: string): Promise<StatementLog> => {
  rmSync(path, { force: true });
  const connection = await mysql.createConnection(MARIADB);
  const [[before]] = (await connection.query(
    'SELECT @@slow_query_log AS slow_query_log, @@long_query_time AS long_query_time, @@slow_query_log_file AS slow_query_log_file, @@log_output AS log_output',
  )) as unknown as [[Settings]];
  await connection.query('SET GLOBAL slow_query_log_file = ?', [path]);
  await connection.query("SET GLOBAL log_output = 'FILE'");
  await connection.query('SET GLOBAL long_query_time = 0');
  await connection.query('SET GLOBAL slow_query_log = 1');
  await connection.end();
  return {
    stop: async () => {
      const restore = await mysql.createConnection(MARIADB);
      await restore.query('SET GLOBAL slow_query_log = ?', [before.slow_query_log]);
      await restore.query('SET GLOBAL long_query_time = ?', [before.long_query_time]);
      await restore.query('SET GLOBAL log_output = ?', [before.log_output]);
      await restore.query('SET GLOBAL slow_query_log_file = ?', [before.slow_query_log_file]);
      await restore.end();
      return summarizeStatementLog(readFileSync(path, 'utf8'));
    },
  };
};
