import { DEMO_SITE_ADMIN_EMAIL, FAILURE_KINDS, takenEmail, type Dataset, type Expected, type FailureKind } from './dataset';
import { readBatch, signInAsSiteAdmin, uploadFile, type BatchState } from './client';
import { cpuSecondsOf, findProcess, freshDatabase, memoryOf, startServer, type Db, type ServerProcess } from './server';
import { openSql, type Sql, type Value } from './sql';
import { startStatementLog, type StatementLog } from './statement-log';
import { monotonicMicros, type Window } from './profile-summary';

export interface UploadRun {
  db: Db;
  rows: number;
  variant: Dataset['variant'];
  format: Dataset['format'];
  bytes: number;
  /** Upload request start → mutation answered (file stored and checked). */
  answeredS: number;
  /** Mutation answered → worker started the batch (the worker polls every 500 ms when idle). */
  pickupS: number;
  /** Batch startTime → endTime, as the server recorded them. */
  processingS: number;
  /** Upload request start → batch endTime. */
  endToEndS: number;
  rowsPerSecond: number;
  startupPeakRssMb: number;
  peakRssAtAnswerMb: number;
  peakRssMb: number;
  serverCpuS: number;
  dbCpuS: number | null;
  counts: { processed: number; created: number; skipped: number; failed: number };
  expected: Expected;
  problems: string[];
  shutdownMs: number;
  cpuProfile: string | null;
  /** The upload's span on the profile's clock. */
  profileWindow: Window;
  statementSummary: string | null;
}

export interface UploadOptions {
  dataDir: string;
  cpuProfDir?: string;
  /** Grace before SIGKILL when stopping the server; a CPU profile is written only on a clean exit. */
  stopGraceMs: number;
  /** MariaDB only: log and time every statement of the run (slows it down; for the breakdown only). */
  statementLog?: boolean;
}

const POLL_MS = 200;
const STALL_MS = 120_000;

/** Accounts of the other demo site (Demo Middle School): the bad file's EMAIL_TAKEN rows use their emails. */
const seedTakenAccounts = async (sql: Sql, count: number): Promise<void> => {
  if (count === 0) return;
  const [site] = await sql.query("SELECT id, district_id FROM school_site WHERE name = 'Demo Middle School'");
  const now = Date.now();
  const rows: Value[][] = [];
  for (let k = 1; k <= count; k += 1) {
    const email = takenEmail(k);
    rows.push([email, email, 'Taken', `Account ${k}`, 'EDUCATOR', Number(site.district_id), now, now + 60 * 86_400_000, now, null, null, null]);
  }
  await sql.insertMany(
    'educator_account',
    [
      'email',
      'email_normalized',
      'first_name',
      'last_name',
      'role_code',
      'district_id',
      'created_at',
      'registration_deadline',
      'registered_at',
      'password_hash',
      'created_by_account_id',
      'source_batch_id',
    ],
    rows,
  );
  await sql.query(
    "INSERT INTO educator_account_site (account_id, school_site_id) SELECT id, ? FROM educator_account WHERE email_normalized LIKE '%@demo-middle-school.example.org'",
    [Number(site.id)],
  );
};

/** What the service wrote, checked against the file: every row accounted for, every invitation queued. */
const verify = async (sql: Sql, dataset: Dataset, state: BatchState): Promise<string[]> => {
  const problems: string[] = [];
  const { expected } = dataset;
  const expect = (what: string, actual: number, wanted: number): void => {
    if (actual !== wanted) problems.push(`${what}: got ${actual}, expected ${wanted}`);
  };
  expect('recordsProcessed', state.recordsProcessed, expected.processed);
  expect('recordsCreated', state.recordsCreated, expected.created);
  expect('recordsSkipped', state.recordsSkipped, expected.skipped);
  expect('recordsFailed', state.recordsFailed, expected.failed);
  expect('totalRows', state.totalRows ?? -1, expected.processed);
  const [batch] = await sql.query('SELECT MAX(id) AS id FROM upload_batch');
  const batchId = Number(batch.id);
  const byCode = new Map(
    (await sql.query('SELECT code, COUNT(*) AS n FROM upload_failure WHERE batch_id = ? GROUP BY code', [batchId])).map((row) => [
      String(row.code),
      Number(row.n),
    ]),
  );
  for (const code of new Set<string>([...FAILURE_KINDS, ...byCode.keys()]))
    expect(`failures ${code}`, byCode.get(code) ?? 0, expected.byCode[code as FailureKind] ?? 0);
  const [accounts] = await sql.query('SELECT COUNT(*) AS n FROM educator_account WHERE source_batch_id = ?', [batchId]);
  expect('accounts with source_batch_id', Number(accounts.n), expected.created);
  const [memberships] = await sql.query(
    'SELECT COUNT(*) AS n FROM educator_account_site m JOIN educator_account a ON a.id = m.account_id WHERE a.source_batch_id = ?',
    [batchId],
  );
  expect('site memberships of created accounts', Number(memberships.n), expected.created);
  const [outbox] = await sql.query('SELECT COUNT(*) AS n FROM outbox_message');
  expect('outbox messages (invitations + 1 completion email)', Number(outbox.n), expected.created + 1);
  const [uploader] = await sql.query('SELECT COUNT(*) AS n FROM educator_account WHERE email_normalized = ?', [DEMO_SITE_ADMIN_EMAIL]);
  expect('uploader account rows', Number(uploader.n), 1);
  return problems;
};

