import { expect } from 'chai';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_SITE_ADMIN_EMAIL } from '../../../src/cli/demo-district';
import { DEMO_PASSWORD } from '../../../src/processes/config';
import { freePort } from '../../support/free-port';
import { postGraphQL, signInAt } from '../../support/graphql-client';
import { waitFor } from '../../support/polling';

const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }';

interface MainProcess {
  output(): string;
  exited: Promise<NodeJS.Signals | number | null>;
  stop(): Promise<NodeJS.Signals | number | null>;
}

describe('`node dist/src/processes/api.js` on the embedded SQLite file [real processes]', () => {
  let folder: string;
  let taken: Server;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'server-start-'));
    taken = createServer().listen(0);
    await once(taken, 'listening');
  });
  afterEach(() => {
    taken.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** The server on a SQLite file of its own, with its output kept for assertions. */
  const startMain = (env: Record<string, string>): MainProcess => {
    const child = spawn(process.execPath, [resolve(__dirname, '../../../src/processes/api.js')], {
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${join(folder, 'educators.sqlite')}`,
        MAIL_OUTBOX_DIR: join(folder, 'outbox'),
        TMPDIR: folder,
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (data: Buffer) => output.push(data.toString()));
    child.stderr.on('data', (data: Buffer) => output.push(data.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((done) => child.once('exit', (code, signal) => done(signal ?? code)));
    return {
      output: () => output.join(''),
      exited,
      stop: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        return exited;
      },
    };
  };

  it('when its port is taken, then the server exits 1 and says why, without claiming to be ready', async function () {
    this.timeout(60_000);
    const main = startMain({ PORT: String((taken.address() as AddressInfo).port) });
    try {
      expect(await main.exited, main.output()).to.equal(1);
      expect(main.output()).to.include('EADDRINUSE');
      expect(main.output()).to.not.include('GraphQL ready');
    } finally {
      await main.stop();
    }
  });

  it('when two API processes start on an empty file (API_PROCESSES=2), then the primary seeds the demo district once before they start, and accounts are created through them', async function () {
    this.timeout(60_000);
    const port = await freePort();
    const main = startMain({ API_PROCESSES: '2', PORT: String(port) });
    try {
      await waitFor('GraphQL to be ready', async () => (main.output().includes('GraphQL ready') ? true : undefined), 30_000, 25);
      expect(main.output().match(/Seeded "Demo Unified School District"/g)).to.have.length(1);
      const url = `http://127.0.0.1:${port}`;
      const token = await signInAt(url, DEMO_SITE_ADMIN_EMAIL, DEMO_PASSWORD);
      const siteId = (await postGraphQL(url, '{ schoolSites { id } }', {}, token)).data.schoolSites[0].id;
      const answers = await Promise.all(
        [1, 2, 3, 4].map((n) =>
          postGraphQL(
            url,
            CREATE,
            {
              input: {
                firstName: 'Given',
                lastName: `Family${n}`,
                email: `person${n}@sqlite.example.org`,
                roleCode: 'EDUCATOR',
                schoolSiteIds: [siteId],
                agreementAccepted: true,
              },
            },
            token,
          ),
        ),
      );
      for (const answer of answers) expect(answer.data?.createEducatorAccount, answer.text).to.deep.equal({ userErrors: [] });
    } finally {
      await main.stop();
    }
    expect(await main.exited, main.output()).to.equal(0);

    const database = new Database(join(folder, 'educators.sqlite'), { readonly: true });
    try {
      expect(database.prepare('SELECT COUNT(*) AS n FROM district').get()).to.deep.equal({ n: 1 });
      expect(database.prepare("SELECT COUNT(*) AS n FROM educator_account WHERE email_normalized LIKE '%@sqlite.example.org'").get()).to.deep.equal({ n: 4 });
    } finally {
      database.close();
    }
  });

  it('when the API processes keep ending (API_PROCESSES=2, their port taken), then the primary replaces them five times, then stops and exits 1', async function () {
    this.timeout(90_000);
    const main = startMain({ API_PROCESSES: '2', PORT: String((taken.address() as AddressInfo).port) });
    try {
      expect(await main.exited, main.output()).to.equal(1);
      expect(main.output().match(/An API process ended unexpectedly; starting another/g)).to.have.length(5);
      expect(main.output()).to.include('API processes ended more than 5 times in 60 s; stopping them all');
      expect(main.output()).to.not.include('GraphQL ready');
    } finally {
      await main.stop();
    }
  });
});
