import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface MainProcess {
  output(): string;
  exited: Promise<NodeJS.Signals | number | null>;
  stop(): Promise<NodeJS.Signals | number | null>;
}

describe('`node dist/src/main.js` on the embedded SQLite file [real processes]', () => {
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
    const child = spawn(process.execPath, [resolve(__dirname, '../../../src/main.js')], {
      env: { ...process.env, DATABASE_URL: `sqlite:${join(folder, 'educators.sqlite')}`, MAIL_OUTBOX_DIR: join(folder, 'outbox'), TMPDIR: folder, LOG_LEVEL: 'info', ...env },
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
});
