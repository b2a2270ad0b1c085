import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPool, type Pool, type PoolOptions } from 'mysql2/promise';
import { DEMO_DISTRICT_ADMIN_EMAIL, DEMO_SITE_ADMIN_EMAIL } from '../../../src/cli/demo-district';
import { DEMO_PASSWORD } from '../../../src/processes/config';
import { PublicIds } from '../../../src/infrastructure/auth/public-ids';
import { postGraphQL, signInAt, uploadTo, type GraphQLResponse } from '../../support/graphql-client';
import { freePort } from '../../support/free-port';
import { pause, waitFor } from '../../support/polling';

export { DEMO_DISTRICT_ADMIN_EMAIL, DEMO_SITE_ADMIN_EMAIL };
export const INVITATION_SUBJECT = 'Your educator account is ready to register';

const REPOSITORY_ROOT = resolve(__dirname, '../../../..');
const SCRIPTS = resolve(__dirname, '../../../src');
// Drawn afresh: a secret written in the code is a published one, which production refuses.
const JWT_SECRET = randomBytes(32).toString('base64url');

/**
 * These suites kill real processes and real MariaDB connections, which SQLite has no equivalent of:
 * without TEST_DATABASE_URL (a SQLite-only run) the suite is not defined at all, rather than skipped.
 */
export const describeAgainstMariaDb = (title: string, suite: () => void): void => {
  if (process.env.TEST_DATABASE_URL) describe(`${title} [MariaDB, real processes]`, suite);
};

export { pause, waitFor };

export interface Service {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote (its JSON log lines included), for failure messages and log assertions. */
  output: string[];
  exited: Promise<NodeJS.Signals | number | null>;
  /** Sends the signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<NodeJS.Signals | number | null>;
}

export interface Api extends Service {
  url: string;
  graphql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  signIn(email: string): Promise<string>;
  upload(token: string, options: { schoolSiteId: string; content: string | Buffer; fileName?: string; idempotencyKey?: string }): Promise<GraphQLResponse>;
}

export interface BatchState {
  status: string;
  totalRows: number | null;
  processed: number;
  created: number;
  skipped: number;
  failed: number;
}

export interface FaultEnvironment {
  databaseName: string;
  databaseUrl: string;
  publicIds: PublicIds;
  /** The test's own connections to the database; their thread ids are spared by killDatabaseConnections. */
  pool: Pool;
  rows<T = Record<string, any>>(sql: string, parameters?: unknown[]): Promise<T[]>;
  count(fromWhere: string, parameters?: unknown[]): Promise<number>;
  batch(batchId: number): Promise<BatchState>;
  /** `node dist/src/processes/api.js` with WORKER=off on a free port, once it listens. */
  startApi(env?: Record<string, string>): Promise<Api>;
  /** `node dist/src/processes/worker.js`: upload processing and abandoned-upload cleanup, no email delivery. */
  startWorker(env?: Record<string, string>): Service;
  /** KILLs every connection to this database but the test's own; returns how many it killed. */
  killDatabaseConnections(): Promise<number>;
  /**
   * Waits until no connection but the test's own runs a statement on this database. A process killed with SIGKILL
   * leaves its last query running in the database, and it may still commit: read what it left only after this.
   */
  queriesOfTheDeadEnded(): Promise<void>;
  /** The UPLOAD_TEMP_DIR of the suite's API processes, where each keeps a folder of arriving files. */
  uploadFolders: string;
  /** Everything the suite's processes wrote, for a failure message. */
  outputOfAll(): string;
  /** waitFor, giving up with everything the suite's processes wrote. */
  waitFor<T>(what: string, check: () => Promise<T | undefined>, deadlineMs: number, intervalMs?: number): Promise<T>;
  /** The batch once it is COMPLETED (given up on, with the processes' output, after deadlineMs). */
  completed(batchId: number, what: string, deadlineMs: number, intervalMs?: number): Promise<BatchState>;
  close(): Promise<void>;
}

/**
 * A database of its own (faults_<pid>_<name>) on the server TEST_DATABASE_URL names, migrated and seeded with
 * the demo district by `node dist/src/cli/seed-demo.js`, plus helpers to run the service's real processes on it.
 */
