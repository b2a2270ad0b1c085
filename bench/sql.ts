import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import type { Db } from './server';
import { MARIADB } from './server';

export type Row = Record<string, unknown>;
export type Value = string | number | null;

/** Direct SQL beside the server, for seeding and for checking what the service wrote. */
export interface Sql {
  db: Db;
  query(sql: string, params?: Value[]): Promise<Row[]>;
  /** Multi-row INSERTs of `chunk` rows, one transaction per chunk. */
  insertMany(table: string, columns: string[], rows: Value[][], chunk?: number): Promise<void>;
  close(): Promise<void>;
}

const valuesList = (rows: number, columns: number): string => new Array(rows).fill(`(${new Array(columns).fill('?').join(',')})`).join(',');

export const openSql = async (databaseUrl: string): Promise<Sql> => {
  if (databaseUrl.startsWith('sqlite:')) {
    const connection = new Database(databaseUrl.slice('sqlite:'.length));
    connection.pragma('busy_timeout = 10000');
    return {
      db: 'sqlite',
      query: async (sql, params = []) => {
        const statement = connection.prepare(sql);
        if (statement.reader) return statement.all(...params) as Row[];
        statement.run(...params);
        return [];
      },
      insertMany: async (table, columns, rows, chunk = 1000) => {
        const insert = connection.transaction((slice: Value[][]) => {
          connection.prepare(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${valuesList(slice.length, columns.length)}`).run(...slice.flat());
        });
        for (let start = 0; start < rows.length; start += chunk) insert(rows.slice(start, start + chunk));
      },
      close: async () => void connection.close(),
    };
  }
  const url = new URL(databaseUrl);
  const connection = await mysql.createConnection({ ...MARIADB, database: url.pathname.slice(1), supportBigNumbers: true, bigNumberStrings: false });
  return {
    db: 'mariadb',
    query: async (sql, params = []) => {
      const [rows] = await connection.query(sql, params);
      return Array.isArray(rows) ? (rows as Row[]) : [];
    },
    insertMany: async (table, columns, rows, chunk = 1000) => {
      for (let start = 0; start < rows.length; start += chunk) {
        await connection.beginTransaction();
        await connection.query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ?`, [rows.slice(start, start + chunk)]);
        await connection.commit();
      }
    },
    close: () => connection.end(),
  };
};
