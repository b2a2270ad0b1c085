import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Ceiling } from './ceiling';
import type { ReadRun } from './reads';
import { MARIADB, REPO_ROOT, type Db } from './server';
import type { UploadRun } from './upload-run';

export type Environment = Record<string, string>;

const packageVersion = (name: string): string => {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
};

export const collectEnvironment = async (dbs: Db[]): Promise<Environment> => {
  const cpu = cpus();
  const environment: Environment = {
    CPU: `${cpu.length} × ${cpu[0]?.model ?? '?'}`,
    Memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    Kernel: release(),
    Node: process.version,
  };
  if (dbs.includes('mariadb')) {
    const connection = await mysql.createConnection(MARIADB);
    const [[version]] = (await connection.query(
      'SELECT VERSION() AS v, @@innodb_buffer_pool_size AS pool, @@innodb_flush_log_at_trx_commit AS flush',
    )) as unknown as [[{ v: string; pool: number; flush: number }]];
    await connection.end();
    environment.MariaDB = `${version.v} (innodb_buffer_pool_size ${Number(version.pool) / 1024 ** 2} MB, innodb_flush_log_at_trx_commit ${version.flush}), on loopback`;
  }
  const sqlite = new Database(':memory:');
  environment.SQLite = `${sqlite.prepare('SELECT sqlite_version() AS v').pluck().get() as string} (better-sqlite3 ${packageVersion('better-sqlite3')}; WAL, synchronous NORMAL)`;
  sqlite.close();
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO_ROOT }).toString().trim();
  try {
    const dirty = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
    environment.Code = `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ` plus uncommitted changes to ${dirty} file(s) under src/` : ''} (the working tree's build, copied when the run started: every server of the run runs that code)`;
  } catch {
    environment.Code = 'not a git checkout';
  }
  environment.Packages = ['typeorm', 'mysql2', '@apollo/server', 'express', 'autocannon'].map((name) => `${name} ${packageVersion(name)}`).join(', ');
  return environment;
};

interface ReportInput {
  command: string;
  startedAt: Date;
  finishedAt: Date;
  environment: Environment;
  ceilings: Ceiling[];
  uploads: UploadRun[];
  reads: ReadRun[];
  errors: string[];
  profiles: string[];
}

const n = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–';
const verdict = (met: boolean | null): string => (met === null ? 'not measured' : met ? '**met**' : '**NOT met**');

const ceilingFor = (ceilings: Ceiling[], db: Db, rows: number): Ceiling | undefined => ceilings.find((c) => c.db === db && c.rows === rows);
const ratio = (run: UploadRun, ceilings: Ceiling[]): number => {
  const ceiling = ceilingFor(ceilings, run.db, run.rows);
  return ceiling ? run.rowsPerSecond / ceiling.rowsPerSecond : NaN;
};

