import autocannon from 'autocannon';
import { FAILURE_KINDS, person } from './dataset';
import { graphql, signInAsSiteAdmin, type Session } from './client';
import { freshDatabase, memoryOf, startServer, type Db } from './server';
import { openSql, type Sql, type Value } from './sql';
import { monotonicMicros, summarizeProfile, type Window } from './profile-summary';

export interface LoadResult {
  db: Db;
  scenario: string;
  connections: number;
  durationS: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The p99 when each connection's first answer (the test's start-up) is counted too. */
  p99WithFirstAnswersMs: number;
  slowestFirstAnswerMs: number;
  /** Non-2xx answers, GraphQL errors, userErrors and timeouts. */
  errors: number;
  /** A few distinct error answers, to say what went wrong. */
  errorSamples: string[];
  target: string;
}

export interface ReadRun {
  db: Db;
  loads: LoadResult[];
  /** SQL statements one uploadBatches request issues (MariaDB's Questions counter), by page size. */
  statementsPerLogPage: Record<number, number> | null;
  accountsCreatedUnderLoad: number;
  /** API_PROCESSES the server ran with. */
  apiProcesses: number;
  peakRssMb: number;
  /** With --cpu-prof: the server's profile summarised over each scenario's window. */
  profiles: string[];
}

export interface ReadOptions {
  dataDir: string;
  cpuProfDir?: string;
  durationS: number;
  connections: number;
  apiProcesses: number;
  stopGraceMs: number;
}

export const BATCHES = 1000;
export const FAILURES = 100_000;
// The newest batch holds most failures (a 1M-row file with 9% bad rows); the other 999 hold 10 each.
const SMALL_BATCH_FAILURES = 10;
const LARGE_BATCH_FAILURES = FAILURES - (BATCHES - 1) * SMALL_BATCH_FAILURES;

const LOG_QUERY = `query($first: Int) { uploadBatches(first: $first) { totalCount pageInfo { hasNextPage endCursor }
  nodes { id fileName status dryRun totalRows recordsProcessed recordsCreated recordsSkipped recordsFailed createdAt startTime endTime
    rejectionReason warnings { code message } schoolSite { id name } uploadedBy { id email firstName lastName } } } }`;
const FAILURES_QUERY = `query($id: ID!) { uploadBatch(id: $id) { id failures(first: 100) { totalCount pageInfo { hasNextPage endCursor }
  nodes { lineNumber code type email message reason schoolName fileName } } } }`;
const CREATE_MUTATION = `mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) {
  account { id email status registrationDeadline } warnings { code message } userErrors { code message field } } }`;

const REASONS: Record<string, string> = {
  MISSING_FIELD: 'Missing First Name: every column must be filled in.',
  INVALID_EMAIL: 'is not a valid email address.',
  INVALID_NAME: 'Last Name is longer than 100 characters.',
  WRONG_COLUMN_COUNT: 'This row has 3 cells but the template has 4 (First Name, Last Name, Email, User Role). Check for extra commas or a missing value.',
  UNKNOWN_ROLE: '"Teacher" is not a role. Use Educator, Counselor—Caseload Only, Counselor or Site Admin.',
  ROLE_NOT_ALLOWED_IN_BULK: 'District Admin accounts cannot be created from a file; create them one at a time.',
  DUPLICATE_IN_FILE: 'The same email is on line 12; only the first row with an email is imported.',
  EMAIL_TAKEN: 'Email has already been taken',
};

/** 1,000 finished batches of the demo site and 100,000 failure rows, written straight into the tables. */
const seedUploadLog = async (sql: Sql): Promise<void> => {
  const [site] = await sql.query("SELECT id FROM school_site WHERE name = 'Demo Partner High'");
  const [uploader] = await sql.query("SELECT id FROM educator_account WHERE role_code = 'SITE_ADMIN'");
  const base = Date.now() - BATCHES * 3_600_000;
  const failuresOf = (ordinal: number): number => (ordinal === BATCHES ? LARGE_BATCH_FAILURES : SMALL_BATCH_FAILURES);
  const batches: Value[][] = [];
  for (let ordinal = 1; ordinal <= BATCHES; ordinal += 1) {
    const failed = failuresOf(ordinal);
    const total = failed * 10;
    const created = base + ordinal * 3_600_000;
    batches.push([
      Number(site.id),
      Number(uploader.id),
      `educators-${ordinal}.csv`,
      total * 60,
      0,
      'COMPLETED',
      total,
      total,
      total - failed,
      0,
      failed,
      null,
      '[]',
      created,
      created + 1000,
      created + 1000 + total,
      null,
      null,
    ]);
  }
  await sql.insertMany(
    'upload_batch',
    [
      'school_site_id',
      'uploaded_by_account_id',
      'file_name',
      'byte_size',
      'dry_run',
      'status',
      'total_rows',
      'records_processed',
      'records_created',
      'records_skipped',
      'records_failed',
      'rejection_reason',
      'warnings',
      'created_at',
      'start_time',
      'end_time',
      'lease_owner',
      'lease_expires_at',
    ],
    batches,
  );
  const ids = (await sql.query('SELECT id FROM upload_batch ORDER BY id')).map((row) => Number(row.id));
  const failures: Value[][] = [];
  ids.forEach((batchId, position) => {
    for (let n = 0; n < failuresOf(position + 1); n += 1) {
      const p = person(n);
      const code = FAILURE_KINDS[n % FAILURE_KINDS.length];
      failures.push([batchId, 2 + n * 10, code, REASONS[code], p.role, p.email, JSON.stringify([p.firstName, p.lastName, p.email, p.role])]);
    }
  });
  await sql.insertMany('upload_failure', ['batch_id', 'line_number', 'code', 'reason', 'role_as_written', 'email', 'original_cells'], failures);
};