const waitForBatch = async (poll: () => Promise<BatchState>, rows: number): Promise<{ state: BatchState; seenAt: number }> => {
  // Bounded: generous for a slow service (500 rows/s), and a batch that stops progressing fails sooner.
  const deadline = Date.now() + 120_000 + rows * 2;
  let lastProgress = { processed: -1, at: Date.now() };
  for (;;) {
    const state = await poll();
    if (['COMPLETED', 'REJECTED', 'FAILED'].includes(state.status)) return { state, seenAt: Date.now() };
    if (state.recordsProcessed !== lastProgress.processed) lastProgress = { processed: state.recordsProcessed, at: Date.now() };
    if (Date.now() - lastProgress.at > STALL_MS) throw new Error(`The batch made no progress for ${STALL_MS / 1000} s: ${JSON.stringify(state)}`);
    if (Date.now() > deadline) throw new Error(`The batch did not complete in time: ${JSON.stringify(state)}`);
    await new Promise((wait) => setTimeout(wait, POLL_MS));
  }
};

/** One file on a fresh server and a fresh database, so the server's peak RSS belongs to this file alone. */
export const runUpload = async (db: Db, dataset: Dataset, options: UploadOptions): Promise<UploadRun> => {
  const label = `${db}-${dataset.rows}-${dataset.variant}-${dataset.format}`;
  const databaseUrl = await freshDatabase(db, options.dataDir);
  // Started before the server, so that its pooled connections pick up the global setting.
  let statementLog: StatementLog | null = db === 'mariadb' && options.statementLog ? await startStatementLog(`/tmp/bench-statements-${label}.log`) : null;
  let server: ServerProcess | undefined;
  let sql: Sql | undefined;
  let result: UploadRun | undefined;
  try {
    const live = await startServer(databaseUrl, options.dataDir, label, { cpuProfDir: options.cpuProfDir });
    server = live;
    sql = await openSql(databaseUrl);
    const session = await signInAsSiteAdmin(server.url);
    await seedTakenAccounts(sql, dataset.takenAccounts);
    const startupPeakRssMb = memoryOf(server.pid).peakRssMb;
    const dbPid = db === 'mariadb' ? (findProcess('mariadbd') ?? findProcess('mysqld')) : undefined;
    const serverCpu0 = cpuSecondsOf(server.pid);
    const dbCpu0 = dbPid ? cpuSecondsOf(dbPid) : 0;

    const started = Date.now();
    const startedUs = monotonicMicros();
    const answer = await uploadFile(server.url, session, dataset.path, dataset.bytes);
    const answered = Date.now();
    const peakRssAtAnswerMb = memoryOf(server.pid).peakRssMb;
    if (!answer.batch) throw new Error(`The upload was refused: ${JSON.stringify(answer.userErrors)}`);
    if (answer.batch.status === 'REJECTED') throw new Error(`The upload was REJECTED: ${answer.batch.rejectionReason}`);
    const batchId = answer.batch.id;
    const { state } = await waitForBatch(() => readBatch(live.url, session, batchId), dataset.rows);
    const profileWindow = { fromUs: startedUs, toUs: monotonicMicros(), label: 'upload request start → batch COMPLETED seen' };
    if (state.status === 'REJECTED') throw new Error(`The batch was REJECTED while processing: ${state.rejectionReason}`);
    if (state.status === 'FAILED') throw new Error(`The batch FAILED: ${state.failureReason}`);
    const serverCpuS = cpuSecondsOf(server.pid) - serverCpu0;
    const dbCpuS = dbPid ? cpuSecondsOf(dbPid) - dbCpu0 : null;
    const peakRssMb = memoryOf(server.pid).peakRssMb;
    const statementSummary = statementLog ? await statementLog.stop() : null;
    statementLog = null;
    const startTime = Date.parse(state.startTime!);
    const endTime = Date.parse(state.endTime!);
    const problems = await verify(sql, dataset, state);
    const endToEndS = (endTime - started) / 1000;
    result = {
      db,
      rows: dataset.rows,
      variant: dataset.variant,
      format: dataset.format,
      bytes: dataset.bytes,
      answeredS: (answered - started) / 1000,
      pickupS: (startTime - answered) / 1000,
      processingS: (endTime - startTime) / 1000,
      endToEndS,
      rowsPerSecond: dataset.rows / endToEndS,
      startupPeakRssMb,
      peakRssAtAnswerMb,
      peakRssMb,
      serverCpuS,
      dbCpuS,
      counts: { processed: state.recordsProcessed, created: state.recordsCreated, skipped: state.recordsSkipped, failed: state.recordsFailed },
      expected: dataset.expected,
      problems,
      shutdownMs: 0,
      cpuProfile: options.cpuProfDir ? `${options.cpuProfDir}/${label}.cpuprofile` : null,
      profileWindow,
      statementSummary,
    };
  } finally {
    await statementLog?.stop();
    await sql?.close();
    const shutdownMs = await server?.stop(options.stopGraceMs);
    if (result && shutdownMs !== undefined) result.shutdownMs = shutdownMs;
  }
  return result;
};
