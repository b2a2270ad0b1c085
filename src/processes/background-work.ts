import { setTimeout as sleep } from 'node:timers/promises';
import { BatchAttemptFailed } from '../application/process-upload-batch';
import { CHECK_KEPT_MS } from '../domain/upload-batch/check-preview';
import type { Application } from './composition-root';

export interface BackgroundWork {
  /** True until it is stopped or one of its loops ended. */
  alive(): boolean;
  /** Ends the loops: pauses are cut short and a batch in progress stops after its current chunk. */
  stop(): Promise<void>;
}

const POLL_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const CLEANUP_EVERY_MS = 60_000;

/** Loops that run beside the API (or alone in `npm run worker`): upload batches, email delivery, cleanup and pruning. */
export const startBackgroundWork = (application: Application): BackgroundWork => {
  const stopping = new AbortController();
  const pause = (ms: number): Promise<void> => sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined);

  const loop = async (name: string, step: () => Promise<number>, idleMs = POLL_MS, wakeUp?: WakeUp): Promise<void> => {
    let failuresInARow = 0;
    while (!stopping.signal.aborted) {
      let done = 0;
      try {
        done = await step();
        failuresInARow = 0;
      } catch (error) {
        failuresInARow += 1;
        application.log(`${name} failed; retrying`, { level: 'error', failuresInARow, error: error instanceof Error ? error.stack : String(error) });
      }
      // Back off while the database is unreachable, up to half a minute between tries.
      const wait = failuresInARow > 0 ? Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** failuresInARow) : done === 0 ? idleMs : 0;
      if (wait > 0) await (wakeUp && failuresInARow === 0 ? wakeUp.sleep(wait, stopping.signal) : pause(wait));
    }
  };
  // A file queued by this process is picked up at once rather than at the next poll.
  const batchQueued = new WakeUp();
  application.uploads.onQueued(() => batchQueued.signal());
  // A batch's own failure is counted against it and logged here; the worker goes on with the others at once.
  const processUploads = (): Promise<number> =>
    application.uploadWorker.execute(stopping.signal).catch((error: unknown) => {
      if (!(error instanceof BatchAttemptFailed)) throw error;
      application.log(error.markedFailed ? 'Upload batch FAILED' : 'Upload batch attempt failed; it will be tried again', {
        batchId: error.batchId,
        batch: application.publicIds.encode('batch', error.batchId),
        attempts: error.attempts,
        error: error.cause instanceof Error ? error.cause.stack : String(error.cause),
      });
      return 1;
    });
  let ended = false;
  const loops = [
    loop('Upload processing', processUploads, POLL_MS, batchQueued),
    ...(application.config.mailDelivery ? [loop('Email delivery', () => application.outbox.dispatchDue())] : []),
    loop('Abandoned upload cleanup', () => application.uploads.discardAbandoned(application.clock.now()).then(() => 0), CLEANUP_EVERY_MS),
    loop(
      'Expired check file cleanup',
      () => application.uploadPersistence.checkFollowUps.discardExpiredChecks(checksKeptSince(application)).then(() => 0),
      CLEANUP_EVERY_MS,
    ),
    // A bounded batch at a time, straight again while there are more, so no one statement holds the table for long.
    loop('Throttle counter pruning', () => application.throttle.pruneExpired(application.clock.now()), CLEANUP_EVERY_MS),
    loop('Idempotency key pruning', () => application.idempotencyKeys.prune(application.clock.now()).then(() => 0), CLEANUP_EVERY_MS),
    loop('Audit event pruning', () => application.auditTrail.pruneOlderThan(auditCutoff(application)), CLEANUP_EVERY_MS),
    loop('Expired session cleanup', () => application.browserSessions.removeExpired(application.clock.now()).then(() => 0), CLEANUP_EVERY_MS),
  ];
  // Each loop catches its step's failures, so one that ends anyway (a bug) ends this process's background work.
  const end = (): void => {
    ended = true;
  };
  void Promise.race(loops).then(end, end);
  const work: BackgroundWork = {
    alive: () => !ended && !stopping.signal.aborted,
    stop: async () => {
      stopping.abort();
      await Promise.all(loops);
    },
  };
  application.readiness.watch(work);
  return work;
};

const DAY_MS = 86_400_000;

/** Events older than AUDIT_RETENTION_DAYS go, a bounded batch at a time like the throttle counters. */
/** Checks that finished before this are past the time their file is kept for "Create accounts". */
const checksKeptSince = (application: Pick<Application, 'clock'>): Date => new Date(application.clock.now().getTime() - CHECK_KEPT_MS);

export const auditCutoff = (application: Pick<Application, 'clock' | 'config'>): Date =>
  new Date(application.clock.now().getTime() - application.config.auditRetentionDays * DAY_MS);

/** A pause that a signal cuts short; a signal that comes while nobody sleeps ends the next pause at once. */
export class WakeUp {
  private signalled = false;
  private wake: (() => void) | undefined;

  signal(): void {
    this.signalled = true;
    this.wake?.();
  }

  async sleep(ms: number, stopping: AbortSignal): Promise<void> {
    if (!this.signalled) {
      const woken = new AbortController();
      this.wake = () => woken.abort();
      await sleep(ms, undefined, { signal: AbortSignal.any([stopping, woken.signal]) }).catch(() => undefined);
      this.wake = undefined;
    }
    this.signalled = false;
  }
}
