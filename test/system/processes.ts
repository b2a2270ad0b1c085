import { spawn } from 'node:child_process';
import { waitFor } from '../support/polling';

const groupRuns = (group: number): boolean => {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
};

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin?: string;
  /** Another Unix user to run as (the test must be root). */
  user?: { uid: number; gid: number };
}

export interface Ran {
  code: number | null;
  output: string;
}

export interface Running {
  output(): string;
  /**
   * SIGTERM to its process group, as a terminal's Ctrl-C or a service manager does: npm passes a signal to the shell
   * that runs a script, and the shell (dash) ends without passing it on. Resolves with how the first process ended,
   * once every process of the group has.
   */
  stop(): Promise<number | NodeJS.Signals | null>;
}

const started = (command: string, args: string[], options: RunOptions) => {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, uid: options.user?.uid, gid: options.user?.gid, detached: true });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  child.stdin.end(options.stdin ?? '');
  const closed = new Promise<number | NodeJS.Signals | null>((done) => child.once('close', (code, signal) => done(signal ?? code)));
  // A process it started and left running would hold the output open: 'close' would never come.
  const exited = new Promise<number | NodeJS.Signals | null>((done) => child.once('exit', (code, signal) => done(signal ?? code)));
  return { child, output: () => output, closed, exited };
};

/** Runs a command to its end, its output (stdout and stderr) kept whole. */
export const run = async (command: string, args: string[], options: RunOptions): Promise<Ran> => {
  const { output, closed } = started(command, args, options);
  const code = await closed;
  return { code: typeof code === 'number' ? code : null, output: output() };
};

/** Starts a long-running command (a server, a worker) in a process group of its own. */
export const start = (command: string, args: string[], options: RunOptions): Running => {
  const { child, output, exited } = started(command, args, options);
  return {
    output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      const ended = await exited;
      await waitFor('the process group to end', async () => (groupRuns(child.pid!) ? undefined : true), 30_000, 50);
      return ended;
    },
  };
};
