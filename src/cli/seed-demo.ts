import { buildApplication } from '../processes/composition-root';
import { loadConfig } from '../processes/config';
import { printDemoSignIn, seedDemoDistrict } from './demo-district';
import { runProcess } from '../processes/lifecycle';

const seed = async (): Promise<void> => {
  const config = loadConfig();
  if (config.production) throw new Error('The demo district is for development; it is never seeded in production.');
  const application = await buildApplication(config, { log: () => undefined });
  const demo = await seedDemoDistrict(application.dataSource, application.passwords, application.clock);
  if (demo) printDemoSignIn(demo);
  else console.log('The database already has accounts; nothing was seeded.');
  await application.close();
};

runProcess(seed);