const targets = ({ ceilings, uploads, reads }: ReportInput): string[] => {
  const upload = (db: Db, rows: number, variant: string): UploadRun | undefined =>
    uploads.find((u) => u.db === db && u.rows === rows && u.variant === variant && u.format !== 'xlsx' && u.problems.length === 0);
  const rows: string[][] = [];
  for (const [variant, wanted] of [
    ['clean', 0.5],
    ['bad', 0.4],
  ] as const) {
    const run = upload('mariadb', 100_000, variant);
    const value = run ? ratio(run, ceilings) : NaN;
    rows.push([
      `MariaDB, 100k ${variant === 'clean' ? 'clean' : '10%-bad'} file: end to end ≥ ${wanted}× the raw mysql2 ceiling`,
      run ? `${n(run.rowsPerSecond)} rows/s = ${n(value, 2)}× of ${n(ceilingFor(ceilings, 'mariadb', 100_000)?.rowsPerSecond ?? NaN)}` : '–',
      verdict(Number.isFinite(value) ? value >= wanted : null),
    ]);
  }
  const million = uploads.filter((u) => u.db === 'mariadb' && u.rows === 1_000_000);
  for (const run of million) {
    const base = upload('mariadb', 100_000, run.variant);
    const within = base ? run.peakRssMb - base.peakRssMb : NaN;
    rows.push([
      `MariaDB, 1M ${run.variant} file: completes, peak RSS < 300 MB and within 60 MB of the 100k file's`,
      `${run.problems.length ? 'counts wrong' : 'completed'}; ${n(run.peakRssMb)} MB (100k: ${base ? n(base.peakRssMb) : '–'} MB, +${n(within)} MB)`,
      verdict(run.problems.length === 0 && run.peakRssMb < 300 && within <= 60),
    ]);
  }
  if (million.length === 0) rows.push(['MariaDB, 1M-row file', '–', verdict(null)]);
  const sqlite = upload('sqlite', 100_000, 'clean');
  rows.push([
    'SQLite, 100k clean rows at ≥ 20,000 rows/s',
    sqlite ? `${n(sqlite.rowsPerSecond)} rows/s` : '–',
    verdict(sqlite ? sqlite.rowsPerSecond >= 20_000 : null),
  ]);
  for (const read of reads) {
    for (const load of read.loads.filter((load) => load.target !== 'informational')) {
      rows.push([
        `${read.db}: ${load.scenario}, ${load.connections} connections: ${load.target}`,
        `p99 ${n(load.p99Ms, 1)} ms, ${load.errors} errors`,
        verdict(load.errors === 0 && load.p99Ms < 50),
      ]);
    }
    if (read.statementsPerLogPage) {
      const counts = Object.values(read.statementsPerLogPage);
      rows.push([
        `${read.db}: no N+1 (SQL statements of one log page do not grow with its size)`,
        Object.entries(read.statementsPerLogPage)
          .map(([first, count]) => `first ${first}: ${count}`)
          .join(', '),
        verdict(Math.max(...counts) === Math.min(...counts)),
      ]);
    }
  }
  return ['| target (issue 4) | measured | verdict |', '|---|---|---|', ...rows.map((cells) => `| ${cells.join(' | ')} |`)];
};

