import type { Server } from 'node:http';
import type { Express } from 'express';
import { buildApplication } from './composition-root';
import { loadConfig } from './config';
import { demoPasswordInUse, printDemoSignIn, seedDemoDistrict } from './cli/demo-district';
import { startBackgroundWork } from './background-work';
import { collectOldGarbageEarly, runProcess, stopOnSignal } from './process-lifecycle';
import { useOwnUploadTempDir } from './infrastructure/http/upload-temp-dir';

/** Express 5 hands a failed listen (the port in use) to the callback rather than throwing it. */
const listen = (app: Express, port: number): Promise<Server> =>
  new Promise((listening, failed) => {
    const server = app.listen(port, (error) => (error ? failed(error) : listening(server)));
  });

const main = async (): Promise<void> => {
  const config = loadConfig();
  useOwnUploadTempDir();
  const application = await buildApplication(config);
  if (config.production) {
    if (await demoPasswordInUse(application.dataSource, application.passwords)) {
      throw new Error('Refusing to start in production while a demo account still has the demo password.');
    }
  } else if (!config.databaseUrl || config.databaseUrl.startsWith('sqlite:')) {
    const demo = await seedDemoDistrict(application.dataSource, application.passwords, application.clock);
    if (demo) printDemoSignIn(demo);
  }
  const server = await listen(application.app, config.port);
  const background = config.worker ? startBackgroundWork(application) : null;
  console.log(`GraphQL ready at http://localhost:${config.port}/graphql${config.worker ? ' (with the upload worker)' : ''}`);
  stopOnSignal(async () => {
    server.close();
    await background?.stop();
    await application.close();
  });
};

collectOldGarbageEarly();
runProcess(main);
