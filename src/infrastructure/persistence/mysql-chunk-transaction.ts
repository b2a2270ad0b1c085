import type { DataSource } from 'typeorm';
import type { Connection } from 'mysql2/promise';
import type { ChunkWrites } from '../../application/ports/chunk-writer';
import type { ChunkMetrics } from '../metrics/service-metrics';
import {
  ACCOUNT_INSERT,
  copiedToMembershipsAndInvitations,
  createdByEmail,
  FAILURE_INSERT,
  failureValues,
  fenceStatement,
  logChangedStatement,
  newAccountValues,
  recreatedById,
  recreateStatements,
  whyFenceRefused,
  type AccountSelection,
  type ChunkCommit,
} from './chunk-statements';
import { retriedAndMeasured, type ChunkTransaction } from './chunk-transaction';
import { openStatementBatchConnection, rolledBack } from './data-source';
import { isUniqueViolation, retryTransient } from './database-errors';
import type { Row, Statement } from './plain-sql';
import { asText, multiRowInserts, queriesOf, type SqlText } from './sized-statements';
import { WriterConnection } from './writer-connection';

/**
 * Fails the query (MySQL error 1242, "Subquery returns more than 1 row") unless the fence just before moved one row:
 * without stored programs, that is how a query of several statements stops before its COMMIT.
 */
const FENCE_MUST_HOLD: Statement[] = [
  { sql: 'SET @fence_rows = ROW_COUNT()', params: [] },
  { sql: 'SELECT (SELECT 1 UNION ALL SELECT 1 FROM DUAL WHERE @fence_rows <> 1) AS fence_holds', params: [] },
];

const isFenceRefusal = (error: unknown): boolean => (error as { errno?: number } | null)?.errno === 1242;

/**
 * MySQL named locks, one per place in the batch, order two chunks in flight: a chunk holds the lock of the place it
 * ends at until it has committed, and the chunk after waits for that lock before its fence. Without them, a chunk that
 * wrote its rows faster than the one before would reach the fence first, be refused, and be written again. Only the
 * waiting depends on them: the fence alone decides what lands, so a lock given up after CHUNK_TURN_WAIT_S costs time,
 * never correctness.
 */
const CHUNK_TURN_WAIT_S = 10;
const chunkTurn = (writes: ChunkWrites, place: number) => ({ name: "CONCAT(DATABASE(), '.upload-', ?, '-at-', ?)", params: [writes.batchId, place] });
const holdTurnUntilLanded = (writes: ChunkWrites): Statement => {
  const turn = chunkTurn(writes, writes.recordsProcessedBefore + writes.countsAdded.recordsProcessed);
  return { sql: `DO GET_LOCK(${turn.name}, ?)`, params: [...turn.params, CHUNK_TURN_WAIT_S] };
};
const waitForChunkBefore = (writes: ChunkWrites): Statement[] => {
  const turn = chunkTurn(writes, writes.recordsProcessedBefore);
  return [
    { sql: `DO GET_LOCK(${turn.name}, ?)`, params: [...turn.params, CHUNK_TURN_WAIT_S] },
    { sql: `DO RELEASE_LOCK(${turn.name})`, params: turn.params },
  ];
};
const RELEASE_TURNS = 'DO RELEASE_ALL_LOCKS()';
const START_TRANSACTION: Statement = { sql: 'START TRANSACTION', params: [] };

/**
 * MySQL/MariaDB: the whole transaction, COMMIT included, goes in one query of several statements: one round trip a
 * chunk. The chunk's rows are written first and the fence last, so that they are written while the chunk before
 * still commits on the other connection; the chunk then waits for that commit (chunkTurn). Right after the fence, a
 * statement fails unless the fence moved exactly the batch's row, so that nothing after it runs (COMMIT included) when
 * the lease is lost or the chunk before did not land. READ COMMITTED: copying the accounts just written into
 * memberships and invitations must not lock the rows after them, which the other chunk may be writing.
 *
 * Part of the pipelined MySQL chunk writer (pipelined-mysql-chunk-writer.ts), which decides when each chunk is sent.
 */
export class MySqlChunkTransaction implements ChunkTransaction {
  private consecutiveIds: Promise<boolean> | undefined;
  /** One chunk writes its rows on one while the chunk before commits on the other. */
  private readonly connections: WriterConnection[] = [new WriterConnection(), new WriterConnection()];