const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;

type RequestSpec = NonNullable<autocannon.Options['requests']>[number];

/**
 * A bounded autocannon run on loopback; latencies are collected per response so p95 can be reported. Each connection's
 * first answer is left out of the percentiles (and reported apart): the load generator opens all its connections at
 * once, Node accepts one new connection per event-loop turn, so under full load the k-th new connection waits about k
 * requests' time for its first answer. That measures the start of the test, not a reader of the log.
 */
export const load = async (
  url: string,
  token: string,
  spec: { durationS: number; connections: number; request: RequestSpec; isError?: (body: string) => boolean },
) => {
  const latencies: number[] = [];
  const firstAnswers: number[] = [];
  const answered = new WeakSet<object>();
  let errors = 0;
  const errorSamples = new Set<string>();
  const isError = spec.isError ?? ((body: string) => body.includes('"errors"'));
  const request: RequestSpec = {
    ...spec.request,
    onResponse: (status: number, body: string) => {
      if (status !== 200 || isError(body)) {
        errors += 1;
        if (errorSamples.size < 3) errorSamples.add(`${status} ${body.slice(0, 300)}`);
      }
    },
  };
  const instance = autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    connections: spec.connections,
    duration: spec.durationS,
    timeout: 10,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [request],
  }) as unknown as Promise<autocannon.Result> & {
    on(event: 'response', listener: (client: object, statusCode: number, bytes: number, responseTime: number) => void): void;
  };
  instance.on('response', (client: object, _status: number, _bytes: number, responseTime: number) => {
    if (answered.has(client)) latencies.push(responseTime);
    else {
      answered.add(client);
      firstAnswers.push(responseTime);
    }
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const all = [...latencies, ...firstAnswers].sort((a, b) => a - b);
  return {
    requests: all.length,
    requestsPerSecond: all.length / spec.durationS,
    p99WithFirstAnswersMs: percentile(all, 99),
    slowestFirstAnswerMs: Math.max(...firstAnswers),
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? NaN,
    errors: errors + result.errors + result.timeouts,
    errorSamples: [...errorSamples],
  };
};

/**
 * MariaDB's global Questions counter around one request, on an otherwise idle server (best of three). Each attempt
 * sends a query text of its own (a comment differs), so that the page is built afresh, not answered from memory.
 */
const statementsPerRequest = async (sql: Sql, send: (uniqueComment: string) => Promise<unknown>): Promise<number> => {
  let best = Infinity;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const questions = async (): Promise<number> => Number((await sql.query("SHOW GLOBAL STATUS LIKE 'Questions'"))[0].Value);
    const before = await questions();
    await send(`\n# statements ${Date.now()} ${attempt}`);
    // The counter also counts the two SHOW statements' own first one.
    best = Math.min(best, (await questions()) - before - 1);
  }
  return best;
};

