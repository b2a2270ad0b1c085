import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { freePort } from '../support/free-port';
import { signInAt } from '../support/graphql-client';
import { waitFor } from '../support/polling';
import { argumentsOf, copiesOf, environmentOf, execForm, readDockerfile, readDockerignore, ROOT, stageNamed, type Stage } from './image-recipe';
import { run, start, type RunOptions } from './processes';

const stages = readDockerfile();
const final = stages.at(-1)!;
// The `node` user of the official Node images. Run as root, the test runs the image's commands as that user.
const IMAGE_USER = { uid: 1000, gid: 1000 };
const user = process.getuid?.() === 0 ? IMAGE_USER : undefined;
const PASSPHRASE = 'a long passphrase for the first admin';

/** The files of the checkout that .dockerignore lets into the build context, copied to `into`. */
const copyBuildContext = (into: string): void => {
  const context = readDockerignore();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
      const path = folder ? `${folder}/${entry.name}` : entry.name;
      if (context.holds(path)) cpSync(join(ROOT, path), join(into, path), { recursive: true, verbatimSymlinks: true });
      else if (entry.isDirectory() && context.mayHoldBelow(path)) walk(path);
    }
  };
  walk('');
};

// npm run test:system tells the commands it runs which project they belong to (npm_config_local_prefix among them):
// the image's build must not inherit that. The settings of the person or CI running it (npm_config_nodedir) stay.
const NPM_RUN_ONLY = /^(npm_config_local_prefix|npm_package_.*|npm_lifecycle_.*|npm_command|INIT_CWD)$/i;
const buildEnvironment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !NPM_RUN_ONLY.test(name)));

const runAll = async (commands: string[], cwd: string): Promise<void> => {
  for (const command of commands) {
    const ran = await run('sh', ['-c', command], { cwd, env: buildEnvironment });
    expect(ran.code, `${command}\n${ran.output}`).to.equal(0);
  }
};