export const renderReport = (input: ReportInput): string => {
  const { command, startedAt, finishedAt, environment, ceilings, uploads, reads, errors, profiles } = input;
  const lines: string[] = [
    '# Benchmark results',
    '',
    `Written by \`${command}\` on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (took ${n((finishedAt.getTime() - startedAt.getTime()) / 60_000, 1)} min).`,
    'Rerun it with the same command; `bench/README.md` says what each figure means. Machines are shared and noisy: compare ratios, not seconds.',
    '',
    '## Machine and versions',
    '',
    '| | |',
    '|---|---|',
    ...Object.entries(environment).map(([key, value]) => `| ${key} | ${value} |`),
    '',
    '## Targets',
    '',
    ...targets(input),
    '',
  ];
  if (uploads.length) {
    lines.push(
      '## Bulk upload, end to end',
      '',
      'Each file on a fresh server process and a fresh database. End to end = upload request start → batch `endTime`; rows/s = file rows ÷ end to end.',
      '',
      '| db | rows | file | MB | answered (s) | pickup (s) | processing (s) | end to end (s) | rows/s | × ceiling | peak RSS (MB) | RSS at start / at answer (MB) | server CPU (s) | DB CPU (s) | created / skipped / failed | counts |',
      '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
      ...uploads
        .map((u) =>
          [
            u.db,
            n(u.rows),
            `${u.variant === 'clean' ? 'clean' : '10% bad'}${u.format === 'xlsx' ? ' (.xlsx)' : ''}`,
            n(u.bytes / 1024 ** 2, 1),
            n(u.answeredS, 2),
            n(u.pickupS, 2),
            n(u.processingS, 2),
            n(u.endToEndS, 2),
            n(u.rowsPerSecond),
            n(ratio(u, ceilings), 2),
            n(u.peakRssMb),
            `${n(u.startupPeakRssMb)} / ${n(u.peakRssAtAnswerMb)}`,
            n(u.serverCpuS, 1),
            u.dbCpuS === null ? 'in process' : n(u.dbCpuS, 1),
            `${n(u.counts.created)} / ${n(u.counts.skipped)} / ${n(u.counts.failed)}`,
            u.problems.length ? `**WRONG**: ${u.problems.join('; ')}` : 'as expected',
          ].join(' | '),
        )
        .map((row) => `| ${row} |`),
      '',
      'In the 10%-bad file every tenth row fails, cycling through the eight kinds (MISSING_FIELD, INVALID_EMAIL, INVALID_NAME, WRONG_COLUMN_COUNT,',
      "UNKNOWN_ROLE, ROLE_NOT_ALLOWED_IN_BULK, DUPLICATE_IN_FILE, EMAIL_TAKEN) and one row with the uploader's own email (skipped). The benchmark",
      'also checks the failures per code, the accounts and site memberships written, and one outbox message per created account plus the completion email.',
      '',
    );
  }
  if (ceilings.length) {
    lines.push(
      '## Ceiling: the database alone',
      '',
      "The clean file's rows inserted into a copy of `educator_account` (same columns, collations, unique index on `email_normalized`, auto-increment id):",
      'multi-row INSERTs of 1,000 rows, one transaction per chunk (mysql2 `query()`; better-sqlite3 with WAL and synchronous NORMAL, as the service).',
      '',
      '| db | rows | seconds | rows/s |',
      '|---|---:|---:|---:|',
      ...ceilings.map((c) => `| ${c.db} | ${n(c.rows)} | ${n(c.seconds, 2)} | ${n(c.rowsPerSecond)} |`),
      '',
    );
  }
  if (reads.length) {
    lines.push(
      '## Reads and single creation under load',
      '',
      'autocannon on loopback, each scenario for a fixed time after a 2 s warm-up, against 1,000 COMPLETED batches and 100,000 failure rows written with SQL.',
      'Latency is per request, from the load generator (which shares the 2 cores with the server and the database). The percentiles leave out each',
      "connection's first answer: all connections open at once and Node accepts one new connection per event-loop turn, so under full load the k-th",
      'connection waits about k requests for its first answer; the p99 with those first answers counted, and the slowest of them, are shown beside it.',
      'Repeated log and failure pages are answered from memory while nothing they show changes (README, Performance); the row "every answer built',
      'afresh" gives each request a query text of its own, so it shows what a page costs when a change (a chunk of a running upload) makes it be built again.',
      '',
      '| db | scenario | connections | s | requests | req/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | p99 with first answers (ms) | slowest first answer (ms) | errors |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...reads.flatMap((read) =>
        read.loads.map(
          (l) =>
            `| ${l.db} | ${l.scenario} | ${l.connections} | ${l.durationS} | ${n(l.requests)} | ${n(l.requestsPerSecond)} | ${n(l.p50Ms, 1)} | ${n(l.p95Ms, 1)} | ${n(l.p99Ms, 1)} | ${n(l.maxMs, 1)} | ${n(l.p99WithFirstAnswersMs, 1)} | ${n(l.slowestFirstAnswerMs, 1)} | ${l.errors} |`,
        ),
      ),
      '',
      ...reads.map(
        (read) =>
          `- ${read.db}: ${read.apiProcesses} API process${read.apiProcesses > 1 ? 'es (API_PROCESSES)' : ''}; ${n(read.accountsCreatedUnderLoad)} accounts created by the creation load; server peak RSS ${n(read.peakRssMb)} MB${read.apiProcesses > 1 ? " (the sum of each process's peak)" : ''}.`,
      ),
      ...reads.flatMap((read) =>
        read.loads.flatMap((l) => l.errorSamples.map((sample) => `- ${l.db}, ${l.scenario}, an error answer: \`${sample.replace(/`/g, "'")}\``)),
      ),
      '',
    );
  }
  if (errors.length) lines.push('## Failures', '', ...errors.map((error) => `- ${error}`), '');
  if (profiles.length) {
    lines.push(
      '## Where the time goes',
      '',
      'Separate runs of the same scenarios with the server under `node --cpu-prof` (summarised over the upload or the load test only, start-up left out)',
      "and, for MariaDB uploads, every statement timed by MariaDB's slow query log (`long_query_time = 0`). Profiling and logging slow the runs down:",
      'their throughput is not the measurement, the shares are the point. "Idle" is the main thread waiting: for the database, or for the network.',
      '',
      ...profiles,
    );
  }
  return `${lines.join('\n')}\n`;
};
