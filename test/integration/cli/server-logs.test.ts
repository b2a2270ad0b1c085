import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_SITE_ADMIN_EMAIL } from '../../../src/cli/demo-district';
import { DEMO_PASSWORD } from '../../../src/processes/config';
import { freePort } from '../../support/free-port';
import { signInAt } from '../../support/graphql-client';
import { waitFor } from '../../support/polling';

const PASSWORD = 'Unguessable-Passphrase-7731';
const SIGN_IN = 'mutation SignInForLogs($input: SignInInput!) { signIn(input: $input) { token } }';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Server {
  url: string;
  child: ChildProcess;
  /** What it wrote to stdout, as parsed JSON lines (other lines are the human start-up messages). */
  lines(): Record<string, unknown>[];
  stdout(): string;
}

describe('`node dist/src/processes/api.js` log lines (LOG_LEVEL=info) [real processes]', () => {
  let folder: string;
  const started: Server[] = [];

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'server-logs-'));
  });
  after(async () => {
    for (const { child } of started) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    rmSync(folder, { recursive: true, force: true });
  });

  const startMain = async (name: string, env: Record<string, string> = {}): Promise<Server> => {
    const port = await freePort();
    const child = spawn(process.execPath, [resolve(__dirname, '../../../src/processes/api.js')], {
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${join(folder, `${name}.sqlite`)}`,
        MAIL_OUTBOX_DIR: join(folder, name),
        PORT: String(port),
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const output: string[] = [];
    child.stdout.on('data', (data: Buffer) => output.push(data.toString()));
    const stdout = () => output.join('');
    const server: Server = {
      url: `http://127.0.0.1:${port}`,
      child,
      stdout,
      lines: () =>
        stdout()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>),
    };
    started.push(server);
    await waitFor('GraphQL to be ready', async () => (stdout().includes('GraphQL ready') ? true : undefined), 30_000, 25);
    return server;
  };

  const post = (server: Server, body: string, headers: Record<string, string>) =>
    fetch(`${server.url}/graphql?from=logs-test`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  const linesOf = async (server: Server, requestId: string, count: number): Promise<Record<string, unknown>[]> =>
    waitFor(
      `${count} lines of request ${requestId}`,
      async () => {
        const lines = server.lines().filter((line) => line.requestId === requestId);
        return lines.length >= count ? lines : undefined;
      },
      10_000,
    );

  it('when requests are answered, then each line of a request has its level, pid and one request id, echoed in X-Request-Id; the access line has no variables', async function () {
    this.timeout(60_000);
    const server = await startMain('direct');
    const token = await signInAt(server.url, DEMO_SITE_ADMIN_EMAIL, DEMO_PASSWORD);

    const signIn = await post(server, JSON.stringify({ query: SIGN_IN, variables: { input: { username: DEMO_SITE_ADMIN_EMAIL, password: PASSWORD } } }), {
      'x-request-id': 'chosen-by-the-client',
    });
    const inline = await post(
      server,
      JSON.stringify({ query: `mutation { signIn(input: { username: "a@example.org", password: "${PASSWORD}" }) { token } }` }),
      {},
    );
    // A signed-in, broken multipart request: the refusal is logged inside the request, then the access line.
    const broken = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'apollo-require-preflight': 'true', authorization: `Bearer ${token}` },
      body: '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":',
    });
    expect([signIn.status, inline.status, broken.status]).to.deep.equal([200, 200, 400]);

    const signInId = signIn.headers.get('x-request-id')!;
    expect(signInId, 'a client-chosen id is not believed from a client').to.match(UUID);
    const [access] = await linesOf(server, signInId, 1);
    const { time, durationMs, ...fields } = access;
    expect(time).to.be.a('string');
    expect(durationMs).to.be.a('number');
    expect(fields).to.deep.equal({
      level: 'info',
      pid: server.child.pid,
      requestId: signInId,
      message: 'Request',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operationName: 'SignInForLogs',
    });

    const brokenId = broken.headers.get('x-request-id')!;
    const brokenLines = await linesOf(server, brokenId, 2);
    expect(brokenLines.map((line) => [line.message, line.level, line.pid])).to.deep.equal([
      ['Refused a request the client has to fix', 'info', server.child.pid],
      ['Request', 'info', server.child.pid],
    ]);
    expect(brokenLines[1].viewerId, 'the signed-in viewer, by public id').to.be.a('string').and.not.equal('');

    await linesOf(server, inline.headers.get('x-request-id')!, 1);
    expect(server.stdout()).to.not.include(PASSWORD);
    expect(new Set(server.lines().map((line) => line.requestId)).size, 'each request an id of its own').to.be.at.least(4);
  });

  it('when a trusted proxy (TRUST_PROXY=loopback) passes X-Request-Id, then it is the request id of its lines; a malformed one is replaced', async function () {
    this.timeout(60_000);
    const server = await startMain('proxied', { TRUST_PROXY: 'loopback' });
    const given = await post(server, JSON.stringify({ query: '{ __typename }' }), { 'x-request-id': 'proxy-7f3a.1' });
    const malformed = await post(server, JSON.stringify({ query: '{ __typename }' }), { 'x-request-id': 'two words' });

    expect(given.headers.get('x-request-id')).to.equal('proxy-7f3a.1');
    expect(malformed.headers.get('x-request-id')).to.match(UUID);
    const [access] = await linesOf(server, 'proxy-7f3a.1', 1);
    expect(access).to.deep.include({ message: 'Request', path: '/graphql', status: 200, pid: server.child.pid });
  });
});
