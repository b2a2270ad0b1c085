import { buildApplication } from './composition-root';
import { loadConfig } from './config';
import { demoPasswordInUse, printDemoSignIn, seedDemoDistrict } from './cli/demo-district';
import { startBackgroundWork } from './background-work';
import { collectOldGarbageEarly, runProcess, stopOnSignal } from './process-lifecycle';
import { useOwnUploadTempDir } from './infrastructure/http/upload-temp-dir';

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
  const background = config.worker ? startBackgroundWork(application) : null;
  const server = application.app.listen(config.port, () => {
    console.log(`GraphQL ready at http://localhost:${config.port}/graphql${config.worker ? ' (with the upload worker)' : ''}`);
  });
  stopOnSignal(async () => {
    server.close();
    await background?.stop();
    await application.close();
  });
};

collectOldGarbageEarly();
runProcess(main);