  /** `statementBytes`: the most a query may have, the server's max_allowed_packet less the protocol's own bytes. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly statementBytes: number,
    private readonly metrics: ChunkMetrics,
  ) {}

  write(writes: ChunkWrites): Promise<ChunkCommit> {
    return retriedAndMeasured(this.metrics, writes, () => this.writeInOneRoundTrip(writes));
  }

  private writeInOneRoundTrip(writes: ChunkWrites): Promise<ChunkCommit> {
    const quietest = this.connections.reduce((quiet, other) => (other.waiting < quiet.waiting ? other : quiet));
    return quietest.take(async () => this.send(quietest, await quietest.connection(() => openStatementBatchConnection(this.dataSource)), writes));
  }

  private async send(writer: WriterConnection, connection: Connection, writes: ChunkWrites): Promise<ChunkCommit> {
    let open = false;
    try {
      const queries = queriesOf(this.statementBytes, await this.statements(connection, writes));
      open = true;
      // One query, one round trip, unless the chunk's rows need more bytes than one query may have.
      for (const query of queries) await connection.query(query);
      return 'committed';
    } catch (error) {
      // A statement failed part way (the fence, a taken email, a deadlock): nothing of the chunk may stay. A connection
      // that cannot even roll back is closed, which rolls back too, and the next chunk on it opens a new one.
      if (open && !(await rolledBack(connection, RELEASE_TURNS))) writer.discard(connection);
      if (open && isFenceRefusal(error)) return whyFenceRefused(writes, this.read);
      if (isUniqueViolation(error)) {
        // The rows come before the fence: a chunk written again after it landed (its answer lost) meets its own accounts.
        return (await whyFenceRefused(writes, this.read)) === 'committed' ? 'committed' : 'email-race';
      }
      throw error;
    }
  }

  /** A dropped connection or a deadlock costs a retry, not the batch attempt. */
  private readonly read = (sql: string, parameters: unknown[]): Promise<Row[]> => retryTransient(() => this.dataSource.query(sql, parameters));

  /**
   * The chunk's transaction as the text MySQL receives, in groups that must share a query: its start, then each
   * statement, then its fence through its COMMIT. Multi-row inserts are cut by bytes, each part with its own copies.
   */
  private async statements(connection: Connection, writes: ChunkWrites): Promise<SqlText[][]> {
    const start = [holdTurnUntilLanded(writes), { sql: 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', params: [] }, START_TRANSACTION];
    const groups: SqlText[][] = [start.map(asText)];
    const alone = (statements: Statement[]): void => {
      for (const statement of statements) groups.push([asText(statement)]);
    };
    const consecutive = writes.creates.length > 0 && (await this.idsAreConsecutive(connection));
    // Room beside each part for the copies that name its accounts by email.
    for (const part of multiRowInserts(this.statementBytes - 1024, ACCOUNT_INSERT, writes.creates, newAccountValues(writes))) {
      // LAST_INSERT_ID() is the first of the block InnoDB gave the statement; kept before any later insert can change it.
      groups.push([part, asText({ sql: 'SET @first_new_account_id = LAST_INSERT_ID()', params: [] })]);
      const selection: AccountSelection = consecutive
        ? { where: 'id BETWEEN @first_new_account_id AND @first_new_account_id + ?', params: [part.rows.length - 1] }
        : createdByEmail(part.rows);
      alone(copiedToMembershipsAndInvitations(writes, selection));
    }
    alone(recreateStatements(writes));
    if (writes.recreates.length > 0) alone(copiedToMembershipsAndInvitations(writes, recreatedById(writes)));
    for (const part of multiRowInserts(this.statementBytes, FAILURE_INSERT, writes.failures, failureValues(writes))) groups.push([part]);
    const fenceToEnd = [...waitForChunkBefore(writes), fenceStatement(writes), ...FENCE_MUST_HOLD, logChangedStatement(writes)];
    groups.push([...fenceToEnd, { sql: 'COMMIT', params: [] }, { sql: RELEASE_TURNS, params: [] }].map(asText));
    return groups;
  }

  /**
   * A multi-row INSERT's ids are one consecutive block when InnoDB hands out one block per statement
   * (innodb_autoinc_lock_mode 0 or 1, increment 1); otherwise the new accounts are found again by email.
   */
  private idsAreConsecutive(connection: Connection): Promise<boolean> {
    this.consecutiveIds ??= connection
      .query('SELECT @@innodb_autoinc_lock_mode AS lock_mode, @@auto_increment_increment AS step')
      .then(([rows]) => {
        const [settings] = rows as Row[];
        return Number(settings.lock_mode) <= 1 && Number(settings.step) === 1;
      })
      .catch((error: unknown) => {
        this.consecutiveIds = undefined;
        throw error;
      });
    return this.consecutiveIds;
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.close()));
  }
}
