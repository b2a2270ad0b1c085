import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { demoPasswordInUse, seedDemoDistrict } from '../../../src/cli/demo-district';
import { DEMO_PASSWORD, loadConfig, PUBLISHED_SECRETS } from '../../../src/config';
import { buildApplication } from '../../../src/composition-root';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer } from '../../support/test-server';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..', '..');
const aRandomSecret = (): string => randomBytes(36).toString('base64');

/** Every value the docs and the Docker files (`JWT_SECRET=…`, `JWT_SECRET: …`) and the code (a quoted literal) give JWT_SECRET. */
const publishedInDocsAndCode = (): string[] => {
  const files = (dir: string): string[] =>
    existsSync(dir) ? readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)])) : [];
  const valuesIn = (paths: string[], pattern: RegExp): string[] =>
    paths.flatMap((path) => [...readFileSync(path, 'utf8').matchAll(pattern)].map((found) => found.at(-1)!));
  return [
    ...valuesIn([join(root, 'README.md'), ...files(join(root, 'docs')), ...files(join(root, 'docker'))], /JWT_SECRET\s*[=:]\s*["']?([^\s"']+)/g),
    ...valuesIn([...files(join(root, 'src')), ...files(join(root, 'test'))], /JWT_SECRET\s*[=:]\s*(['"`])(.+?)\1/g),
  ];
};

describe('production configuration', () => {
  it('when NODE_ENV is production without JWT_SECRET, then the service refuses to start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw('JWT_SECRET is not set');
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).to.throw('JWT_SECRET is shorter than 32 characters');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: aRandomSecret() }).introspection).to.equal(false);
  });

  it('when JWT_SECRET is the development default, the demo password or a value the docs show, even padded, then production refuses it unquoted', () => {
    const padded = [`${DEMO_PASSWORD}-${DEMO_PASSWORD}`, `our-${PUBLISHED_SECRETS[0].toUpperCase()}-2026`];
    const published = [...PUBLISHED_SECRETS, ...padded, ...publishedInDocsAndCode()];
    expect(published.length).to.be.above(PUBLISHED_SECRETS.length + 1);

    // The message is one of these sentences, whatever the secret: it cannot quote it.
    const reasons = [
      'is not set',
      'is shorter than 32 characters',
      "holds a value published in this project's code or docs",
      'uses fewer than 8 distinct characters',
      'repeats a shorter piece',
    ];
    const advice = 'in production set it to at least 32 random characters (for example the output of `openssl rand -base64 48`).';
    const refusal = (message: string): boolean => reasons.some((reason) => message === `JWT_SECRET ${reason}: ${advice}`);
    for (const secret of published) {
      expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }), secret)
        .to.throw()
        .with.property('message')
        .that.satisfies(refusal);
    }
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: PUBLISHED_SECRETS[0] })).to.throw("holds a value published in this project's code or docs");
  });

  it('when JWT_SECRET is long but obviously weak, then production refuses it; secrets from a random generator are accepted', () => {
    const weak: [string, string][] = [
      ['x'.repeat(40), 'uses fewer than 8 distinct characters'],
      [`${'a'.repeat(39)}b`, 'uses fewer than 8 distinct characters'],
      ['0123456789'.repeat(4), 'repeats a shorter piece'],
      ['correct-horse-'.repeat(3), 'repeats a shorter piece'],
    ];
    for (const [secret, reason] of weak) expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }), secret).to.throw(`JWT_SECRET ${reason}`);

    for (const secret of [aRandomSecret(), randomBytes(16).toString('hex'), randomBytes(32).toString('base64url')]) {
      expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).jwtSecret).to.equal(secret);
    }
  });

  it('when main.ts starts in production with the development default JWT_SECRET, then it exits naming JWT_SECRET, not its value, serving nothing', async () => {
    const failure = await run(process.execPath, ['dist/src/main.js'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production', JWT_SECRET: PUBLISHED_SECRETS[0], DATABASE_URL: 'sqlite::memory:', PORT: '47832', LOG_LEVEL: 'silent' },
      timeout: 20_000,
    }).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

    expect(failure?.code).to.equal(1);
    expect(failure?.stderr).to.contain('JWT_SECRET').and.not.contain(PUBLISHED_SECRETS[0]);
    expect(failure?.stdout).not.to.contain('GraphQL ready');
  });

  it('when a limit is not a whole number, then the service refuses to start and names the variable', () => {
    expect(() => loadConfig({ MAX_UPLOAD_ROWS: 'many' })).to.throw('MAX_UPLOAD_ROWS');
  });

  it('when API_PROCESSES is outside 1 to 64, then the service refuses to start and names the variable; unset, it is one process', () => {
    for (const wrong of ['0', '65', '1.5', 'two']) expect(() => loadConfig({ API_PROCESSES: wrong }), wrong).to.throw('API_PROCESSES must be a positive whole number up to 64');
    expect(loadConfig({ API_PROCESSES: '64' }).apiProcesses).to.equal(64);
    expect(loadConfig({}).apiProcesses).to.equal(1);
  });

  it('when a demo account still has the demo password, then production start-up is refused by the check main.ts runs', async () => {
    const application = await buildApplication({ ...loadConfig({}), databaseUrl: 'sqlite::memory:' }, { log: () => undefined });
    try {
      expect(await demoPasswordInUse(application.dataSource, application.passwords)).to.equal(false);
      await seedDemoDistrict(application.dataSource, application.passwords, application.clock);
      expect(await demoPasswordInUse(application.dataSource, application.passwords)).to.equal(true);
    } finally {
      await application.close();
    }
  });

  for (const apiProcesses of ['1', '2']) {
    it(`when main.ts starts in production with the demo password in the database (API_PROCESSES=${apiProcesses}), then it exits with the reason before any API process starts`, async () => {
      const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'educators-prod-')), 'db.sqlite')}`;
      const application = await buildApplication({ ...loadConfig({}), databaseUrl }, { log: () => undefined });
      await seedDemoDistrict(application.dataSource, application.passwords, application.clock);
      await application.close();
      const started = run(process.execPath, ['dist/src/main.js'], {
        cwd: root,
        env: { ...process.env, NODE_ENV: 'production', JWT_SECRET: aRandomSecret(), DATABASE_URL: databaseUrl, PORT: '47831', LOG_LEVEL: 'silent', API_PROCESSES: apiProcesses },
        timeout: 20_000,
      });
      const failure = await started.then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).to.equal(1);
      expect(failure?.stderr.match(/demo password/g), failure?.stderr).to.have.length(1);
    });
  }
});

describeOnEachDatabase('npm run admin:create', (database) => {
  it('when the first District Admin of a real district is created, then the district, its sites and the admin exist and the admin can sign in', async () => {
    const server = await startTestServer(database);
    try {
      const args = ['dist/src/cli/create-district-admin.js', '--district', 'Springfield Unified', '--site', 'Springfield High', '--site', 'Shelbyville Middle'];
      const person = ['--email', 'It.Lead@Springfield.example', '--first-name', 'Lisa', '--last-name', 'Simpson', '--password', 'a long passphrase here'];
      const env = { ...process.env, DATABASE_URL: server.application.config.databaseUrl, JWT_SECRET: server.application.config.jwtSecret, LOG_LEVEL: 'silent' };
      const { stdout } = await run(process.execPath, [...args, ...person], { cwd: root, env });
      expect(stdout).to.contain('can now sign in');

      const token = await server.signIn('it.lead@springfield.example', 'a long passphrase here');
      const me = await server.graphql('{ me { role { code } district { name } } schoolSites { name } }', {}, token);
      expect(me.data.me).to.deep.equal({ role: { code: 'DISTRICT_ADMIN' }, district: { name: 'Springfield Unified' } });
      expect(me.data.schoolSites.map((site: { name: string }) => site.name)).to.deep.equal(['Shelbyville Middle', 'Springfield High']);

      const again = await run(process.execPath, [...args, ...person], { cwd: root, env }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(again?.code).to.equal(1);
      expect(again?.stderr).to.contain('already has an account');
    } finally {
      await server.close();
    }
  });

  it('when the password is too short, then nothing is created and the usage is shown', async () => {
    const result = await run(process.execPath, ['dist/src/cli/create-district-admin.js', '--district', 'X', '--email', 'a@b.org', '--first-name', 'A', '--last-name', 'B', '--password', 'short'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: database.url(), LOG_LEVEL: 'silent' },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(result?.code).to.equal(1);
    expect(result?.stderr).to.contain('12 to 128 characters').and.contain('npm run admin:create');
  });
});
