import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { BENCH_PASSWORD } from './client';
import { openSql } from './sql';

export type Db = 'sqlite' | 'mariadb';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
export const BENCH_DATABASE = 'bench_educators';
const JWT_SECRET = 'bench-secret-0123456789-abcdefghij-klmnop';

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });

let serverBuild = join(REPO_ROOT, 'dist', 'src');

/**
 * Others rebuild dist/ while a long run goes on; every server of one run must run the same code, so the run
 * copies the build it started with and spawns servers from the copy (packages still resolve from node_modules).
 */
export const snapshotServerBuild = (dataDir: string): void => {
  const copy = join(dataDir, 'server-build', 'src');
  rmSync(join(dataDir, 'server-build'), { recursive: true, force: true });
  cpSync(join(REPO_ROOT, 'dist', 'src'), copy, { recursive: true });
  serverBuild = copy;
};

let serverLogging = false;
/** `--server-log`: let the server write its JSON log lines (to bench/.data/logs/), e.g. to see why requests failed. */
export const logServers = (on: boolean): void => {
  serverLogging = on;
};

const serverEnv = (port: number, databaseUrl: string, dataDir: string, apiProcesses = 1): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Set by the run's own option only, never inherited from the shell: the figures say how many processes served.
    API_PROCESSES: String(apiProcesses),
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: serverLogging ? '' : 'silent',
    MAIL_DELIVERY: 'off',
    MAIL_OUTBOX_DIR: join(dataDir, 'outbox'),
    MAX_UPLOAD_ROWS: '1100000',
    MAX_UPLOAD_BYTES: '200000000',
    // One Site Admin creates every account of the run: the limits are far above what it sends, and are still counted.
    MAX_INVITATIONS_PER_ADMIN_PER_HOUR: '1000000000',
    MAX_BULK_ROWS_PER_ADMIN_PER_DAY: '1000000000',
    JWT_SECRET,
  };
  // As deployed: production mode (graphql-js skips its development checks; the server refuses demo passwords).
  env.NODE_ENV = 'production';
  delete env.NODE_OPTIONS;
  return env;
};

/** A fresh, empty database with the demo district: a new SQLite file, or `bench_educators` dropped and recreated. */
export const freshDatabase = async (db: Db, dataDir: string): Promise<string> => {
  let databaseUrl: string;
  if (db === 'sqlite') {
    const dir = join(dataDir, 'sqlite');
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) rmSync(join(dir, name), { force: true });
    databaseUrl = `sqlite:${join(dir, `bench-${Date.now()}.sqlite`)}`;
  } else {
    const connection = await mysql.createConnection(MARIADB);
    try {
      await connection.query(`DROP DATABASE IF EXISTS ${BENCH_DATABASE}`);
      await connection.query(`CREATE DATABASE ${BENCH_DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    } finally {
      await connection.end();
    }
    databaseUrl = `mysql://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${BENCH_DATABASE}`;
  }
  // The same CLI a developer runs: migrations, then the demo district (the server would seed SQLite itself; MariaDB it does not).
  execFileSync(process.execPath, [join(serverBuild, 'cli', 'seed-demo.js')], {
    cwd: REPO_ROOT,
    env: { ...serverEnv(4000, databaseUrl, dataDir), NODE_ENV: 'development' },
    stdio: 'pipe',
  });
  await replaceDemoPasswords(databaseUrl);
  return databaseUrl;
};

/** A production server refuses to start while a demo account has the demo password: the seeded accounts get the benchmark's. */
const replaceDemoPasswords = async (databaseUrl: string): Promise<void> => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the server build to load is chosen at run time
  const { Argon2PasswordHasher } = require(
    join(serverBuild, 'infrastructure', 'auth', 'argon2-password-hasher.js'),
  ) as typeof import('../src/infrastructure/auth/argon2-password-hasher');
  const sql = await openSql(databaseUrl);
  try {
    await sql.query('UPDATE educator_account SET password_hash = ? WHERE password_hash IS NOT NULL', [await new Argon2PasswordHasher().hash(BENCH_PASSWORD)]);
  } finally {
    await sql.close();
  }
};

export interface ServerProcess {
  pid: number;
  url: string;
  databaseUrl: string;
  logPath: string;
  /** Graceful stop (SIGTERM); SIGKILL after `graceMs`. Resolves with how long the process took to exit. */
  stop(graceMs: number): Promise<number>;
}

export interface StartOptions {
  cpuProfDir?: string;
  /** API_PROCESSES: above 1, the process started is a cluster primary and the API processes are its children. */
  apiProcesses?: number;
}

/** The production build as a separate process, exactly as `npm start` runs it after the build. */
export const startServer = async (databaseUrl: string, dataDir: string, label: string, options: StartOptions = {}): Promise<ServerProcess> => {
  const port = await freePort();
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${label}.log`);
  const log = openSync(logPath, 'w');
  const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`, `--cpu-prof-name=${label}.cpuprofile`] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, join(serverBuild, 'processes', 'api.js')], {
    cwd: REPO_ROOT,
    env: serverEnv(port, databaseUrl, dataDir, options.apiProcesses),
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exited = false;
  const exit = new Promise<void>((resolveExit) => child.once('exit', () => ((exited = true), resolveExit())));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`The server exited while starting; see ${logPath}:\n${readFileSync(logPath, 'utf8').slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server did not answer /healthz within 60 s; see ${logPath}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  return {
    pid: child.pid!,
    url,
    databaseUrl,
    logPath,
    stop: async (graceMs) => {
      if (exited) return 0;
      const started = Date.now();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      return Date.now() - started;
    },
  };
};

/** The process and, under a cluster primary (--api-processes), the API processes it forked. */
const serverProcesses = (pid: number): number[] => {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return [pid, ...(children ? children.split(' ').map(Number) : [])];
};

/**
 * Figures from /proc/<pid>/status, in MB, summed over the server's processes: VmHWM is the peak resident set since a
 * process started (with several, the sum of their own peaks, which may not have come at the same moment).
 */
export const memoryOf = (pid: number): { rssMb: number; peakRssMb: number } => {
  let rssKb = 0;
  let peakKb = 0;
  for (const process of serverProcesses(pid)) {
    const status = readFileSync(`/proc/${process}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    rssKb += kb('VmRSS');
    peakKb += kb('VmHWM');
  }
  return { rssMb: rssKb / 1024, peakRssMb: peakKb / 1024 };
};

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU seconds a process has used so far. */
export const cpuSecondsOf = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime); after the command name, they are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
};

export const findProcess = (command: string): number | undefined => {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === command) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
};
