import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureDataset, type FileFormat, type Variant } from './dataset';
import { measureCeiling, type Ceiling } from './ceiling';
import { freshDatabase, logServers, REPO_ROOT, snapshotServerBuild, type Db } from './server';
import { runUpload, type UploadRun } from './upload-run';
import { runReads, type ReadRun } from './reads';
import { collectEnvironment, renderReport } from './report';
import { summarizeProfile } from './profile-summary';

const USAGE = `npm run bench -- [options]
  --db mariadb|sqlite|both       databases (default both)
  --rows 10000,100000,1000000    file sizes (default: MariaDB 10k and 100k, and 1M clean only; SQLite 10k and 100k)
  --variant clean|bad|both       the clean file, the one with 10% bad rows, or both (default both)
  --format csv|xlsx|both         the files as CSV, as Excel workbooks (first sheet), or both (default csv)
  --skip-reads | --reads-only    leave out, or run only, the read/creation load tests
  --skip-ceiling                 do not measure the raw-insert ceiling
  --duration 10                  seconds per load test (default 10)
  --connections 50               concurrent connections per load test (default 50)
  --api-processes 1              API_PROCESSES of the server under the load tests (default 1; uploads always run with 1)
  --cpu-prof                     run each upload's server under node --cpu-prof and summarise the profile
  --statement-log                MariaDB: time every statement of each upload with the slow query log (global setting,
                                 restored after; slows the run, so use it for the breakdown, not the throughput)
  --diagnose | --no-diagnose     end with profiled runs (100k clean upload per database, with MariaDB's statement log; the
                                 MariaDB load tests) whose summaries go into the results; on by default for the full run
  --server-log                   keep the server's own log lines (bench/.data/logs/), e.g. to see why requests failed
  --out FILE                     where to write the results (default bench/RESULTS.md for a full run, bench/.data/last-run.md otherwise)`;

interface Options {
  dbs: Db[];
  rows: number[] | null;
  variants: Variant[];
  formats: FileFormat[];
  uploads: boolean;
  reads: boolean;
  ceiling: boolean;
  durationS: number;
  connections: number;
  apiProcesses: number;
  cpuProf: boolean;
  statementLog: boolean;
  serverLog: boolean;
  diagnose: boolean | undefined;
  out: string;
}

// The 1M-row file runs clean only by default, and on MariaDB only, to keep the full run near 20 minutes on 2 cores.
const DEFAULT_ROWS: Record<Db, number[]> = { mariadb: [10_000, 100_000, 1_000_000], sqlite: [10_000, 100_000] };
const defaultVariants = (rows: number, variants: Variant[]): Variant[] => (rows >= 1_000_000 ? variants.filter((variant) => variant === 'clean') : variants);

