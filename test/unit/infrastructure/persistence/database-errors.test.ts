import { expect } from 'chai';
import { QueryFailedError } from 'typeorm';
import { isTransientDatabaseError, isUniqueViolation, retryTransient } from '../../../../src/infrastructure/persistence/database-errors';

/** What mysql2 and better-sqlite3 put on their errors, wrapped the way TypeORM hands them to repositories. */
const driverError = (fields: { code?: string; errno?: number }) => Object.assign(new Error(`driver says ${fields.code ?? fields.errno}`), fields);
const queryFailed = (fields: { code?: string; errno?: number }) => new QueryFailedError('UPDATE upload_batch SET …', [], driverError(fields));

const DEADLOCK = { code: 'ER_LOCK_DEADLOCK', errno: 1213 };
const LOCK_WAIT_TIMEOUT = { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 };

/** Work that fails with the given errors, in order, then answers "done". */
const failingWith = (...errors: Error[]) => {
  const work = async (): Promise<string> => {
    work.calls += 1;
    const error = errors.shift();
    if (error) throw error;
    return 'done';
  };
  work.calls = 0;
  return work;
};

describe('Transient database errors', () => {
  describe('isTransientDatabaseError', () => {
    it('when MariaDB reports a deadlock (1213) or a lock wait timeout (1205), by code or by number alone, then it is transient', () => {
      const transient = [
        queryFailed(DEADLOCK),
        queryFailed(LOCK_WAIT_TIMEOUT),
        queryFailed({ errno: 1213 }),
        queryFailed({ errno: 1205 }),
        driverError(DEADLOCK),
        driverError({ errno: 1205 }),
      ];

      expect(transient.map(isTransientDatabaseError)).to.deep.equal([true, true, true, true, true, true]);
    });

    it('when the connection is lost or refused, or SQLite is busy, then it is transient', () => {
      const codes = ['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED'];

      expect(codes.map((code) => isTransientDatabaseError(queryFailed({ code })))).to.deep.equal(codes.map(() => true));
    });

    it('when the error is a duplicate key, a syntax error, a bug or nothing at all, then it is not transient', () => {
      const others = [
        queryFailed({ code: 'ER_DUP_ENTRY', errno: 1062 }),
        queryFailed({ code: 'ER_PARSE_ERROR', errno: 1064 }),
        new TypeError('x is undefined'),
        undefined,
        null,
        'text',
      ];

      expect(others.map(isTransientDatabaseError)).to.deep.equal([false, false, false, false, false, false]);
    });

    it('when a duplicate key is reported, then it is a unique violation and a deadlock is not', () => {
      expect([isUniqueViolation(queryFailed({ code: 'ER_DUP_ENTRY', errno: 1062 })), isUniqueViolation(queryFailed(DEADLOCK))]).to.deep.equal([true, false]);
    });
  });

  describe('retryTransient', () => {
    it('when the work meets a deadlock and then a lock wait timeout, then it is run again until it succeeds', async () => {
      const work = failingWith(queryFailed(DEADLOCK), queryFailed(LOCK_WAIT_TIMEOUT));

      const result = await retryTransient(work);

      expect([result, work.calls]).to.deep.equal(['done', 3]);
    });

    it('when every attempt deadlocks, then it gives up after the allowed attempts and throws the last deadlock', async () => {
      const errors = [1, 2, 3].map(() => queryFailed(DEADLOCK));
      const work = failingWith(...errors, queryFailed(DEADLOCK));

      const outcome = await retryTransient(work, 3).then(
        () => 'succeeded',
        (error: unknown) => error,
      );

      expect(outcome).to.equal(errors[2]);
      expect(work.calls).to.equal(3);
    });

    it('when the work fails with an error that is not transient, then it is not run again', async () => {
      const duplicate = queryFailed({ code: 'ER_DUP_ENTRY', errno: 1062 });
      const work = failingWith(duplicate);

      const outcome = await retryTransient(work).then(
        () => 'succeeded',
        (error: unknown) => error,
      );

      expect([outcome, work.calls]).to.deep.equal([duplicate, 1]);
    });

    it('when the work succeeds at once, then it runs once', async () => {
      const work = failingWith();

      expect([await retryTransient(work), work.calls]).to.deep.equal(['done', 1]);
    });
  });
});
