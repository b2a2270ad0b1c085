import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../../src/infrastructure/persistence/data-source';
import { ThrottleCounterRecord } from '../../../src/infrastructure/persistence/records/records';
import { serializeSqliteAccess } from '../../../src/infrastructure/persistence/sqlite-serialization';

const BROKEN = 'TypeORM changed under src/infrastructure/persistence/sqlite-serialization.ts, which patches its better-sqlite3 driver at run time';

type Outside = (dataSource: DataSource, key: string) => Promise<unknown>;

/** Every way the service reaches SQLite from outside a transaction: each must wait for a transaction in progress. */
const OUTSIDE: [string, Outside][] = [
  ['DataSource.query', (dataSource, key) => dataSource.query('INSERT INTO throttle_counter (throttle_key, clears_at) VALUES (?, 1)', [key])],
  ['EntityManager.query', (dataSource, key) => dataSource.manager.query('INSERT INTO throttle_counter (throttle_key, clears_at) VALUES (?, 1)', [key])],
  ['Repository.insert', (dataSource, key) => dataSource.getRepository(ThrottleCounterRecord).insert({ throttleKey: key, clearsAt: 1 })],
  [
    'a query builder',
    (dataSource, key) => dataSource.createQueryBuilder().insert().into(ThrottleCounterRecord).values({ throttleKey: key, clearsAt: 1 }).execute(),
  ],
  ['another transaction', (dataSource, key) => dataSource.transaction((manager) => manager.insert(ThrottleCounterRecord, { throttleKey: key, clearsAt: 1 }))],
];

/**
 * A transaction that writes, waits until told, then fails; `outside` runs while it waits. Answers whether `outside` ended
 * while the transaction was still open, and which keys are left once it rolled back.
 */
const rollBackWhileAnotherWrites = async (dataSource: DataSource, outside: Outside): Promise<{ endedInside: boolean; keys: string[] }> => {
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const rolledBack = dataSource
    .transaction(async (manager) => {
      await manager.query("INSERT INTO throttle_counter (throttle_key, clears_at) VALUES ('inside', 1)");
      wrote();
      await released;
      throw new Error('roll back');
    })
    .catch(() => undefined);
  await written;
  let ended = false;
  const other = outside(dataSource, 'outside').then(() => (ended = true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const endedInside = ended;
  release();
  await Promise.all([rolledBack, other]);
  const rows: { throttle_key: string }[] = await dataSource.query('SELECT throttle_key FROM throttle_counter ORDER BY throttle_key');
  return { endedInside, keys: rows.map((row) => row.throttle_key) };
};

describe("SQLite access serialized around TypeORM's one shared connection (sqlite-serialization.ts) [SQLite]", () => {
  let folder: string;
  let dataSource: DataSource;

  const open = async (patched: boolean): Promise<DataSource> => {
    dataSource = createDataSource(`sqlite:${join(folder, `${patched ? 'patched' : 'unpatched'}.sqlite`)}`);
    await dataSource.initialize();
    if (patched) serializeSqliteAccess(dataSource);
    await dataSource.runMigrations({ transaction: 'each' });
    return dataSource;
  };

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'sqlite-serialization-'));
  });
  afterEach(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    rmSync(folder, { recursive: true, force: true });
  });

  it('when the better-sqlite3 driver is asked for query runners, then it answers the same one every time (the runner the patch wraps)', async () => {
    await open(true);
    expect(dataSource.driver.createQueryRunner('master'), BROKEN).to.equal(dataSource.driver.createQueryRunner('master'));
    expect(Object.hasOwn(dataSource.manager, 'transaction'), BROKEN).to.equal(true);
  });

  it('when TypeORM is not patched, then a write from outside a transaction lands inside it and its rollback undoes it (if this fails, TypeORM serializes by itself and the patch can go)', async () => {
    await open(false);
    const outcome = await rollBackWhileAnotherWrites(dataSource, OUTSIDE[0][1]);
    expect(outcome).to.deep.equal({ endedInside: true, keys: [] });
  });

  for (const [way, outside] of OUTSIDE) {
    it(`when a transaction is open and a write comes through ${way}, then the write waits for it, and its rollback leaves the write`, async () => {
      await open(true);
      const outcome = await rollBackWhileAnotherWrites(dataSource, outside);
      expect(outcome, BROKEN).to.deep.equal({ endedInside: false, keys: ['outside'] });
    });
  }
});