export const runReads = async (db: Db, options: ReadOptions): Promise<ReadRun> => {
  const databaseUrl = await freshDatabase(db, options.dataDir);
  const label = `${db}-reads`;
  const server = await startServer(databaseUrl, options.dataDir, label, { cpuProfDir: options.cpuProfDir, apiProcesses: options.apiProcesses });
  const sql = await openSql(databaseUrl);
  const windows: [string, Window][] = [];
  let run: ReadRun | undefined;
  try {
    await seedUploadLog(sql);
    const session: Session = await signInAsSiteAdmin(server.url);
    const log = await graphql<{ uploadBatches: { totalCount: number; nodes: { id: string; recordsFailed: number }[] } }>(server.url, session.token, LOG_QUERY, {
      first: 50,
    });
    if (log.uploadBatches.totalCount !== BATCHES || log.uploadBatches.nodes.length !== 50)
      throw new Error(`Unexpected log page: ${JSON.stringify(log).slice(0, 300)}`);
    const largest = log.uploadBatches.nodes[0];
    if (largest.recordsFailed !== LARGE_BATCH_FAILURES)
      throw new Error(`The newest batch should hold ${LARGE_BATCH_FAILURES} failures, has ${largest.recordsFailed}`);
    const page = await graphql<{ uploadBatch: { failures: { totalCount: number; nodes: unknown[] } } }>(server.url, session.token, FAILURES_QUERY, {
      id: largest.id,
    });
    if (page.uploadBatch.failures.totalCount !== LARGE_BATCH_FAILURES || page.uploadBatch.failures.nodes.length !== 100)
      throw new Error('Unexpected failures page');

    let statementsPerLogPage: Record<number, number> | null = null;
    if (db === 'mariadb') {
      statementsPerLogPage = {};
      for (const first of [5, 50, 100])
        statementsPerLogPage[first] = await statementsPerRequest(sql, (comment) => graphql(server.url, session.token, LOG_QUERY + comment, { first }));
    }

    const common = { durationS: options.durationS, connections: options.connections };
    const body = (query: string, variables: object): string => JSON.stringify({ query, variables });
    let windowStart = monotonicMicros();
    /** The scenario for 2 s unrecorded (the JIT, the connection pools), then measured. */
    const warmThenLoad = async (spec: Omit<Parameters<typeof load>[2], 'durationS' | 'connections'>, afterWarmUp?: () => Promise<void>) => {
      await load(server.url, session.token, { ...common, ...spec, durationS: 2 });
      await afterWarmUp?.();
      windowStart = monotonicMicros();
      return load(server.url, session.token, { ...common, ...spec });
    };

    const loads: LoadResult[] = [];
    const record = (scenario: string, target: string, figures: Awaited<ReturnType<typeof load>>): void => {
      windows.push([scenario, { fromUs: windowStart, toUs: monotonicMicros(), label: 'this load test' }]);
      windowStart = monotonicMicros();
      loads.push({ db, scenario, target, connections: options.connections, durationS: options.durationS, ...figures });
      console.log(
        `  ${scenario}: ${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50Ms.toFixed(1)} ms, p95 ${figures.p95Ms.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms (with each connection's first answer: ${figures.p99WithFirstAnswersMs.toFixed(1)} ms), errors ${figures.errors}`,
      );
    };
    record('uploadBatches(first: 50)', 'p99 < 50 ms', await warmThenLoad({ request: { method: 'POST', body: body(LOG_QUERY, { first: 50 }) } }));
    record(
      `uploadBatch.failures(first: 100), batch of ${LARGE_BATCH_FAILURES.toLocaleString('en-US')} failures`,
      'p99 < 50 ms',
      await warmThenLoad({ request: { method: 'POST', body: body(FAILURES_QUERY, { id: largest.id }) } }),
    );
    // What the log page costs when it cannot be answered from memory: every request carries a variable of its own
    // (which the query does not use), as if the log had changed since the last answer.
    let fresh = 0;
    record(
      'uploadBatches(first: 50), every answer built afresh',
      'informational',
      await warmThenLoad({
        request: { method: 'POST', setupRequest: (request) => ({ ...request, body: body(LOG_QUERY, { first: 50, unused: (fresh += 1) }) }) },
      }),
    );
    let accountsBefore = 0;
    let sequence = 0;
    record(
      'createEducatorAccount (unique email each)',
      'p99 < 50 ms',
      await warmThenLoad(
        {
          isError: (text) => text.includes('"errors"') || !text.includes('"userErrors":[]'),
          request: {
            method: 'POST',
            setupRequest: (request) => {
              sequence += 1;
              const p = person(2_000_000 + sequence);
              const input = {
                firstName: p.firstName,
                lastName: p.lastName,
                email: `load.${sequence}.${p.email}`,
                roleCode: 'EDUCATOR',
                schoolSiteIds: [session.siteId],
                agreementAccepted: true,
              };
              return { ...request, body: body(CREATE_MUTATION, { input }) };
            },
          },
        },
        async () => {
          // Accounts created while measuring only, not while warming up.
          accountsBefore = Number((await sql.query('SELECT COUNT(*) AS n FROM educator_account'))[0].n);
        },
      ),
    );
    const [after] = await sql.query('SELECT COUNT(*) AS n FROM educator_account');
    run = {
      db,
      loads,
      statementsPerLogPage,
      accountsCreatedUnderLoad: Number(after.n) - accountsBefore,
      apiProcesses: options.apiProcesses,
      peakRssMb: memoryOf(server.pid).peakRssMb,
      profiles: [],
    };
  } finally {
    await sql.close();
    await server.stop(options.stopGraceMs);
  }
  if (options.cpuProfDir) {
    for (const [scenario, window] of windows)
      run.profiles.push(
        `### Load test: ${db}, ${scenario}, ${options.connections} connections\n\n${summarizeProfile(`${options.cpuProfDir}/${label}.cpuprofile`, 12, window)}`,
      );
  }
  return run;
};
