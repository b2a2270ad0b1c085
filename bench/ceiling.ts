import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { person } from './dataset';
import { BENCH_DATABASE, MARIADB, type Db } from './server';

export interface Ceiling {
  db: Db;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

const CHUNK = 1000;
const CEILING_DATABASE = 'bench_ceiling';
const COLUMNS = [
  'email',
  'email_normalized',
  'first_name',
  'last_name',
  'role_code',
  'district_id',
  'created_at',
  'registration_deadline',
  'registered_at',
  'password_hash',
  'created_by_account_id',
  'source_batch_id',
];
const INSERT = `INSERT INTO educator_account (${COLUMNS.join(',')}) VALUES `;

/** The rows of the clean file, as the service stores them. */
const chunkValues = (start: number, end: number, now: number): (string | number | null)[][] => {
  const values = [];
  for (let index = start; index < end; index += 1) {
    const p = person(index);
    values.push([p.email, p.email.toLowerCase(), p.firstName, p.lastName, p.roleCode, 1, now, now + 60 * 86_400_000, null, null, 2, 1]);
  }
  return values;
};

/**
 * The database's own limit for these rows: multi-row INSERTs of 1,000 rows, one transaction per chunk, into a
 * copy of the service's educator_account table (same columns, collations, unique email index, auto-increment id).
 * Only the database work is timed; building the JavaScript arrays is not.
 */
export const measureCeiling = async (db: Db, rows: number, serviceDatabaseUrl: string, dataDir: string): Promise<Ceiling> => {
  const now = Date.now();
  let seconds = 0;
  if (db === 'mariadb') {
    const connection = await mysql.createConnection(MARIADB);
    try {
      await connection.query(`DROP DATABASE IF EXISTS ${CEILING_DATABASE}`);
      await connection.query(`CREATE DATABASE ${CEILING_DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await connection.query(`CREATE TABLE ${CEILING_DATABASE}.educator_account LIKE ${BENCH_DATABASE}.educator_account`);
      await connection.query(`USE ${CEILING_DATABASE}`);
      for (let start = 0; start < rows; start += CHUNK) {
        const values = chunkValues(start, Math.min(rows, start + CHUNK), now);
        const began = performance.now();
        await connection.beginTransaction();
        await connection.query(`${INSERT} ?`, [values]);
        await connection.commit();
        seconds += (performance.now() - began) / 1000;
      }
      await connection.query(`DROP DATABASE ${CEILING_DATABASE}`);
    } finally {
      await connection.end();
    }
  } else {
    const service = new Database(serviceDatabaseUrl.slice('sqlite:'.length), { readonly: true });
    const ddl = service.prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'educator_account' AND sql IS NOT NULL").pluck().all() as string[];
    service.close();
    const dir = join(dataDir, 'ceiling');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // The same settings as the service's connection: WAL, synchronous = NORMAL.
    const connection = new Database(join(dir, 'ceiling.sqlite'));
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    for (const statement of ddl) connection.exec(statement);
    const full = connection.prepare(`${INSERT} ${new Array(CHUNK).fill(`(${COLUMNS.map(() => '?').join(',')})`).join(',')}`);
    const insert = connection.transaction((values: (string | number | null)[][]) => {
      const statement = values.length === CHUNK ? full : connection.prepare(`${INSERT} ${values.map(() => `(${COLUMNS.map(() => '?').join(',')})`).join(',')}`);
      statement.run(...values.flat());
    });
    for (let start = 0; start < rows; start += CHUNK) {
      const values = chunkValues(start, Math.min(rows, start + CHUNK), now);
      const began = performance.now();
      insert(values);
      seconds += (performance.now() - began) / 1000;
    }
    connection.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { db, rows, seconds, rowsPerSecond: rows / seconds };
};
