import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestDatabase {
  label: 'SQLite' | 'MySQL';
  /** A fresh database URL for one suite. */
  url(): string;
}

const sqlite: TestDatabase = {
  label: 'SQLite',
  url: () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'educators-test-')), 'test.sqlite')}`,
};

/** SQLite always; MySQL/MariaDB too when TEST_DATABASE_URL names one (its tables are dropped and rebuilt). */
export const testDatabases = (): TestDatabase[] => {
  const mysqlUrl = process.env.TEST_DATABASE_URL;
  return mysqlUrl ? [sqlite, { label: 'MySQL', url: () => mysqlUrl }] : [sqlite];
};

/** Runs the same integration suite once per database. */
export const describeOnEachDatabase = (title: string, suite: (database: TestDatabase) => void): void => {
  for (const database of testDatabases()) describe(`${title} [${database.label}]`, () => suite(database));
};