export const openFaultEnvironment = async (name: string): Promise<FaultEnvironment> => {
  const server = new URL(process.env.TEST_DATABASE_URL!);
  const databaseName = `faults_${process.pid}_${name}`;
  const connection: PoolOptions = {
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
    supportBigNumbers: true,
    connectionLimit: 4,
  };
  const admin = createPool({ ...connection, connectionLimit: 1 });
  await admin.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
  await admin.query(`CREATE DATABASE \`${databaseName}\` CHARACTER SET utf8mb4`);
  const databaseUrl = `mysql://${server.username ? `${server.username}${server.password ? `:${server.password}` : ''}@` : ''}${server.host}/${databaseName}`;
  const outboxDir = mkdtempSync(join(tmpdir(), 'faults-outbox-'));
  // The API keeps each arriving multipart file in a temporary file; a killed API cannot remove its own, so they go here and are removed with the suite.
  const processTmpDir = mkdtempSync(join(tmpdir(), 'faults-tmp-'));
  const services: Service[] = [];

  const run = (script: string, serviceName: string, env: Record<string, string>): Service => {
    const child = spawn(process.execPath, [join(SCRIPTS, script)], {
      cwd: REPOSITORY_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        JWT_SECRET,
        // Log lines are kept (not printed) so that a failure can show what the process went through.
        LOG_LEVEL: 'info',
        MAIL_DELIVERY: 'off',
        MAIL_OUTBOX_DIR: outboxDir,
        TMPDIR: processTmpDir,
        UPLOAD_TEMP_DIR: join(processTmpDir, 'educator-uploads'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (data: Buffer) => output.push(data.toString()));
    child.stderr.on('data', (data: Buffer) => output.push(data.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((done) => child.once('exit', (code, signal) => done(signal ?? code)));
    const service: Service = {
      name: serviceName,
      child,
      output,
      exited,
      stop: async (signal = 'SIGTERM') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    };
    services.push(service);
    return service;
  };

  const seed = run('cli/seed-demo.js', 'seed', {});
  const seeded = await seed.exited;
  if (seeded !== 0) {
    await admin.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
    await admin.end();
    throw new Error(`Seeding ${databaseName} failed (${seeded}):\n${seed.output.join('')}`);
  }

  const pool = createPool({ ...connection, database: databaseName });
  const ownThreadIds = new Set<number>();
  pool.on('connection', (poolConnection) => ownThreadIds.add((poolConnection as unknown as { threadId: number }).threadId));
  const rows = async <T>(sql: string, parameters: unknown[] = []): Promise<T[]> => (await pool.query(sql, parameters))[0] as T[];
  const publicIds = new PublicIds(`${JWT_SECRET}:public-ids`);

  const environment: FaultEnvironment = {
    databaseName,
    databaseUrl,
    publicIds,
    pool,
    rows,
    async count(fromWhere, parameters = []) {
      const [row] = await rows<{ n: number }>(`SELECT COUNT(*) AS n FROM ${fromWhere}`, parameters);
      return Number(row.n);
    },
    async batch(batchId) {
      const [row] = await rows<Record<string, unknown>>(
        'SELECT status, total_rows, records_processed, records_created, records_skipped, records_failed FROM upload_batch WHERE id = ?',
        [batchId],
      );
      if (!row) throw new Error(`Batch ${batchId} does not exist`);
      return {
        status: String(row.status),
        totalRows: row.total_rows === null ? null : Number(row.total_rows),
        processed: Number(row.records_processed),
        created: Number(row.records_created),
        skipped: Number(row.records_skipped),
        failed: Number(row.records_failed),
      };
    },
    async startApi(env = {}) {
      const port = await freePort();
      const service = run('processes/api.js', `api:${port}`, { PORT: String(port), WORKER: 'off', ...env });
      await waitFor(
        `the API on port ${port} to listen`,
        async () => {
          if (service.child.exitCode !== null || service.child.signalCode !== null) throw new Error(`The API exited early:\n${service.output.join('')}`);
          return service.output.join('').includes('GraphQL ready') ? true : undefined;
        },
        30_000,
        25,
      );
      const url = `http://127.0.0.1:${port}`;
      const api: Api = {
        ...service,
        url,
        graphql: (query, variables = {}, token) => postGraphQL(url, query, variables, token),
        signIn: (email) => signInAt(url, email, DEMO_PASSWORD),
        upload: (token, options) => uploadTo(url, token, { select: 'id status totalRows rejectionReason', ...options }),
      };
      return api;
    },
    startWorker(env = {}) {
      return run('processes/worker.js', `worker:${services.length}`, env);
    },
    async queriesOfTheDeadEnded() {
      await environment.waitFor(
        'the last queries of a killed process to end',
        async () => {
          const running = await rows<{ id: number }>(
            "SELECT id FROM information_schema.processlist WHERE db = ? AND command <> 'Sleep' AND id <> CONNECTION_ID()",
            [databaseName],
          );
          return running.every(({ id }) => ownThreadIds.has(Number(id))) ? true : undefined;
        },
        60_000,
        10,
      );
    },
    async killDatabaseConnections() {
      const victims = await rows<{ id: number }>('SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()', [databaseName]);
      let killed = 0;
      for (const { id } of victims) {
        if (ownThreadIds.has(Number(id))) continue;
        // A connection may have ended by itself in between: "Unknown thread id" is fine.
        await pool.query(`KILL ${Number(id)}`).then(
          () => (killed += 1),
          () => undefined,
        );
      }
      return killed;
    },
    uploadFolders: join(processTmpDir, 'educator-uploads'),
    outputOfAll() {
      return services.map((service) => `--- ${service.name}\n${service.output.join('')}`).join('\n');
    },
    waitFor(what, check, deadlineMs, intervalMs) {
      return waitFor(what, check, deadlineMs, intervalMs).catch((error: Error) => {
        throw new Error(`${error.message}\n${environment.outputOfAll()}`);
      });
    },
    completed(batchId, what, deadlineMs, intervalMs = 50) {
      return environment.waitFor(
        what,
        async () => {
          const batch = await environment.batch(batchId);
          return batch.status === 'COMPLETED' ? batch : undefined;
        },
        deadlineMs,
        intervalMs,
      );
    },
    async close() {
      await Promise.all(services.map((service) => service.stop('SIGKILL')));
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
      await admin.end();
      rmSync(outboxDir, { recursive: true, force: true });
      rmSync(processTmpDir, { recursive: true, force: true });
    },
  };
  return environment;
};

/** Site ids as the API names them, by site name, as the District Admin sees them. */
export const siteIdsByName = async (api: Api, districtAdminToken: string): Promise<Record<string, string>> => {
  const response = await api.graphql<{ schoolSites: { id: string; name: string }[] }>('{ schoolSites { id name } }', {}, districtAdminToken);
  if (!response.data) throw new Error(response.text);
  return Object.fromEntries(response.data.schoolSites.map((site) => [site.name, site.id]));
};

/** Every email (as written) that has an invitation in the outbox, with how many it has. */
export const invitationsByRecipient = async (environment: FaultEnvironment): Promise<Map<string, number>> => {
  const invitations = await environment.rows<{ recipient: string; n: number }>(
    'SELECT recipient, COUNT(*) AS n FROM outbox_message WHERE subject = ? GROUP BY recipient',
    [INVITATION_SUBJECT],
  );
  return new Map(invitations.map((row) => [row.recipient, Number(row.n)]));
};

/** Accounts created from an upload or by an admin (the seeded admins are neither) whose invitation count is not exactly one. */
export const accountsWithoutExactlyOneInvitation = async (environment: FaultEnvironment): Promise<string[]> => {
  const invitations = await invitationsByRecipient(environment);
  const accounts = await environment.rows<{ email: string }>('SELECT email FROM educator_account WHERE created_by_account_id IS NOT NULL');
  const wrong = accounts.filter((account) => invitations.get(account.email) !== 1).map((account) => `${account.email}: ${invitations.get(account.email) ?? 0}`);
  const accountEmails = new Set(accounts.map((account) => account.email));
  const invitedWithoutAccount = [...invitations.keys()].filter((recipient) => !accountEmails.has(recipient));
  return [...wrong, ...invitedWithoutAccount.map((recipient) => `${recipient}: invited, no account`)];
};

/** Normalized emails held by more than one account (the unique key should make this impossible). */
export const duplicateAccounts = (environment: FaultEnvironment): Promise<unknown[]> =>
  environment.rows('SELECT email_normalized, COUNT(*) AS n FROM educator_account GROUP BY email_normalized HAVING COUNT(*) > 1');
