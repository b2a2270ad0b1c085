import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextTurnOfEventLoop } from 'node:timers/promises';
import type { DataSource } from 'typeorm';

class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    // better-sqlite3 answers synchronously: without a turn of the event loop between holders, a worker's chain of
    // statements runs as one unbroken stream of promise callbacks, and HTTP answers (the upload's own included) wait
    // until the whole batch is done.
    const result = this.tail.then(() => nextTurnOfEventLoop()).then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * TypeORM's better-sqlite3 driver shares ONE connection between every caller, so two concurrent
 * transactions (an API request and the in-process worker) would interleave into each other, and a
 * rollback in one would undo the other's writes. Here a transaction holds the connection for its
 * whole duration, and statements from outside it wait until it ends. This patches TypeORM at run time (ADR 0014):
 * test/integration/persistence/sqlite-serialization.test.ts fails if a TypeORM upgrade breaks what it relies on.
 */
export const serializeSqliteAccess = (dataSource: DataSource): void => {
  const mutex = new Mutex();
  const insideTransaction = new AsyncLocalStorage<true>();

  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = (...args: unknown[]) =>
    insideTransaction.getStore() ? transaction(...args) : mutex.run(() => insideTransaction.run(true, () => transaction(...args)));

  const runner = dataSource.driver.createQueryRunner('master');
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = ((...args: unknown[]) => (insideTransaction.getStore() ? query(...args) : mutex.run(() => query(...args)))) as typeof runner.query;
};
