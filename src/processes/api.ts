/*
 * The processes, and which file each one runs (all build their object graph in composition-root.ts from config.ts):
 *   api.ts              `npm start`: an API process serving HTTP (GraphQL, live updates, downloads, the page); with
 *                       WORKER=on it also runs the background work. With API_PROCESSES above 1 this same entry point
 *                       does the start-up work once and becomes the cluster primary (cluster-primary.ts), which forks
 *                       the API processes and serves nothing itself; one of them runs the background work.
 *   worker.ts           `npm run worker`: background work only, no HTTP; run any number of them against one MySQL.
 *   background-work.ts  the loops of the background work: upload batches, email delivery, cleanup and pruning.
 *   lifecycle.ts        what every process does on start, on a failed start and on SIGINT/SIGTERM.
 * The command-line tools (migrate, seed:demo, admin:create, schema) live in src/cli/.
 */
import cluster from 'node:cluster';
import type { RequestListener, Server } from 'node:http';
import { buildApplication, type Application } from './composition-root';
import { loadConfig, type Config } from './config';
import { demoPasswordInUse, printDemoSignIn, seedDemoDistrict } from '../cli/demo-district';
import { startBackgroundWork } from './background-work';
import { superviseApiProcesses } from './cluster-primary';
import { collectOldGarbageEarly, logConfiguration, runProcess, stopOnSignal } from './lifecycle';
import { createHttpServer } from '../infrastructure/http/http-server';
import { useOwnUploadTempDir } from '../infrastructure/http/upload-temp-dir';
import { gracefulClose } from '../infrastructure/http/graceful-close';

/** Start-up work done once, before any API process serves (buildApplication has migrated the database). */
const prepareDatabase = async ({ config, dataSource, passwords, clock }: Application): Promise<void> => {
  if (config.production) {
    if (await demoPasswordInUse(dataSource, passwords)) {
      throw new Error('Refusing to start in production while a demo account still has the demo password.');
    }
  } else if (!config.databaseUrl || config.databaseUrl.startsWith('sqlite:')) {
    const demo = await seedDemoDistrict(dataSource, passwords, clock);
    if (demo) printDemoSignIn(demo);
  }
};

/** Resolves once listening; a failed listen (the port in use) rejects. */
const listen = (handleRequest: RequestListener, config: Config): Promise<Server> =>
  new Promise((listening, failed) => {
    const server = createHttpServer(handleRequest, config);
    server.once('error', failed);
    server.listen(config.port, () => {
      server.off('error', failed);
      listening(server);
    });
  });

const serve = async (application: Application): Promise<void> => {
  const { config } = application;
  const server = await listen(application.handleRequest, config);
  const closing = gracefulClose(server);
  const metricsServer = config.metricsPort ? gracefulClose(await listen(application.handleMetricsRequest, { ...config, port: config.metricsPort })) : null;
  const background = config.worker ? startBackgroundWork(application) : null;
  const withWorker = config.worker ? ' (with the upload worker)' : '';
  // Under a cluster primary, the primary says once that GraphQL is ready.
  console.log(cluster.isWorker ? `API process ${process.pid} listening${withWorker}` : `GraphQL ready at http://localhost:${config.port}/graphql${withWorker}`);
  stopOnSignal(async () => {
    // The requests in flight still need the database and, for an upload, the worker's wake-up: those stop after.
    await Promise.all([closing.close(config.shutdownGraceSeconds * 1000), metricsServer?.close(config.shutdownGraceSeconds * 1000)]);
    await background?.stop();
    await application.close();
  });
};

const main = async (): Promise<void> => {
  const config = loadConfig();
  const primary = cluster.isPrimary && config.apiProcesses > 1;
  // The primary serves no upload, and its children would inherit the TMPDIR this sets.
  if (!primary) useOwnUploadTempDir(config.uploadTempDir);
  const application = await buildApplication(config);
  if (cluster.isPrimary) logConfiguration(config, application.log);
  // An API process under a primary finds this done.
  if (cluster.isPrimary) await prepareDatabase(application);
  if (!primary) return serve(application);
  await application.close();
  superviseApiProcesses(config, application.log);
};

collectOldGarbageEarly();
runProcess(main);
