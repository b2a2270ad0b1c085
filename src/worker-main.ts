import { buildApplication } from './composition-root';
import { loadConfig } from './config';
import { startBackgroundWork } from './background-work';

/** `npm run worker`: processes uploads and delivers email without serving HTTP; run several against one MySQL. */
const main = async (): Promise<void> => {
  const application = await buildApplication(loadConfig());
  const background = startBackgroundWork(application);
  console.log('Upload worker started.');
  const shutdown = async (): Promise<void> => {
    await background.stop();
    await application.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