const parseOptions = (argv: string[]): Options => {
  const options: Options = {
    dbs: ['mariadb', 'sqlite'],
    rows: null,
    variants: ['clean', 'bad'],
    formats: ['csv'],
    uploads: true,
    reads: true,
    ceiling: true,
    durationS: 10,
    connections: 50,
    apiProcesses: 1,
    cpuProf: false,
    statementLog: false,
    serverLog: false,
    diagnose: undefined,
    out: '',
  };
  let partial = false;
  for (let at = 0; at < argv.length; at += 1) {
    const flag = argv[at];
    const value = (): string => {
      const next = argv[++at];
      if (next === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return next;
    };
    switch (flag) {
      case '--db': {
        const db = value();
        if (!['mariadb', 'sqlite', 'both'].includes(db)) throw new Error(`--db ${db}?\n${USAGE}`);
        options.dbs = db === 'both' ? ['mariadb', 'sqlite'] : [db as Db];
        partial = true;
        break;
      }
      case '--rows':
        options.rows = value()
          .split(',')
          .map((text) => Number(text.replace(/_/g, '').replace(/k$/i, '000').replace(/m$/i, '000000')));
        if (options.rows.some((rows) => !Number.isSafeInteger(rows) || rows < 100)) throw new Error(`--rows takes whole numbers of at least 100\n${USAGE}`);
        partial = true;
        break;
      case '--format': {
        const format = value();
        if (!['csv', 'xlsx', 'both'].includes(format)) throw new Error(`--format ${format}?\n${USAGE}`);
        options.formats = format === 'both' ? ['csv', 'xlsx'] : [format as FileFormat];
        partial = true;
        break;
      }
      case '--variant': {
        const variant = value();
        if (!['clean', 'bad', 'both'].includes(variant)) throw new Error(`--variant ${variant}?\n${USAGE}`);
        options.variants = variant === 'both' ? ['clean', 'bad'] : [variant as Variant];
        partial = true;
        break;
      }
      case '--skip-reads':
        options.reads = false;
        partial = true;
        break;
      case '--reads-only':
        options.uploads = false;
        partial = true;
        break;
      case '--skip-ceiling':
        options.ceiling = false;
        partial = true;
        break;
      case '--duration':
        options.durationS = Number(value());
        break;
      case '--connections':
        options.connections = Number(value());
        break;
      case '--api-processes':
        options.apiProcesses = Number(value());
        break;
      case '--cpu-prof':
        options.cpuProf = true;
        break;
      case '--statement-log':
        options.statementLog = true;
        break;
      case '--diagnose':
        options.diagnose = true;
        break;
      case '--no-diagnose':
        options.diagnose = false;
        break;
      case '--server-log':
        options.serverLog = true;
        break;
      case '--out':
        options.out = value();
        break;
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown option ${flag}\n${USAGE}`);
    }
  }
  if (!(options.durationS > 0 && options.durationS <= 120)) throw new Error('--duration must be between 1 and 120 seconds');
  if (!(options.connections > 0 && options.connections <= 500)) throw new Error('--connections must be between 1 and 500');
  if (!(Number.isSafeInteger(options.apiProcesses) && options.apiProcesses >= 1 && options.apiProcesses <= 16))
    throw new Error('--api-processes must be a whole number from 1 to 16');
  // The full run ends with a profiled pass, so that the results say where the time goes.
  options.diagnose ??= !partial;
  options.out ||= partial ? join(REPO_ROOT, 'bench', '.data', 'last-run.md') : join(REPO_ROOT, 'bench', 'RESULTS.md');
  return options;
};

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2));
  logServers(options.serverLog);
  const dataDir = join(REPO_ROOT, 'bench', '.data');
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const startedAt = new Date();
  snapshotServerBuild(dataDir);
  const environment = await collectEnvironment(options.dbs);
  const ceilings: Ceiling[] = [];
  const uploads: UploadRun[] = [];
  const reads: ReadRun[] = [];
  const errors: string[] = [];
  const profiles: string[] = [];
  const profileDir = join(dataDir, 'profiles');
  mkdirSync(profileDir, { recursive: true });
  // A server stopped with SIGTERM exits only when its background loops end; a CPU profile is written only then.
  const graceFor = (profiled: boolean): number => (profiled ? 90_000 : 3_000);

  const attempt = async (what: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
      errors.push(message);
      console.error(`FAILED ${message}`);
    }
  };

  /** One file on a fresh server; a diagnostic (profiled) run is not a measurement, only its profile is kept. */
  const upload = (
    db: Db,
    rows: number,
    variant: Variant,
    profiled: boolean,
    statementLog: boolean,
    diagnostic: boolean,
    format: FileFormat = 'csv',
  ): Promise<void> =>
    attempt(`${db} ${rows} ${variant} ${format}${diagnostic ? ' (diagnostic)' : ''}`, async () => {
      const dataset = await ensureDataset(dataDir, rows, variant, format);
      console.log(`${db}, ${rows} rows, ${variant}, ${format} (${mb(dataset.bytes)} MB)${diagnostic ? ', profiled' : ''}: uploading…`);
      const run = await runUpload(db, dataset, { dataDir, cpuProfDir: profiled ? profileDir : undefined, stopGraceMs: graceFor(profiled), statementLog });
      if (!diagnostic) uploads.push(run);
      const c = run.counts;
      console.log(
        `  answered in ${run.answeredS.toFixed(2)} s, completed in ${run.endToEndS.toFixed(2)} s: ${run.rowsPerSecond.toFixed(0)} rows/s; ` +
          `peak RSS ${run.peakRssMb.toFixed(0)} MB; created ${c.created}, skipped ${c.skipped}, failed ${c.failed}` +
          (run.problems.length ? `\n  COUNTS WRONG: ${run.problems.join('; ')}` : ' (as expected)'),
      );
      if (run.problems.length) errors.push(`${db} ${rows} ${variant}: ${run.problems.join('; ')}`);
      if (run.cpuProfile || run.statementSummary) {
        const parts = [
          `### Upload: ${db}, ${rows.toLocaleString('en-US')} rows, ${variant}`,
          '',
          `Under the profiler${run.statementSummary ? ' and the statement log' : ''} this upload ran at ${run.rowsPerSecond.toFixed(0)} rows/s (${run.endToEndS.toFixed(2)} s end to end); ` +
            `server CPU ${run.serverCpuS.toFixed(1)} s${run.dbCpuS === null ? '' : `, mariadbd CPU ${run.dbCpuS.toFixed(1)} s`}.`,
          '',
        ];
        if (run.cpuProfile) parts.push(summarizeProfile(run.cpuProfile, 20, run.profileWindow));
        if (run.statementSummary) parts.push(run.statementSummary);
        profiles.push(parts.join('\n'));
        if (run.cpuProfile) console.log(`  profile: ${relative(REPO_ROOT, run.cpuProfile)}`);
      }
    });

  const readLoad = (db: Db, profiled: boolean, diagnostic: boolean): Promise<void> =>
    attempt(`${db} reads${diagnostic ? ' (diagnostic)' : ''}`, async () => {
      console.log(
        `${db}: read and creation load, ${options.connections} connections, ${options.durationS} s each, ${options.apiProcesses} API process(es)${diagnostic ? ', profiled' : ''}`,
      );
      const read = await runReads(db, {
        dataDir,
        cpuProfDir: profiled ? profileDir : undefined,
        durationS: options.durationS,
        connections: options.connections,
        apiProcesses: options.apiProcesses,
        stopGraceMs: graceFor(profiled),
      });
      if (!diagnostic) reads.push(read);
      profiles.push(...read.profiles);
    });

  if (options.uploads) {
    for (const db of options.dbs) {
      for (const rows of options.rows ?? DEFAULT_ROWS[db]) {
        const variants = options.rows ? options.variants : defaultVariants(rows, options.variants);
        if (options.ceiling && variants.length > 0) {
          await attempt(`${db} ceiling ${rows}`, async () => {
            await ensureDataset(dataDir, rows, 'clean');
            const ceiling = await measureCeiling(db, rows, await freshDatabase(db, dataDir), dataDir);
            ceilings.push(ceiling);
            console.log(`${db} ceiling, ${rows} rows: ${ceiling.rowsPerSecond.toFixed(0)} rows/s (${ceiling.seconds.toFixed(2)} s)`);
          });
        }
        for (const variant of variants)
          for (const format of options.formats) await upload(db, rows, variant, options.cpuProf, options.statementLog, false, format);
      }
    }
  }
  if (options.reads) for (const db of options.dbs) await readLoad(db, options.cpuProf, false);
  if (options.diagnose) {
    // Where the time goes, for the results file: separate profiled runs, so the measurements above stay undisturbed.
    console.log('Diagnostic pass (profiled; not measurements):');
    for (const db of options.dbs) await upload(db, 100_000, 'clean', true, db === 'mariadb', true);
    if (options.dbs.includes('mariadb')) await readLoad('mariadb', true, true);
  }

  const report = renderReport({ command, startedAt, finishedAt: new Date(), environment, ceilings, uploads, reads, errors, profiles });
  mkdirSync(join(options.out, '..'), { recursive: true });
  writeFileSync(options.out, report);
  writeFileSync(
    join(dataDir, `results-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify({ command, environment, ceilings, uploads, reads, errors }, null, 2),
  );
  console.log(`\nResults written to ${relative(process.cwd(), options.out)}`);
  if (errors.length) {
    console.error(`\n${errors.length} scenario(s) FAILED:\n- ${errors.join('\n- ')}`);
    process.exit(1);
  }
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
