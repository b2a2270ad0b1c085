import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { demoPasswordInUse, seedDemoDistrict } from '../../../src/cli/demo-district';
import { DEMO_PASSWORD, loadConfig, PUBLISHED_SECRETS } from '../../../src/processes/config';
import { buildApplication } from '../../../src/processes/composition-root';
import { describeOnEachDatabase } from '../../support/databases';
import { EducatorAccountRecord } from '../../../src/infrastructure/persistence/records/records';
import { freePort } from '../../support/free-port';
import { waitFor } from '../../support/polling';
import { startTestServer, type TestServer } from '../../support/test-server';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..', '..');
const aRandomSecret = (): string => randomBytes(36).toString('base64');
// Production refuses to start without a way to send invitations; these tests are about something else.
const SMTP_URL = 'smtp://127.0.0.1:2525';

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
    expect(() => loadConfig({ NODE_ENV: 'production', SMTP_URL, JWT_SECRET: 'short' })).to.throw('JWT_SECRET is shorter than 32 characters');
    expect(loadConfig({ NODE_ENV: 'production', SMTP_URL, JWT_SECRET: aRandomSecret() }).introspection).to.equal(false);
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
    const refusal = (message: string): boolean =>
      message.split('\n').some((line) => reasons.some((reason) => line.trim() === `JWT_SECRET ${reason}: ${advice}`));
    for (const secret of published) {
      expect(() => loadConfig({ NODE_ENV: 'production', SMTP_URL, JWT_SECRET: secret }), secret)
        .to.throw()
        .with.property('message')
        .that.satisfies(refusal);
    }
    expect(() => loadConfig({ NODE_ENV: 'production', SMTP_URL, JWT_SECRET: PUBLISHED_SECRETS[0] })).to.throw(
      "holds a value published in this project's code or docs",
    );
  });

  it('when JWT_SECRET is long but obviously weak, then production refuses it; secrets from a random generator are accepted', () => {
    const weak: [string, string][] = [
      ['x'.repeat(40), 'uses fewer than 8 distinct characters'],
      [`${'a'.repeat(39)}b`, 'uses fewer than 8 distinct characters'],
      ['0123456789'.repeat(4), 'repeats a shorter piece'],
      ['correct-horse-'.repeat(3), 'repeats a shorter piece'],
    ];
    for (const [secret, reason] of weak)
      expect(() => loadConfig({ NODE_ENV: 'production', SMTP_URL, JWT_SECRET: secret }), secret).to.throw(`JWT_SECRET ${reason}`);

    for (const secret of [aRandomSecret(), randomBytes(16).toString('hex'), randomBytes(32).toString('base64url')]) {
      expect(loadConfig({ NODE_ENV: 'production', SMTP_URL, JWT_SECRET: secret }).jwtSecret).to.equal(secret);
    }
  });

  it('when processes/api.ts starts in production with the development default JWT_SECRET, then it exits naming JWT_SECRET, not its value, serving nothing', async () => {
    const failure = await run(process.execPath, ['dist/src/processes/api.js'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        SMTP_URL,
        JWT_SECRET: PUBLISHED_SECRETS[0],
        DATABASE_URL: 'sqlite::memory:',
        PORT: String(await freePort()),
        LOG_LEVEL: 'silent',
      },
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
    for (const wrong of ['0', '65', '1.5', 'two'])
      expect(() => loadConfig({ API_PROCESSES: wrong }), wrong).to.throw('API_PROCESSES must be a positive whole number up to 64');
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

  it('when a demo account still has the demo password, then production start-up is refused by the check processes/api.ts runs', async () => {
    const application = await buildApplication({ ...loadConfig({}), databaseUrl: 'sqlite::memory:' }, { log: () => undefined });
    try {
      expect(await demoPasswordInUse(application.dataSource, application.passwords)).to.equal(false);
      await seedDemoDistrict(application.dataSource, application.passwords, application.clock);
      expect(await demoPasswordInUse(application.dataSource, application.passwords)).to.equal(true);
    } finally {
      await application.close();
    }
  });

  /** processes/api.js as an operator starts it, on a SQLite file of its own; resolves with how it ended and what it said. */
  const startMain = async (env: Record<string, string>, stopAfterMs = 20_000): Promise<{ code: number; output: string }> => {
    const folder = mkdtempSync(join(tmpdir(), 'educators-start-'));
    const started = run(process.execPath, ['dist/src/processes/api.js'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${join(folder, 'db.sqlite')}`,
        MAIL_OUTBOX_DIR: folder,
        PORT: String(await freePort()),
        LOG_LEVEL: 'silent',
        ...env,
      },
      timeout: stopAfterMs,
    });
    return started.then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
    );
  };

  for (const [name, value, message] of [
    ['DATABASE_URL', 'postgres://root@db/educators', 'DATABASE_URL must be sqlite:<file>, sqlite::memory:, mysql://'],
    ['PORT', '70000', 'PORT must be a port number from 1 to 65535; got "70000"'],
    ['WORKER', 'maybe', 'WORKER must be true/false, 1/0, yes/no or on/off; got "maybe"'],
    ['SMTP_URL', 'garbage', 'SMTP_URL must be an smtp:// or smtps:// URL'],
  ]) {
    it(`when processes/api.js starts with ${name}=${value}, then it exits 1 naming the variable and what it accepts, without a stack trace`, async () => {
      const ended = await startMain({ [name]: value });
      expect(ended.code, ended.output).to.equal(1);
      expect(ended.output).to.include(message);
      expect(ended.output).to.not.match(/\n\s+at /);
    });
  }

  it('when processes/api.js starts in production without SMTP_URL, then it exits 1 saying so; with MAIL_TRANSPORT=file it serves, and warns', async function () {
    this.timeout(30_000);
    const production = { NODE_ENV: 'production', JWT_SECRET: aRandomSecret() };
    const refused = await startMain(production);
    expect(refused.code, refused.output).to.equal(1);
    expect(refused.output).to.include('SMTP_URL must be set in production');
    // Stopped by SIGTERM once the time is up, as a service manager would stop it.
    const served = await startMain({ ...production, MAIL_TRANSPORT: 'file', LOG_LEVEL: 'info' }, 10_000);
    expect(served.output).to.include('GraphQL ready').and.include('MAIL_TRANSPORT=file in production');
  });

  for (const apiProcesses of ['1', '2']) {
    it(`when processes/api.ts starts in production with the demo password in the database (API_PROCESSES=${apiProcesses}), then it exits with the reason before any API process starts`, async () => {
      const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'educators-prod-')), 'db.sqlite')}`;
      const application = await buildApplication({ ...loadConfig({}), databaseUrl }, { log: () => undefined });
      await seedDemoDistrict(application.dataSource, application.passwords, application.clock);
      await application.close();
      const started = run(process.execPath, ['dist/src/processes/api.js'], {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          SMTP_URL,
          JWT_SECRET: aRandomSecret(),
          DATABASE_URL: databaseUrl,
          PORT: String(await freePort()),
          LOG_LEVEL: 'silent',
          API_PROCESSES: apiProcesses,
        },
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

interface Finished {
  code: number | null;
  output: string;
  stderr: string;
}

/** The built CLI as a process, its standard input a pipe (as in `… < password-file`); its output kept whole. */
const adminCreate = (args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<Finished> => {
  const child = spawn(process.execPath, ['dist/src/cli/create-district-admin.js', ...args], { cwd: root, env });
  let output = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => {
    output += data.toString();
    stderr += data.toString();
  });
  child.stdin.end(stdin);
  return new Promise((done) => child.once('close', (code) => done({ code, output, stderr })));
};

const shellQuoted = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/** The built CLI at a real terminal (util-linux `script` gives it a pseudo-terminal); each answer is typed once its question shows. */
const adminCreateAtTerminal = async (args: string[], env: NodeJS.ProcessEnv, answers: [question: string, typed: string][]): Promise<Finished> => {
  const command = [process.execPath, 'dist/src/cli/create-district-admin.js', ...args].map(shellQuoted).join(' ');
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { cwd: root, env });
  let screen = '';
  child.stdout.on('data', (data: Buffer) => (screen += data.toString()));
  const closed = new Promise<number | null>((done) => child.once('close', done));
  try {
    let shown = 0;
    for (const [question, typed] of answers) {
      shown = await waitFor(
        `"${question}" on the terminal`,
        async () => (screen.indexOf(question, shown) >= 0 ? screen.indexOf(question, shown) + question.length : undefined),
        20_000,
      );
      child.stdin.write(`${typed}\r`);
    }
    const code = await closed;
    return { code, output: screen, stderr: screen };
  } finally {
    child.stdin.end();
    child.kill();
  }
};

const DISTRICT = ['--district', 'Springfield Unified', '--site', 'Springfield High', '--site', 'Shelbyville Middle'];
const PERSON = ['--email', 'It.Lead@Springfield.example', '--first-name', 'Lisa', '--last-name', 'Simpson'];
const PASSPHRASE = 'a long passphrase here';

describeOnEachDatabase('npm run admin:create', (database) => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    server = await startTestServer(database);
    env = { ...process.env, DATABASE_URL: server.application.config.databaseUrl, JWT_SECRET: server.application.config.jwtSecret, LOG_LEVEL: 'silent' };
  });
  afterEach(() => server.close());

  const accountsOf = (email: string): Promise<number> => server.application.dataSource.getRepository(EducatorAccountRecord).countBy({ emailNormalized: email });

  it('when the first District Admin of a real district is created with the password piped in, then the district, its sites and the admin exist and the admin can sign in', async () => {
    const created = await adminCreate([...DISTRICT, ...PERSON], env, `${PASSPHRASE}\n`);
    expect(created.output).to.contain('can now sign in');
    expect(created.code, created.output).to.equal(0);

    const token = await server.signIn('it.lead@springfield.example', PASSPHRASE);
    const me = await server.graphql('{ me { role { code } district { name } } schoolSites { name } }', {}, token);
    expect(me.data.me).to.deep.equal({ role: { code: 'DISTRICT_ADMIN' }, district: { name: 'Springfield Unified' } });
    expect(me.data.schoolSites.map((site: { name: string }) => site.name)).to.deep.equal(['Shelbyville Middle', 'Springfield High']);

    const again = await adminCreate([...DISTRICT, ...PERSON], env, `${PASSPHRASE}\n`);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('already has an account');
  });

  it('when it runs in production before any mail server is configured, then it still creates the admin: it sends no email', async () => {
    const created = await adminCreate(
      [...DISTRICT, ...PERSON],
      { ...env, NODE_ENV: 'production', JWT_SECRET: aRandomSecret(), SMTP_URL: '' },
      `${PASSPHRASE}\n`,
    );
    expect(created.code, created.output).to.equal(0);
    expect(await accountsOf('it.lead@springfield.example')).to.equal(1);
  });

  it('when the password is typed at a terminal, then it is asked twice and never shown, and the admin can sign in with it', async () => {
    const created = await adminCreateAtTerminal([...DISTRICT, ...PERSON], env, [
      ['Password for the District Admin (not shown): ', PASSPHRASE],
      ['The same password again: ', PASSPHRASE],
    ]);
    expect(created.output).to.contain('can now sign in');
    expect(created.code, created.output).to.equal(0);
    expect(created.output).to.not.contain('passphrase');
    expect(await server.signIn('it.lead@springfield.example', PASSPHRASE)).to.be.a('string');
  });

  it('when the two passwords typed at a terminal differ, then nothing is created', async () => {
    const refused = await adminCreateAtTerminal([...DISTRICT, ...PERSON], env, [
      ['Password for the District Admin (not shown): ', PASSPHRASE],
      ['The same password again: ', 'a long passphrase hare'],
    ]);
    expect(refused.code, refused.output).to.equal(1);
    expect(refused.output).to.contain('The two passwords differ: nothing was created.');
    expect(await accountsOf('it.lead@springfield.example')).to.equal(0);
  });

  for (const [shape, form] of [
    ['--password <value>', ['--password', PASSPHRASE]],
    ['--password=<value>', [`--password=${PASSPHRASE}`]],
  ] as const) {
    it(`when the password is given on the command line (${shape}), then it is refused, saying why, and nothing is created`, async () => {
      const refused = await adminCreate([...DISTRICT, ...PERSON, ...form], env, `${PASSPHRASE}\n`);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain('--password is refused: a password on the command line stays in shell history and other users see it in `ps`.');
      expect(await accountsOf('it.lead@springfield.example')).to.equal(0);
    });
  }

  it('when standard input is empty (no terminal, nothing piped), then nothing is created and it says how to give the password', async () => {
    const refused = await adminCreate([...DISTRICT, ...PERSON], env, '');
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('No password on standard input: run this at a terminal to be asked for it, or pipe it in');
    expect(await accountsOf('it.lead@springfield.example')).to.equal(0);
  });

  it('when the piped password is too short, then nothing is created and the rule is given', async () => {
    const refused = await adminCreate([...DISTRICT, ...PERSON], env, 'short\n');
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('12 to 128 characters');
    expect(await accountsOf('it.lead@springfield.example')).to.equal(0);
  });

  it('when --help is asked for, then the usage is printed and the command succeeds without creating anything', async () => {
    const help = await adminCreate(['--help'], env, '');
    expect(help.code).to.equal(0);
    expect(help.output).to.contain('npm run admin:create -- --district "Name"').and.contain('without echo').and.contain('standard input');
    const unknown = await adminCreate(['--pasword', 'x'], env, '');
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain("Unknown option '--pasword'").and.contain('-h, --help');
  });
});
