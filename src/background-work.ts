import type { Application } from './composition-root';

export interface BackgroundWork {
  stop(): Promise<void>;
}

const POLL_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** Loops that run beside the API (or alone in `npm run worker`): upload batches, email delivery, cleanup. */
export const startBackgroundWork = (application: Application): BackgroundWork => {
  let running = true;
  const loop = async (name: string, step: () => Promise<number>): Promise<void> => {
    let failuresInARow = 0;
    while (running) {
      let done = 0;
      try {
        done = await step();
        failuresInARow = 0;
      } catch (error) {
        failuresInARow += 1;
        application.log(`${name} failed; retrying`, { failuresInARow, error: error instanceof Error ? error.stack : String(error) });
      }
      // Back off while the database is unreachable, up to half a minute between tries.
      const pause = failuresInARow > 0 ? Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** failuresInARow) : done === 0 ? POLL_MS : 0;
      if (pause > 0 && running) await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };
  const loops = [
    loop('Upload processing', () => application.uploadWorker.execute()),
    ...(application.config.mailDelivery ? [loop('Email delivery', () => application.outbox.dispatchDue())] : []),
    loop('Abandoned upload cleanup', async () => {
      await application.uploads.discardAbandoned(application.clock.now());
      await new Promise((resolve) => setTimeout(resolve, 60_000 - POLL_MS));
      return 0;
    }),
  ];
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
};
