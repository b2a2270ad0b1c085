import type { Application } from './composition-root';

export interface BackgroundWork {
  stop(): Promise<void>;
}

const POLL_MS = 500;

// A file still arriving after this long was abandoned by a client or a process that died.
const ABANDONED_UPLOAD_MS = 60 * 60_000;

/** Loops that run beside the API (or alone in `npm run worker`): upload batches, email delivery, cleanup. */
export const startBackgroundWork = (application: Application): BackgroundWork => {
  let running = true;
  const loop = async (name: string, step: () => Promise<number>): Promise<void> => {
    while (running) {
      let done = 0;
      try {
        done = await step();
      } catch (error) {
        application.log(`${name} failed; retrying`, { error: error instanceof Error ? error.stack : String(error) });
      }
      if (done === 0 && running) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const loops = [
    loop('Upload processing', () => application.uploadWorker.execute()),
    ...(application.config.mailDelivery ? [loop('Email delivery', () => application.outbox.dispatchDue())] : []),
    loop('Abandoned upload cleanup', async () => {
      await application.uploads.discardAbandoned(new Date(application.clock.now().getTime() - ABANDONED_UPLOAD_MS));
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
