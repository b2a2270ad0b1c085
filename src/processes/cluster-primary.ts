import cluster, { type Worker } from 'node:cluster';
import { performance } from 'node:perf_hooks';
import type { Config } from './config';
import type { Log } from '../infrastructure/logging';
import { stopOnSignal } from './lifecycle';

const RESTARTS_PER_WINDOW = 5;
const RESTART_WINDOW_MS = 60_000;

/** At most `limit` restarts in any `windowMs`: a process that keeps ending is a fault for the service manager to see, not one to retry forever. */
export class RestartBudget {
  private readonly restarts: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts a restart at `now` (milliseconds, any monotonic origin) and says whether the budget allowed it; a refusal is not counted. */
  take(now: number): boolean {
    while (this.restarts.length > 0 && this.restarts[0] <= now - this.windowMs) this.restarts.shift();
    if (this.restarts.length >= this.limit) return false;
    this.restarts.push(now);
    return true;
  }
}

/**
 * With API_PROCESSES above 1, `node dist/src/processes/api.js` becomes this cluster primary once the one-time start-up work is
 * done: it forks the API processes, which share the port (the primary hands each new connection to the next one in
 * turn), and serves nothing itself. One API process runs the background work when WORKER is on, as a single process
 * would. A process that ends unexpectedly is replaced, the background work going to its replacement; when they keep
 * ending, the primary stops them all and exits non-zero.
 */
export const superviseApiProcesses = (config: Config, log: Log): void => {
  const running = new Set<Worker>();
  const listening = new Set<Worker>();
  const budget = new RestartBudget(RESTARTS_PER_WINDOW, RESTART_WINDOW_MS);
  let backgroundWork: Worker | undefined;
  let announced = false;
  let stopping: Promise<void> | undefined;
  let allExited = (): void => undefined;
  let stoppedCleanly = true;

  const fork = (runsBackgroundWork: boolean): void => {
    const child = cluster.fork({ WORKER: runsBackgroundWork ? 'on' : 'off' });
    running.add(child);
    if (runsBackgroundWork) backgroundWork = child;
  };

  const stopAll = (): Promise<void> =>
    (stopping ??= new Promise((done) => {
      allExited = done;
      if (running.size === 0) done();
      for (const child of running) child.kill('SIGTERM');
    }));

  cluster.on('listening', (child) => {
    listening.add(child);
    if (announced || listening.size < config.apiProcesses) return;
    announced = true;
    console.log(
      `GraphQL ready at http://localhost:${config.port}/graphql (${config.apiProcesses} API processes${config.worker ? ', one with the upload worker' : ''})`,
    );
  });

  cluster.on('exit', (child, code, signal) => {
    running.delete(child);
    listening.delete(child);
    // `pid` on every line is the primary's own.
    const ended = { apiProcessPid: child.process.pid, code, signal };
    if (stopping) {
      // A child that had not yet set up its graceful stop ends by the SIGTERM itself, with nothing in hand.
      if (code !== 0 && signal !== 'SIGTERM') {
        stoppedCleanly = false;
        log('An API process did not stop cleanly', { ...ended, level: 'warn' });
      }
      if (running.size === 0) allExited();
      return;
    }
    const runsBackgroundWork = child === backgroundWork;
    if (!budget.take(performance.now())) {
      log(`API processes ended more than ${RESTARTS_PER_WINDOW} times in ${RESTART_WINDOW_MS / 1000} s; stopping them all`, { ...ended, level: 'error' });
      void stopAll().then(() => process.exit(1));
      return;
    }
    log('An API process ended unexpectedly; starting another', { ...ended, backgroundWork: runsBackgroundWork, level: 'warn' });
    fork(runsBackgroundWork);
  });

  stopOnSignal(async () => {
    await stopAll();
    if (!stoppedCleanly) process.exit(1);
  });
  for (let index = 0; index < config.apiProcesses; index += 1) fork(config.worker && index === 0);
};