/** The image's paths are under its WORKDIR, /app. */
const inStage = (folder: string, path: string): string => join(folder, path.replace(/^\/app\//, ''));

const copyInto = (app: string, sourceFolder: string, copy: { sources: string[]; destination: string }): void => {
  for (const source of copy.sources) {
    const target = copy.destination.endsWith('/') ? join(app, copy.destination, basename(source)) : join(app, copy.destination);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(inStage(sourceFolder, source), target, { recursive: true, verbatimSymlinks: true });
  }
};

describe('the production image, built and run without Docker from docker/Dockerfile [system]', function () {
  this.timeout(600_000);
  let work: string;
  let context: string;
  let app: string;
  let imageEnvironment: NodeJS.ProcessEnv;

  /** How the image runs a command: in /app, as its user, with its environment and nothing of the test's. */
  const inImage = (extra: NodeJS.ProcessEnv = {}): RunOptions => ({ cwd: app, env: { ...imageEnvironment, ...extra }, user });
  const npm = (args: string[], options: RunOptions) => run('npm', args, options);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'production-image-'));
    // The build stage: what the context holds, the checkout's modules (installed from the same lockfile), then its RUN lines after `COPY . .`.
    context = join(work, 'context');
    copyBuildContext(context);
    symlinkSync(join(ROOT, 'node_modules'), join(context, 'node_modules'));
    const build = stageNamed(stages, 'build');
    const afterContext = build.instructions.slice(build.instructions.findIndex(({ keyword, argument }) => keyword === 'COPY' && argument === '. .') + 1);
    expect(afterContext.map(({ keyword }) => keyword)).to.deep.equal(['RUN']);
    await runAll(argumentsOf({ ...build, instructions: afterContext }, 'RUN'), context);

    // The production-dependencies stage: the toolchain stage's files, then its own RUN lines (npm ci --omit=dev).
    const dependencies = join(work, 'dependencies');
    mkdirSync(dependencies);
    for (const copy of copiesOf(stageNamed(stages, 'toolchain'))) copyInto(dependencies, context, copy);
    await runAll(argumentsOf(stageNamed(stages, 'production-dependencies'), 'RUN'), dependencies);

    // The final stage, instruction by instruction.
    app = join(work, 'app');
    mkdirSync(app, { mode: 0o755 });
    const stageFolders: Record<string, string> = { build: context, 'production-dependencies': dependencies };
    for (const copy of copiesOf(final)) copyInto(app, copy.from ? stageFolders[copy.from] : context, copy);
    expect(argumentsOf(final, 'RUN'), 'the final stage RUN lines this test knows how to run').to.deep.equal(['mkdir -p var && chown node:node var']);
    mkdirSync(join(app, 'var'));
    const home = join(work, 'home');
    mkdirSync(home);
    if (user) for (const folder of [work, join(app, 'var'), home]) chownSync(folder, user.uid, user.gid);
    const path = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
    // What an operator gives the image: a secret and a mail server (nothing is sent to it here).
    imageEnvironment = {
      PATH: path,
      HOME: home,
      ...environmentOf(final),
      JWT_SECRET: randomBytes(36).toString('base64'),
      SMTP_URL: 'smtp://127.0.0.1:2525',
      TMPDIR: join(work, 'tmp'),
    };
    mkdirSync(join(work, 'tmp'));
    if (user) chownSync(join(work, 'tmp'), user.uid, user.gid);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('when the final stage is read, then it runs Node 24 LTS as a user other than root, in production, with ./var as a volume and the service as its command', () => {
    expect(final.image).to.equal('node:24-bookworm-slim');
    expect(stages.map(({ image }) => image).filter((image) => image.startsWith('node:'))).to.deep.equal(Array(2).fill('node:24-bookworm-slim'));
    expect(argumentsOf(final, 'USER')).to.deep.equal(['node']);
    expect(argumentsOf(final, 'WORKDIR')).to.deep.equal(['/app']);
    expect(environmentOf(final)).to.include({ NODE_ENV: 'production', PORT: '4000' });
    expect(argumentsOf(final, 'VOLUME')).to.deep.equal(['["/app/var"]']);
    expect(execForm(argumentsOf(final, 'CMD')[0])).to.deep.equal(['node', 'dist/src/processes/api.js']);
    expect(argumentsOf(final, 'HEALTHCHECK')).to.have.length(1);
  });

  it('when .dockerignore is read, then the sources are in the build context and data, secrets, modules, history, tests and builds are not', () => {
    const context = readDockerignore();
    for (const path of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'schema.graphql',
      'src/processes/api.ts',
      'web/src/main.tsx',
      'web/vite.config.ts',
    ]) {
      expect(context.holds(path), path).to.equal(true);
    }
    for (const path of [
      'node_modules/typescript/package.json',
      'var/outbox/1.eml',
      'var/educators.sqlite',
      '.git/HEAD',
      '.env',
      'docker/.env',
      'dist/src/processes/api.js',
    ]) {
      expect(context.holds(path), path).to.equal(false);
    }
    for (const path of [
      'test/unit/processes/config.test.ts',
      'bench/run.ts',
      'web/dist/index.html',
      'web/node_modules/x/index.js',
      'README.md',
      'npm-debug.log',
    ]) {
      expect(context.holds(path), path).to.equal(false);
    }
  });

  it('when the build stage has run on the build context, then the service is built from it and nothing of the tests or the bench is', () => {
    expect(existsSync(join(context, 'dist', 'src', 'processes', 'api.js'))).to.equal(true);
    expect(readdirSync(join(context, 'dist')).sort()).to.deep.equal(['.tsbuildinfo', 'src']);
    expect(existsSync(join(context, 'web', 'dist'))).to.equal(true);
    if (existsSync(join(ROOT, 'web', 'vite.config.ts'))) expect(existsSync(join(context, 'web', 'dist', 'index.html'))).to.equal(true);
  });

  it('when the final stage is assembled, then it holds the built service and production dependencies only: no compiler, test runner, sources or tests', () => {
    expect(readdirSync(app).sort()).to.deep.equal(['dist', 'node_modules', 'package-lock.json', 'package.json', 'var', 'web']);
    expect(readdirSync(join(app, 'dist'))).to.deep.equal(['src']);
    for (const devOnly of ['typescript', 'mocha', 'chai', 'vite', 'playwright-core'])
      expect(existsSync(join(app, 'node_modules', devOnly)), devOnly).to.equal(false);
    for (const runtime of ['better-sqlite3', 'argon2', 'typeorm', 'mysql2']) expect(existsSync(join(app, 'node_modules', runtime)), runtime).to.equal(true);
  });

  it('when npm run migrate runs in the image, then it applies the migrations to the SQLite file on the volume, without building', async () => {
    const migrated = await npm(['run', 'migrate'], inImage());
    expect(migrated.code, migrated.output).to.equal(0);
    expect(migrated.output).to.contain('Applied: ').and.not.contain('tsc');
    expect(existsSync(join(app, 'var', 'educators.sqlite'))).to.equal(true);
  });

  it('when npm run admin:create runs in the image with the password piped in, then the first District Admin exists; --help works too', async () => {
    const args = ['run', 'admin:create', '--', '--district', 'Springfield Unified', '--site', 'Springfield High', '--email', 'it.lead@springfield.example'];
    const created = await npm([...args, '--first-name', 'Lisa', '--last-name', 'Simpson'], { ...inImage(), stdin: `${PASSPHRASE}\n` });
    expect(created.code, created.output).to.equal(0);
    expect(created.output).to.contain('District Admin it.lead@springfield.example can now sign in to Springfield Unified.');
    const help = await npm(['run', 'admin:create', '--', '--help'], inImage());
    expect(help.code, help.output).to.equal(0);
    expect(help.output).to.contain('standard input');
  });

  it("when the image's command runs, then it serves: /healthz answers 200, the District Admin signs in, the HEALTHCHECK agrees with /readyz, and SIGTERM stops it cleanly", async () => {
    const port = String(await freePort());
    const service = start(execForm(argumentsOf(final, 'CMD')[0])[0], execForm(argumentsOf(final, 'CMD')[0]).slice(1), inImage({ PORT: port }));
    try {
      const url = `http://127.0.0.1:${port}`;
      const health = await waitFor(
        '/healthz',
        () =>
          fetch(`${url}/healthz`).then(
            (answer) => answer,
            () => undefined,
          ),
        60_000,
        100,
      );
      expect(health.status, service.output()).to.equal(200);
      expect(await signInAt(url, 'it.lead@springfield.example', PASSPHRASE))
        .to.be.a('string')
        .that.is.not.equal('');

      const [healthcheck, ...healthcheckArgs] = execForm(argumentsOf(final, 'HEALTHCHECK')[0]);
      const checked = await run(healthcheck, healthcheckArgs, inImage({ PORT: port }));
      const ready = await fetch(`${url}/readyz`);
      expect(checked.code, `GET /readyz answered ${ready.status}`).to.equal(ready.status === 200 ? 0 : 1);
    } finally {
      expect(await service.stop(), service.output()).to.equal(0);
    }
  });

  for (const [script, ready] of [
    ['start', 'GraphQL ready at'],
    ['worker', 'Upload worker started.'],
  ]) {
    it(`when npm ${script === 'start' ? 'start' : `run ${script}`} runs in the image, then it starts without building`, async () => {
      const running = start('npm', ['run', script], inImage({ PORT: String(await freePort()) }));
      try {
        await waitFor(`"${ready}"`, async () => (running.output().includes(ready) ? true : undefined), 60_000, 100);
        expect(running.output()).to.not.contain('tsc');
      } finally {
        await running.stop();
      }
    });
  }
});

describe('the HEALTHCHECK of docker/Dockerfile [system]', () => {
  const final: Stage = readDockerfile().at(-1)!;
  const [command, ...args] = execForm(argumentsOf(final, 'HEALTHCHECK')[0]);
  let stub: Server;
  let asked: string[];
  let status: number;

  beforeEach(async () => {
    asked = [];
    stub = createServer((request, response) => {
      asked.push(request.url!);
      response.writeHead(request.url === '/readyz' ? status : 404).end();
    }).listen(0, '127.0.0.1');
    await new Promise((listening) => stub.once('listening', listening));
  });
  afterEach(() => {
    if (stub.listening) stub.close();
  });

  const check = (port: number) => run(command, args, { cwd: ROOT, env: { PATH: process.env.PATH, PORT: String(port) } });

  it('when GET /readyz on PORT answers 200, then it is healthy; 503, unhealthy; nothing listening, unhealthy', async () => {
    const { port } = stub.address() as AddressInfo;
    status = 200;
    expect((await check(port)).code).to.equal(0);
    status = 503;
    expect((await check(port)).code).to.equal(1);
    expect(asked).to.deep.equal(['/readyz', '/readyz']);
    stub.close();
    expect((await check(port)).code).to.equal(1);
  });
});
