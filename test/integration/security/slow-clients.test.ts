import { expect } from 'chai';
import { request } from 'node:http';
import { connect } from 'node:net';
import { csvFile, educatorRows } from '../../support/csv-fixtures';
import { describeOnEachDatabase } from '../../support/databases';
import { waitFor } from '../../support/polling';
import { startTestServer, UPLOAD_MUTATION, type TestServer } from '../../support/test-server';
import { countRows, PARTNER_HIGH, readBatch, siteIdsByName } from '../uploads/upload-kit';

// Lowered from their defaults so that the test runs in seconds: each is a whole number of seconds in configuration.
const TIMEOUTS = { idleTimeoutSeconds: 1, headersTimeoutSeconds: 1, jsonBodyTimeoutSeconds: 2 };
const EVERY_MS = 300;
/** Pieces sent EVERY_MS apart: the request lasts well past the idle timeout and the JSON body budget. */
const PIECES = 14;

interface Outcome {
  status?: number;
  body?: string;
  /** How the connection ended when no answer came: the server cut it. */
  error?: string;
}

/** A POST to /graphql whose body goes out in pieces, EVERY_MS apart; with `stallAfter`, the client then falls silent. */
const trickle = (server: TestServer, headers: Record<string, string>, body: Buffer, stallAfter = PIECES): Promise<Outcome> =>
  new Promise((resolve) => {
    const url = new URL(`${server.url}/graphql`);
    const sending = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      agent: false,
      headers: { ...headers, 'content-length': body.length },
    });
    const pieceBytes = Math.ceil(body.length / PIECES);
    let piece = 0;
    const timer = setInterval(() => {
      if (piece === stallAfter) return clearInterval(timer);
      sending.write(body.subarray(piece * pieceBytes, (piece += 1) * pieceBytes));
      if (piece === PIECES) sending.end();
    }, EVERY_MS);
    sending.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        clearInterval(timer);
        resolve({ status: response.statusCode, body: text });
      });
    });
    sending.on('error', (error: NodeJS.ErrnoException) => {
      clearInterval(timer);
      resolve({ error: error.code ?? error.message });
    });
  });

describeOnEachDatabase('Slow clients: an upload is never cut while bytes arrive; a stalled or dawdling client is', (database) => {
  let server: TestServer;
  let token: string;
  let siteId: string;

  before(async () => {
    server = await startTestServer(database, TIMEOUTS);
  });
  beforeEach(async () => {
    await server.reset();
    token = await server.signIn(server.demo.siteAdminEmail);
    siteId = (await siteIdsByName(server))[PARTNER_HIGH];
  });
  after(async () => {
    await server.close();
  });

  const uploadBody = (rows: number): { headers: Record<string, string>; body: Buffer } => {
    const boundary = 'slow-boundary';
    const operations = JSON.stringify({
      query: UPLOAD_MUTATION('id status'),
      variables: { input: { schoolSiteId: siteId, file: null, agreementAccepted: true } },
    });
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.file"]}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="staff.csv"\r\nContent-Type: text/csv\r\n\r\n` +
        `${csvFile(educatorRows(rows))}\r\n--${boundary}--\r\n`,
    );
    return {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true', 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    };
  };

  it('when an upload arrives a piece every 300 ms for longer than the JSON body budget and many idle timeouts, then it is stored whole', async () => {
    const { headers, body } = uploadBody(30);

    const outcome = await trickle(server, headers, body);

    expect(outcome.status, JSON.stringify(outcome)).to.equal(200);
    const batch = JSON.parse(outcome.body!).data.uploadEducatorAccounts.batch;
    expect(batch.status).to.equal('QUEUED');
    await server.processUploads();
    expect(await readBatch(server, token, batch.id)).to.deep.include({ status: 'COMPLETED', totalRows: 30, recordsCreated: 30, recordsFailed: 0 });
  });

  it('when an upload stalls half-way, then the server closes the connection once the idle timeout passes, and nothing of it is kept', async () => {
    const { headers, body } = uploadBody(30);

    const outcome = await trickle(server, headers, body, PIECES / 2);

    expect(outcome).to.deep.equal({ error: 'ECONNRESET' });
    await waitFor('the half-received upload to be discarded', async () => ((await countRows(server, 'upload_batch')) === 0 ? true : undefined), 10_000);
    expect(await countRows(server, 'upload_file_chunk')).to.equal(0);
  });

  it('when a JSON body arrives a piece every 300 ms past its budget, then it is refused with 408 before it is complete', async () => {
    const body = Buffer.from(JSON.stringify({ query: '{ __typename }' }).padEnd(PIECES * 8, ' '));

    const outcome = await trickle(server, { 'content-type': 'application/json' }, body);

    expect(outcome).to.deep.equal({ status: 408, body: JSON.stringify({ error: 'The request took too long to arrive.' }) });
  });

  it('when the request headers arrive a byte at a time, then the server answers 408 and closes the connection once the headers timeout passes', async () => {
    const { port } = new URL(server.url);
    const head = `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Padding: ${'a'.repeat(200)}`;

    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      let at = 0;
      const timer = setInterval(() => at < head.length && socket.write(head[at++]), EVERY_MS / 3);
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve(received);
      });
    });

    expect(answer).to.match(/^HTTP\/1\.1 408 /);
  });
});
