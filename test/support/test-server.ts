import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApplication, type Application } from '../../src/processes/composition-root';
import type { Argon2PasswordHasher } from '../../src/infrastructure/auth/argon2-password-hasher';
import { loadConfig, type Config } from '../../src/processes/config';
import { seedDemoDistrict, type DemoDistrict } from '../../src/cli/demo-district';
import argon2 from 'argon2';
import type { PasswordHasher } from '../../src/application/ports/password-hasher';
import { MovableClock } from '../../src/infrastructure/clock/system-clock';
import { createHttpServer } from '../../src/infrastructure/http/http-server';
import { createLog, type Log } from '../../src/infrastructure/logging';
import { ALL_RECORDS } from '../../src/infrastructure/persistence/records/records';
import type { TestDatabase } from './databases';
import { postGraphQL, signInAt, startSessionAt, uploadTo, UPLOAD_MUTATION, type Credential, type GraphQLResponse, type UploadOptions } from './graphql-client';
import { fakeWebDist } from './web-dist';

export { UPLOAD_MUTATION, type Credential, type GraphQLResponse, type UploadOptions };

export interface TestServer {
  url: string;
  application: Application;
  clock: MovableClock;
  demo: DemoDistrict;
  outboxDir: string;
  /** Empties every table and seeds the demo district again. */
  reset(): Promise<void>;
  graphql<T = any>(query: string, variables?: Record<string, unknown>, credential?: Credential): Promise<GraphQLResponse<T>>;
  signIn(email: string, password?: string): Promise<string>;
  /** startSession as the page calls it: the session cookie's secret. */
  startSession(email: string, password?: string): Promise<{ session: string }>;
  /** uploadEducatorAccounts as a browser sends it: a multipart request with the CSRF preflight header. */
  upload(credential: Credential, options: UploadOptions): Promise<GraphQLResponse>;
  /** Runs the upload worker until no batch is waiting (the in-process worker is off in tests). */
  processUploads(): Promise<number>;
  /** Delivers queued emails to .eml files and returns their contents, oldest first. */
  deliveredEmails(): Promise<string[]>;
  close(): Promise<void>;
}

/** Drops every table of the service, the migrations table included. */
export const dropEverything = async (application: Application): Promise<void> => {
  const runner = application.dataSource.createQueryRunner();
  try {
    for (const record of ALL_RECORDS) await runner.dropTable(application.dataSource.getMetadata(record).tableName, true);
    await runner.dropTable('migrations', true);
  } finally {
    await runner.release();
  }
};

/** TEST_LOG=1 shows the service's own log lines (errors it masked, emails it sent) while debugging a test. */
const testLog = process.env.TEST_LOG ? createLog({}) : () => undefined;

export interface TestServerOptions {
  /** A hasher the test can watch (it counts verifications, say); the real argon2 one otherwise. */
  passwords?: Argon2PasswordHasher;
  /** Another API on the database of a running one, as a second process would be: nothing dropped or reseeded. */
  sameDatabaseAs?: TestServer;
  /** Receives what the service logs (a test reading its log lines); nothing is shown otherwise, unless TEST_LOG is set. */
  log?: Log;
  /** The built page it serves: a small page of its own (test/support/web-dist.ts) unless a test names another folder. */
  webDist?: string;
}

/**
 * Seeds the demo accounts with their password hashed once per test process, with argon2id's cheapest parameters. Every
 * test resets the database and most sign in, and a sign-in costs what its stored hash's parameters say (argon2 verifies
 * by the parameters the hash carries): at OWASP's, hashing and verifying took 60 ms a test. Accounts registered or reset
 * through the API are hashed by the service's own hasher, at OWASP's parameters (authentication.test.ts holds it to them).
 */
const cheapDemoHashes = new Map<string, Promise<string>>();
const demoSeedHasher = (service: PasswordHasher): PasswordHasher => ({
  hash: (password) => {
    if (!cheapDemoHashes.has(password))
      cheapDemoHashes.set(password, argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 }));
    return cheapDemoHashes.get(password)!;
  },
  verify: (hash, password) => service.verify(hash, password),
  verifyNothing: (password) => service.verifyNothing(password),
});

/** The real service on a real port, against a real database, with a clock the test can move; no test depends on `web/`. */
export const startTestServer = async (database: TestDatabase, configOverrides: Partial<Config> = {}, options: TestServerOptions = {}): Promise<TestServer> => {
  const outboxDir = mkdtempSync(join(tmpdir(), 'educators-outbox-'));
  const databaseUrl = options.sameDatabaseAs?.application.config.databaseUrl ?? database.url();
  const config: Config = { ...loadConfig({}), databaseUrl, worker: false, mailOutboxDir: outboxDir, ...configOverrides };
  const clock = options.sameDatabaseAs?.clock ?? new MovableClock();
  const overrides = { clock, log: options.log ?? testLog, accessLog: testLog, passwords: options.passwords, webDist: options.webDist ?? fakeWebDist().dir };
  let application = await buildApplication(config, overrides);
  if (database.label === 'MySQL' && !options.sameDatabaseAs) {
    // A MySQL test database outlives the suite: start from nothing so the migrations themselves are tested.
    await dropEverything(application);
    await application.close();
    application = await buildApplication(config, overrides);
  }
  const server: Server = await new Promise((resolve) => {
    const listening = createHttpServer(application.handleRequest, config).listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const test: TestServer = {
    url,
    application,
    clock,
    outboxDir,
    demo: undefined as unknown as DemoDistrict,
    async reset() {
      for (const record of ALL_RECORDS) await application.dataSource.getRepository(record).clear();
      test.demo = (await seedDemoDistrict(application.dataSource, demoSeedHasher(application.passwords), clock))!;
    },
    graphql(query, variables = {}, credential) {
      return postGraphQL(url, query, variables, credential);
    },
    signIn(email, password = test.demo.password) {
      return signInAt(url, email, password);
    },
    startSession(email, password = test.demo.password) {
      return startSessionAt(url, email, password);
    },
    upload(credential, options) {
      return uploadTo(url, credential, options);
    },
    async processUploads() {
      let processed = 0;
      while ((await application.uploadWorker.execute()) > 0) processed += 1;
      return processed;
    },
    async deliveredEmails() {
      const before = new Set(readdirSync(outboxDir));
      while ((await application.outbox.dispatchDue(1000)) > 0);
      return readdirSync(outboxDir)
        .filter((file) => !before.has(file))
        .sort()
        .map((file) => readFileSync(join(outboxDir, file), 'utf8'));
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await application.close();
    },
  };
  if (options.sameDatabaseAs) test.demo = options.sameDatabaseAs.demo;
  else await test.reset();
  return test;
};
