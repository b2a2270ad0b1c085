import type { DataSource } from 'typeorm';
import { inConcurrentGroups } from './concurrent-groups';
import { dialectOf, type StatementBatchPool } from './data-source';
import { isConnectionLost } from './database-errors';
import type { Row, Statement } from './plain-sql';

/** Runs one SELECT outside any transaction and answers its rows. */
export type ReadRows = (sql: string, parameters: unknown[]) => Promise<Row[]>;

/**
 * Two groups of reads in flight: a request waits for at most one group ahead of its own. Two did slightly better than
 * one or three, within noise (docs/adr/0003).
 */
const READ_GROUPS = { groupsInFlight: 2, largestGroup: 100 };

/**
 * The reads nearly every request makes (its viewer, the sites it names). On MySQL, those that arrive while another
 * group is out go together as one query: each is still read afresh, after it was asked for, but many requests share one
 * round trip, whose socket writes and wake-ups cost both processes more than the reads themselves. SQLite runs in
 * process: there is no round trip to share.
 */
export const readRowsInGroups = (dataSource: DataSource, statementBatches: StatementBatchPool): ReadRows => {
  const readAlone = (statement: Statement): Promise<Row[]> => dataSource.manager.query(statement.sql, statement.params);
  if (dialectOf(dataSource) === 'sqlite') return (sql, params) => readAlone({ sql, params });
  const read = inConcurrentGroups(
    {
      together: (statements: Statement[]) => statementBatches.send(statements) as Promise<Row[][]>,
      alone: readAlone,
      mayRetryAloneAfter: (error) => !isConnectionLost(error),
    },
    READ_GROUPS,
  );
  return (sql, params) => read({ sql, params });
};
