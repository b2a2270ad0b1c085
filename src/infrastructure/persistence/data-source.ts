import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { MysqlDataSourceOptions } from 'typeorm/driver/mysql/MysqlDataSourceOptions';
import { createConnection, createPool, type Connection, type ConnectionOptions, type Pool, type ResultSetHeader } from 'mysql2/promise';
import { CreateSchema1764000000000 } from './migrations/1764000000000-create-schema';
import { IndexAccountsByRole1764000000001 } from './migrations/1764000000001-index-accounts-by-role';
import { OutboxTemplates1764000000002 } from './migrations/1764000000002-outbox-templates';
import { DerivedRegistrationCodes1764000000003 } from './migrations/1764000000003-derived-registration-codes';
import { UploadLogVersions1764000000004 } from './migrations/1764000000004-upload-log-versions';
import { UploadTurnsAndFailures1764000000005 } from './migrations/1764000000005-upload-turns-and-failures';
import { ThrottleCountsBeforeChecking1764000000006 } from './migrations/1764000000006-throttle-counts-before-checking';
import { IdempotencyKeys1764000000007 } from './migrations/1764000000007-idempotency-keys';
import { InvitationAllowances1764000000008 } from './migrations/1764000000008-invitation-allowances';
import { BrowserSessions1764000000009 } from './migrations/1764000000009-browser-sessions';
import { AuditEvents1764000000010 } from './migrations/1764000000010-audit-events';
import { AccountListingIndexes1764000000011 } from './migrations/1764000000011-account-listing-indexes';
import { AccountDeactivation1764000000012 } from './migrations/1764000000012-account-deactivation';
import { UploadUndo1764000000013 } from './migrations/1764000000013-upload-undo';
import { PasswordResets1764000000014 } from './migrations/1764000000014-password-resets';
import { AccountListVersions1764000000017 } from './migrations/1764000000017-account-list-versions';
import { CheckPreviews1764000000018 } from './migrations/1764000000018-check-previews';
import { SchoolSiteExternalIds1764000000019 } from './migrations/1764000000019-school-site-external-ids';
import { RosterImports1764000000020 } from './migrations/1764000000020-roster-imports';
import { ALL_RECORDS } from './records/records';
import type { Statement } from './plain-sql';

export const DEFAULT_SQLITE_FILE = './var/educators.sqlite';

export type Dialect = 'sqlite' | 'mysql';

export const dialectOf = (dataSource: DataSource): Dialect => (dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql');

/**
 * `mysql://user:pass@host:3306/db` (or `mariadb://`) selects MySQL/MariaDB; `sqlite:<path>` or nothing
 * selects the embedded SQLite file, so a newcomer needs no database server.
 */
export const dataSourceOptions = (databaseUrl: string | undefined, poolSize = 10): DataSourceOptions => {
  const migrations = [
    CreateSchema1764000000000,
    IndexAccountsByRole1764000000001,
    OutboxTemplates1764000000002,
    DerivedRegistrationCodes1764000000003,
    UploadLogVersions1764000000004,
    UploadTurnsAndFailures1764000000005,
    ThrottleCountsBeforeChecking1764000000006,
    IdempotencyKeys1764000000007,
    InvitationAllowances1764000000008,
    BrowserSessions1764000000009,
    AuditEvents1764000000010,
    AccountListingIndexes1764000000011,
    AccountDeactivation1764000000012,
    UploadUndo1764000000013,
    PasswordResets1764000000014,
    AccountListVersions1764000000017,
    CheckPreviews1764000000018,
    SchoolSiteExternalIds1764000000019,
    RosterImports1764000000020,
  ];
  const common = { entities: ALL_RECORDS, migrations, synchronize: false, logging: false as const };
  if (databaseUrl && /^(mysql|mariadb):\/\//.test(databaseUrl)) {
    const url = new URL(databaseUrl);
    return {
      ...common,
      type: url.protocol === 'mariadb:' ? 'mariadb' : 'mysql',
      host: url.hostname,
      port: Number(url.port || 3306),
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.replace(/^\//, ''),
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
      // mysql2's promise API otherwise captures a stack trace for every statement, only to decorate errors, which
      // TypeORM wraps again anyway (docs/adr/0011).
      trace: false,
      extra: { connectionLimit: poolSize },
    };
  }
  const file = databaseUrl?.replace(/^sqlite:/, '') || DEFAULT_SQLITE_FILE;
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: file,
    enableWAL: true,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      // Several processes (API, worker) may share the file: wait for a lock rather than fail at once.
      db.pragma('busy_timeout = 10000');
      db.pragma('synchronous = NORMAL');
    },
  };
};

