import type { Application } from './composition-root';

export interface BackgroundWork {
  stop(): Promise<void>;
}

const POLL_MS = 500;

/** Loops that run beside the API (or alone in `npm run worker`): email delivery and, later, upload batches. */
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
  const loops = [loop('Email delivery', () => application.outbox.dispatchDue())];
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
};
