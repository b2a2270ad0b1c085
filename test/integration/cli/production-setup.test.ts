import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { demoPasswordInUse, seedDemoDistrict } from '../../../src/cli/demo-district';
import { loadConfig } from '../../../src/config';
import { buildApplication } from '../../../src/composition-root';
import { describeOnEachDatabase } from '../../support/databases';
import { EducatorAccountRecord } from '../../../src/infrastructure/persistence/records/records';
import { waitFor } from '../../support/polling';
import { startTestServer, type TestServer } from '../../support/test-server';

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
      shown = await waitFor(`"${question}" on the terminal`, async () => (screen.indexOf(question, shown) >= 0 ? screen.indexOf(question, shown) + question.length : undefined), 20_000);
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

  for (const [shape, form] of [['--password <value>', ['--password', PASSPHRASE]], ['--password=<value>', [`--password=${PASSPHRASE}`]]] as const) {
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
