import { expect } from 'chai';
import Database from 'better-sqlite3';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SITE_ADMIN_EMAIL } from '../../../src/cli/demo-district';
import { DEMO_PASSWORD } from '../../../src/processes/config';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { startMainOnSqlite, type MainProcess } from '../../support/main-process';
import { postGraphQL, signInAt, UPLOAD_MUTATION } from '../../support/graphql-client';
import { waitFor } from '../../support/polling';
import { describeAgainstMariaDb, openFaultEnvironment, type FaultEnvironment } from '../faults/fault-kit';

interface Outcome {
  status: number;
  connection: string | undefined;
  body: any;
  exit: unknown;
}

const BOUNDARY = 'slow-upload-boundary';
const part = (headers: string, content: string) => `--${BOUNDARY}\r\n${headers}\r\n\r\n${content}\r\n`;

/** A multipart uploadEducatorAccounts body cut in two inside the file, so that the file is still arriving in between. */
const uploadBodyInTwo = (schoolSiteId: string): [Buffer, Buffer] => {
  const operations = JSON.stringify({ query: UPLOAD_MUTATION('fileName status'), variables: { input: { schoolSiteId, file: null, agreementAccepted: true } } });
  const file = csvFile(educatorRows(200));
  const head =
    part('Content-Disposition: form-data; name="operations"', operations) +
    part('Content-Disposition: form-data; name="map"', '{"0":["variables.input.file"]}');
  const whole = Buffer.from(
    `${head}${part('Content-Disposition: form-data; name="0"; filename="slow.csv"\r\nContent-Type: text/csv', file)}--${BOUNDARY}--\r\n`,
  );
  const cut = Buffer.byteLength(head) + Math.floor(file.length / 2);
  return [whole.subarray(0, cut), whole.subarray(cut)];
};

/** Starts an upload and sends the first half of its body; the request is in flight once the server said 100 Continue. */
const startSlowUpload = async (url: string, token: string, schoolSiteId: string) => {
  const [first, rest] = uploadBodyInTwo(schoolSiteId);
  const upload = httpRequest(`${url}/graphql`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'apollo-require-preflight': 'true',
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'content-length': first.length + rest.length,
      expect: '100-continue',
    },
  });
  const answered = new Promise<IncomingMessage>((done, failed) => upload.once('response', done).once('error', failed));
  await once(upload, 'continue');
  upload.write(first);
  return { answered, finish: () => upload.end(rest) };
};

const refusesConnections = (url: string): Promise<boolean | undefined> =>
  new Promise((answered) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      answered(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => answered(error.code === 'ECONNREFUSED' ? true : undefined));
  });

const signedInSiteAdmin = async (url: string): Promise<{ token: string; siteId: string }> => {
  const token = await signInAt(url, DEMO_SITE_ADMIN_EMAIL, DEMO_PASSWORD);
  return { token, siteId: (await postGraphQL(url, '{ schoolSites { id } }', {}, token)).data.schoolSites[0].id };
};

/**
 * An upload whose body is still arriving when SIGTERM comes: the rest is sent after the server stopped accepting
 * connections and dropped an idle keep-alive one, and the upload is answered before the process exits 0.
 */
const uploadAcrossSigterm = async (api: MainProcess): Promise<Outcome> => {
  const { token, siteId } = await signedInSiteAdmin(api.url);
  const keepAlive = new Agent({ keepAlive: true });
  const healthz = httpRequest(`${api.url}/healthz`, { agent: keepAlive }).end();
  const [idleSocket] = (await once(healthz, 'socket')) as [Socket];
  const [idle] = (await once(healthz, 'response')) as [IncomingMessage];
  idle.resume();
  await once(idle, 'end');

  const upload = await startSlowUpload(api.url, token, siteId);

  api.child.kill('SIGTERM');
  await once(idleSocket, 'close');
  await waitFor('new connections to be refused', () => refusesConnections(api.url), 20_000);
  upload.finish();

  const response = await upload.answered;
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  keepAlive.destroy();
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  return { status: response.statusCode!, connection: response.headers.connection, body, exit: await api.exited };
};

const expectAnsweredAndExited = (outcome: Outcome, api: MainProcess): void => {
  expect(outcome.status, api.output()).to.equal(200);
  expect(outcome.connection, 'the answer closes its connection').to.equal('close');
  expect(outcome.body, api.output()).to.deep.equal({ data: { uploadEducatorAccounts: { batch: { fileName: 'slow.csv', status: 'QUEUED' }, userErrors: [] } } });
  expect(outcome.exit, api.output()).to.equal(0);
};

const IT =
  'when SIGTERM arrives while an upload is still arriving, then an idle keep-alive connection is closed at once, new connections are refused, ' +
  'the upload is answered QUEUED and kept, and the process exits 0';

describe('The API process asked to stop (SIGTERM) mid-upload [SQLite, real processes]', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'graceful-shutdown-'));
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it(IT, async function () {
    this.timeout(60_000);
    const file = join(folder, 'educators.sqlite');
    const api = await startMainOnSqlite(folder, file);
    try {
      expectAnsweredAndExited(await uploadAcrossSigterm(api), api);
    } finally {
      api.child.kill('SIGKILL');
    }
    const database = new Database(file, { readonly: true });
    try {
      expect(database.prepare("SELECT status, total_rows AS rows FROM upload_batch WHERE file_name = 'slow.csv'").all()).to.deep.equal([
        { status: 'QUEUED', rows: 200 },
      ]);
    } finally {
      database.close();
    }
  });

  it('when a request in flight outlasts SHUTDOWN_GRACE_SECONDS, then its connection is cut and the process exits 0 all the same', async function () {
    this.timeout(60_000);
    const api = await startMainOnSqlite(folder, join(folder, 'educators.sqlite'), { SHUTDOWN_GRACE_SECONDS: '1' });
    try {
      const { token, siteId } = await signedInSiteAdmin(api.url);
      const upload = await startSlowUpload(api.url, token, siteId);
      const cut = upload.answered.then(
        () => 'answered',
        (error: NodeJS.ErrnoException) => error.code,
      );

      api.child.kill('SIGTERM');

      expect(await api.exited, api.output()).to.equal(0);
      expect(await cut).to.equal('ECONNRESET');
    } finally {
      api.child.kill('SIGKILL');
    }
  });
});

describeAgainstMariaDb('The API process asked to stop (SIGTERM) mid-upload', () => {
  let environment: FaultEnvironment;

  before(async function () {
    this.timeout(60_000);
    environment = await openFaultEnvironment('shutdown');
  });
  after(async function () {
    this.timeout(60_000);
    await environment?.close();
  });

  it(IT, async function () {
    this.timeout(60_000);
    const started = await environment.startApi();
    const api: MainProcess = { ...started, output: () => started.output.join('') };
    expectAnsweredAndExited(await uploadAcrossSigterm(api), api);
    const batches = await environment.rows<{ status: string; rows: number }>(
      "SELECT status, total_rows AS `rows` FROM upload_batch WHERE file_name = 'slow.csv'",
    );
    expect(batches.map((batch) => ({ status: batch.status, rows: Number(batch.rows) }))).to.deep.equal([{ status: 'QUEUED', rows: 200 }]);
  });
});