export const createDataSource = (databaseUrl: string | undefined, poolSize?: number): DataSource => new DataSource(dataSourceOptions(databaseUrl, poolSize));

/**
 * MySQL/MariaDB: connections that accept several statements per query, for the two writers that send a whole
 * transaction in one round trip (the bulk writer's chunks, a single creation). Their statements are built from
 * constant SQL with every value a parameter; every other connection keeps several statements refused, so that no
 * other query can ever carry a second statement.
 */
const statementBatchOptions = (dataSource: DataSource): ConnectionOptions => {
  const options = dataSource.options as MysqlDataSourceOptions;
  return {
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password,
    database: options.database,
    charset: options.charset,
    timezone: options.timezone,
    supportBigNumbers: options.supportBigNumbers,
    bigNumberStrings: options.bigNumberStrings,
    trace: false,
    multipleStatements: true,
  };
};

export const openStatementBatchConnection = (dataSource: DataSource): Promise<Connection> => createConnection(statementBatchOptions(dataSource));

/**
 * Statements sent as one query on a connection from `openStatementBatchConnection` or a `StatementBatchPool`: one
 * round trip; results in order.
 */
export const sendAsOneQuery = async (connection: Connection, statements: Statement[]): Promise<unknown[]> => {
  // One result per statement, rows or a header; the type parameter names the header case, the callers know which.
  const [results] = await connection.query<ResultSetHeader[]>(
    statements.map((statement) => statement.sql).join(';\n'),
    statements.flatMap((statement) => statement.params),
  );
  return results;
};

/**
 * After a statement failed part way through such a query (the rest were not run): rolls back what ran, then runs
 * `cleanUp` if given. False when even that failed: the caller must close the connection, which rolls back too.
 */
export const rolledBack = (connection: Connection, cleanUp?: string): Promise<boolean> =>
  connection.query(cleanUp ? `ROLLBACK; ${cleanUp}` : 'ROLLBACK').then(
    () => true,
    () => false,
  );

/**
 * MySQL/MariaDB: a pool of `statementBatchOptions` connections, as many as the data source's own pool, opened as they
 * are needed, for whole transactions and groups of reads sent as one query.
 */
export class StatementBatchPool {
  private pool: Pool | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * The statements as one query, their results in order. When one fails, what ran before it is rolled back and the
   * error is thrown; a connection that cannot even roll back is closed (which rolls back too) rather than reused.
   */
  async send(statements: Statement[]): Promise<unknown[]> {
    this.pool ??= createPool({
      ...statementBatchOptions(this.dataSource),
      connectionLimit: ((this.dataSource.options as MysqlDataSourceOptions).extra as { connectionLimit?: number } | undefined)?.connectionLimit ?? 10,
    });
    const connection = await this.pool.getConnection();
    let healthy = true;
    try {
      const results = await sendAsOneQuery(connection, statements);
      // With one statement, mysql2 answers its result alone rather than a list of one.
      return statements.length === 1 ? [results] : results;
    } catch (error) {
      healthy = await rolledBack(connection);
      throw error;
    } finally {
      if (healthy) connection.release();
      else connection.destroy();
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }
}
