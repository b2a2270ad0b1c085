import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver';
import type { SignInMetrics, SignInRefusal } from '../../application/ports/metrics';
import type { Clock } from '../../application/ports/clock';
import type { UploadBatchStatus } from '../../domain/upload-batch/upload-batch';
import type { ChunkWrites } from '../../application/ports/upload-batches';
import type { Log } from '../logging';

const BATCH_STATUSES: UploadBatchStatus[] = ['RECEIVING', 'QUEUED', 'PROCESSING', 'COMPLETED', 'REJECTED', 'FAILED', 'CANCELLED', 'UNDONE'];
const OUTBOX_STATUSES = ['PENDING', 'FAILED'] as const;
/** A code a resolver made up must not become a new series: anything outside the usual shape is counted as OTHER. */
const ERROR_CODE = /^[A-Z][A-Z_]{0,39}$/;

/** What the upload store reports of each chunk it was handed. */
export interface ChunkMetrics {
  chunkCommitted(result: string, seconds: number, writes: ChunkWrites): void;
}

interface MysqlPool {
  config: { connectionLimit: number };
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
}

/**
 * The service's Prometheus metrics, in a registry of its own (tests run several applications in one process). Labels
 * are operations, codes, statuses and outcomes, never a site or an account. Counters count this process's work; what
 * lives in the database (batches, the queue, the outbox) is read at scrape time, so every process reports the same truth.
 */
export class ServiceMetrics implements SignInMetrics, ChunkMetrics {
  readonly registry = new Registry();
  private readonly operationDuration: Histogram<'operation'>;
  private readonly graphqlErrors: Counter<'code'>;
  private readonly signInRefusals: Counter<'code'>;
  private readonly uploadRows: Counter<'outcome'>;
  private readonly chunkCommitDuration: Histogram<'result'>;

  constructor(dataSource: DataSource, clock: Clock, log: Log) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.operationDuration = new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'Time to answer a GraphQL request, by its first root field (unknown when it did not parse or validate)',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.graphqlErrors = new Counter({ name: 'graphql_errors_total', help: 'GraphQL errors answered, by extensions.code', labelNames: ['code'], registers });
    this.signInRefusals = new Counter({
      name: 'sign_in_refusals_total',
      help: 'Sign-ins refused: INVALID_CREDENTIALS (a failed attempt) or TOO_MANY_ATTEMPTS (throttled)',
      labelNames: ['code'],
      registers,
    });
    this.uploadRows = new Counter({
      name: 'upload_rows_total',
      help: 'Rows of uploaded files settled by this process, by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.chunkCommitDuration = new Histogram({
      name: 'upload_chunk_commit_duration_seconds',
      help: "Time to write one chunk of an upload with the batch's progress, retries included, by result",
      labelNames: ['result'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    // Read from the database on each scrape; a failed read leaves the series out of that scrape rather than failing it.
    const fromDatabase = <T extends string>(name: string, read: (gauge: Gauge<T>) => Promise<void>) =>
      async function collect(this: Gauge<T>): Promise<void> {
        this.reset();
        await read(this).catch((error: unknown) => log('A metric could not be read from the database', { metric: name, error: String(error) }));
      };
    const countsBy = async (sql: string): Promise<Map<string, number>> =>
      new Map((await dataSource.query<{ status: string; n: number | string }[]>(sql)).map((row) => [row.status, Number(row.n)]));
    const WAITING = "status IN ('QUEUED', 'PROCESSING')";
    new Gauge({
      name: 'upload_batches',
      help: 'Upload batches in the database, by status',
      labelNames: ['status'],
      registers,
      collect: fromDatabase('upload_batches', async (gauge) => {
        const counts = await countsBy('SELECT status, COUNT(*) AS n FROM upload_batch GROUP BY status');
        for (const status of BATCH_STATUSES) gauge.set({ status }, counts.get(status) ?? 0);
      }),
    });
    new Gauge({
      name: 'upload_queue_depth',
      help: 'Batches waiting for or in processing (QUEUED or PROCESSING)',
      registers,
      collect: fromDatabase('upload_queue_depth', async (gauge) => {
        const [row]: { n: number | string }[] = await dataSource.query(`SELECT COUNT(*) AS n FROM upload_batch WHERE ${WAITING}`);
        gauge.set(Number(row.n));
      }),
    });
    new Gauge({
      name: 'upload_queue_oldest_age_seconds',
      help: 'Age of the oldest batch waiting for or in processing; 0 when none',
      registers,
      collect: fromDatabase('upload_queue_oldest_age_seconds', async (gauge) => {
        const [row]: { oldest: number | string | null }[] = await dataSource.query(`SELECT MIN(created_at) AS oldest FROM upload_batch WHERE ${WAITING}`);
        gauge.set(row.oldest === null ? 0 : Math.max(0, (clock.now().getTime() - Number(row.oldest)) / 1000));
      }),
    });
    new Gauge({
      name: 'outbox_messages',
      help: 'Emails in the outbox: PENDING (to send or retry) and FAILED (given up)',
      labelNames: ['status'],
      registers,
      collect: fromDatabase('outbox_messages', async (gauge) => {
        const counts = await countsBy("SELECT status, COUNT(*) AS n FROM outbox_message WHERE status IN ('PENDING', 'FAILED') GROUP BY status");
        for (const status of OUTBOX_STATUSES) gauge.set({ status }, counts.get(status) ?? 0);
      }),
    });
    new Gauge({
      name: 'database_pool_connections',
      help: 'The database pool (MySQL/MariaDB only): its limit, connections open, idle, and requests waiting for one',
      labelNames: ['state'],
      registers,
      collect() {
        // mysql2 keeps these counts in fields of its own (TypeORM types its driver's pool `any`); SQLite has no pool.
        const mysql = dataSource.driver instanceof MysqlDriver ? (dataSource.driver.pool as MysqlPool) : undefined;
        if (!mysql) return;
        this.set({ state: 'limit' }, mysql.config.connectionLimit);
        this.set({ state: 'open' }, mysql._allConnections.length);
        this.set({ state: 'idle' }, mysql._freeConnections.length);
        this.set({ state: 'waiting' }, mysql._connectionQueue.length);
      },
    });
  }

  operationAnswered(operation: string, seconds: number): void {
    this.operationDuration.observe({ operation }, seconds);
  }

  graphqlError(code: unknown): void {
    this.graphqlErrors.inc({ code: typeof code === 'string' && ERROR_CODE.test(code) ? code : code === undefined ? 'INTERNAL_SERVER_ERROR' : 'OTHER' });
  }

  signInRefused(code: SignInRefusal): void {
    this.signInRefusals.inc({ code });
  }

  chunkCommitted(result: string, seconds: number, writes: ChunkWrites): void {
    this.chunkCommitDuration.observe({ result }, seconds);
    if (result !== 'committed') return;
    // The accounts written, not the counts: a dry run counts the rows it would create, and writes none.
    this.uploadRows.inc({ outcome: 'created' }, writes.creates.length + writes.recreates.length);
    this.uploadRows.inc({ outcome: 'skipped' }, writes.countsAdded.recordsSkipped);
    this.uploadRows.inc({ outcome: 'failed' }, writes.countsAdded.recordsFailed);
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
