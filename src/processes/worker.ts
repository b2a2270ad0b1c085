import { buildApplication } from './composition-root';
import { loadConfig } from './config';
import { startBackgroundWork } from './background-work';
import { collectOldGarbageEarly, logConfiguration, runProcess, stopOnSignal } from './lifecycle';

/** `npm run worker`: processes uploads and delivers email without serving HTTP; run several against one MySQL. */
const main = async (): Promise<void> => {
  const application = await buildApplication(loadConfig());
  logConfiguration(application.config, application.log);
  const background = startBackgroundWork(application);
  console.log('Upload worker started.');
  stopOnSignal(async () => {
    await background.stop();
    await application.close();
  });
};

collectOldGarbageEarly();
runProcess(main);
