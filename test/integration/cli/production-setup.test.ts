import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { demoPasswordInUse, seedDemoDistrict } from '../../../src/cli/demo-district';
import { loadConfig } from '../../../src/config';
import { buildApplication } from '../../../src/composition-root';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer } from '../../support/test-server';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..', '..');

describe('production configuration', () => {
  it('when NODE_ENV is production without JWT_SECRET, then the service refuses to start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw('JWT_SECRET');
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).to.throw('JWT_SECRET');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).introspection).to.equal(false);
  });

  it('when a limit is not a whole number, then the service refuses to start and names the variable', () => {
    expect(() => loadConfig({ MAX_UPLOAD_ROWS: 'many' })).to.throw('MAX_UPLOAD_ROWS');
  });

  it('when API_PROCESSES is outside 1 to 64, then the service refuses to start and names the variable; unset, it is one process', () => {
    for (const wrong of ['0', '65', '1.5', 'two']) expect(() => loadConfig({ API_PROCESSES: wrong }), wrong).to.throw('API_PROCESSES must be a positive whole number up to 64');
    expect(loadConfig({ API_PROCESSES: '64' }).apiProcesses).to.equal(64);
    expect(loadConfig({}).apiProcesses).to.equal(1);
  });

  it('when PUBLIC_URL is unset, then links go to http://localhost:<PORT>; a trailing slash is dropped; anything but an http(s) URL is refused', () => {
    expect(loadConfig({}).publicUrl).to.equal('http://localhost:4000');
    expect(loadConfig({ PORT: '8080' }).publicUrl).to.equal('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://accounts.example.org/' }).publicUrl).to.equal('https://accounts.example.org');
    expect(loadConfig({ PUBLIC_URL: 'https://example.org/educators//' }).publicUrl).to.equal('https://example.org/educators');
    for (const wrong of ['accounts.example.org', 'ftp://example.org', 'https://example.org/?a=1', 'https://example.org/#x']) {
      expect(() => loadConfig({ PUBLIC_URL: wrong }), wrong).to.throw('PUBLIC_URL');
    }
  });

  it('when the session settings are unset, then sessions last 30 idle minutes and 12 hours at most; other values must be positive whole numbers', () => {
    expect([loadConfig({}).sessionIdleMinutes, loadConfig({}).sessionMaxHours]).to.deep.equal([30, 12]);
    expect(loadConfig({ SESSION_IDLE_MINUTES: '15', SESSION_MAX_HOURS: '8' })).to.deep.include({ sessionIdleMinutes: 15, sessionMaxHours: 8 });
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '0' })).to.throw('SESSION_IDLE_MINUTES');
    expect(() => loadConfig({ SESSION_MAX_HOURS: 'half a day' })).to.throw('SESSION_MAX_HOURS');
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
        env: { ...process.env, NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), DATABASE_URL: databaseUrl, PORT: '47831', LOG_LEVEL: 'silent', API_PROCESSES: apiProcesses },
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
