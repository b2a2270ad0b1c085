import type { EntityManager } from 'typeorm';
import type { Raw } from 'mysql2';

/** What the hot paths need to write plain SQL that runs unchanged on both drivers (better-sqlite3, mysql2). */

export type Row = Record<string, unknown>;

/** `?, ?, ?` for an IN list or one VALUES tuple of `count` values. */
export const parameterList = (count: number): string => new Array(count).fill('?').join(', ');

/** MySQL reports a new row's id in the statement's result header; better-sqlite3 as the statement's last row id. */
export const insertedId = (raw: unknown): number => Number(typeof raw === 'object' && raw !== null ? (raw as { insertId: number }).insertId : raw);

export const optionalDate = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(Number(value)));

/** An id as a statement's parameter: a number, or (MySQL, in a transaction sent as one query) SQL that names it, such as a session variable, which mysql2 writes as it is. */
export type IdInSql = number | Raw;

/** One statement and its parameters, to run alone or joined with others into one round trip. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** Runs one statement (in the manager's transaction, if it has one) and answers how many rows it changed, on either driver. */
export const changedRows = async (manager: EntityManager, sql: string, params: unknown[]): Promise<number> => {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    return (await runner.query(sql, params, true)).affected ?? 0;
  } finally {
    if (runner !== manager.queryRunner) await runner.release();
  }
};
