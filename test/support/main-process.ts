import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './polling';

export interface MainProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<NodeJS.Signals | number | null>;
  output(): string;
}

/** `node dist/src/processes/api.js` on the SQLite file `file`, with `folder` for its outbox and temporary files, once it listens. */
export const startMainOnSqlite = async (folder: string, file: string, env: Record<string, string> = {}): Promise<MainProcess> => {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(__dirname, '../../src/processes/api.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: `sqlite:${file}`,
      MAIL_OUTBOX_DIR: join(folder, 'outbox'),
      TMPDIR: folder,
      WORKER: 'off',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (data: Buffer) => output.push(data.toString()));
  child.stderr.on('data', (data: Buffer) => output.push(data.toString()));
  const main: MainProcess = {
    url: `http://127.0.0.1:${port}`,
    child,
    exited: new Promise((done) => child.once('exit', (code, signal) => done(signal ?? code))),
    output: () => output.join(''),
  };
  await waitFor(
    'GraphQL to be ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`The server exited early:\n${main.output()}`);
      return main.output().includes('GraphQL ready') ? true : undefined;
    },
    30_000,
    25,
  );
  return main;
};
