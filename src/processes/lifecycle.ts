import cluster from 'node:cluster';
import { setFlagsFromString } from 'node:v8';
import { effectiveConfig, type Config } from './config';
import type { Log } from '../infrastructure/logging';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * On SIGINT or SIGTERM: finish what is in hand (the current chunk commits or rolls back), close, exit. A second signal
 * ends the process at once, for whoever will not wait. An API process under a cluster primary (API_PROCESSES) ignores
 * it instead: a terminal's Ctrl-C or a service manager may signal every process of the group while the primary passes
 * the signal on, so one request to stop arrives twice. Asked twice, the primary ends at once, and its children with it.
 */
export const stopOnSignal = (stop: () => Promise<void>): void => {
  const shutdown = (): void => {
    for (const signal of STOP_SIGNALS) process.off(signal, shutdown);
    if (cluster.isWorker) for (const signal of STOP_SIGNALS) process.on(signal, () => undefined);
    stop().then(() => process.exit(0), exitFailed);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, shutdown);
};

/** A process that cannot start says why in one line and exits non-zero, without a stack trace. */
export const runProcess = (start: () => Promise<void>): void => {
  start().catch(exitFailed);
};

const exitFailed = (error: unknown): never => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
};

/**
 * The upload worker keeps each chunk's rows alive while the previous chunk commits, so they die old; collecting the
 * old generation at 1.5× the live size keeps the peak flat whatever the file's size (docs/adr/0004). Node accepts this
 * V8 flag only from code, not from NODE_OPTIONS; V8 reads it at each collection.
 */
export const collectOldGarbageEarly = (): void => {
  setFlagsFromString('--heap-growing-percent=50');
};

/** What this process runs with, secrets masked; file mail in production is the operator's explicit choice, said again. */
export const logConfiguration = (config: Config, log: Log): void => {
  log('Effective configuration', effectiveConfig(config));
  if (config.production && config.mailDelivery && config.mailTransport === 'file') {
    log('MAIL_TRANSPORT=file in production: invitations, with live registration codes, are written to files, not sent', {
      level: 'warn',
      mailOutboxDir: config.mailOutboxDir,
    });
  }
};
