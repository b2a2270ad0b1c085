import { buildApplication } from '../composition-root';
import { loadConfig } from '../config';
import { printDemoSignIn, seedDemoDistrict } from './demo-district';

const seed = async (): Promise<void> => {
  const config = loadConfig();
  if (config.production) throw new Error('The demo district is for development; it is never seeded in production.');
  const application = await buildApplication(config, { log: () => undefined });
  const demo = await seedDemoDistrict(application.dataSource, application.passwords, application.clock);
  if (demo) printDemoSignIn(demo);
  else console.log('The database already has accounts; nothing was seeded.');
  await application.close();
};

seed().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
