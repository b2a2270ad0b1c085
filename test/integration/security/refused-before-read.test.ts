import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { describeOnEachDatabase } from '../../support/databases';
import { waitFor } from '../../support/polling';
import { startTestServer, type TestServer } from '../../support/test-server';

const BOUNDARY = 'refused-before-read';
const MULTIPART_HEAD = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"mutation { __typename }"}\r\n`;

/** A raw connection that keeps everything the server sends, and whether the server has ended it. */
const openConnection = async (server: TestServer) => {
  const socket: Socket = connect(Number(new URL(server.url).port), '127.0.0.1');
  await new Promise((connected) => socket.once('connect', connected));
  let received = '';
  let ended = false;
  socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
  socket.on('close', () => (ended = true));
  // The server may reset the connection: that is what the ending tests look for.
  socket.on('error', () => undefined);
  return {
    socket,
    received: () => received,
    ended: () => ended,
    answers: () => received.match(/^HTTP\/1\.1 \d{3}/gm) ?? [],
  };
};

describeOnEachDatabase('A request refused before its body is read, while the client still sends it', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database);
  });
  after(() => server.close());

  const uploadHead = (length: number): string =>
    `POST /graphql HTTP/1.1\r\nHost: x\r\nApollo-Require-Preflight: true\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${length}\r\n\r\n`;

  it('when an upload from nobody signed in is answered 401 and the client then sends the rest, then the rest is dropped and the connection answers its next request', async () => {
    const rest = 'x'.repeat(64 * 1024);
    const connection = await openConnection(server);
    try {
      connection.socket.write(uploadHead(MULTIPART_HEAD.length + rest.length) + MULTIPART_HEAD);
      await waitFor('the refusal', async () => (connection.answers().length === 1 ? true : undefined), 10_000);
      // The answer came before the body's end, as a browser still uploading gets it; the upload goes on.
      connection.socket.write(rest);
      connection.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await waitFor('the next answer', async () => (connection.answers().length === 2 || connection.ended() ? true : undefined), 10_000);

      expect(connection.answers()).to.deep.equal(['HTTP/1.1 401', 'HTTP/1.1 200']);
      expect(connection.ended()).to.equal(false);
    } finally {
      connection.socket.destroy();
    }
  });

  it('when a JSON body over its limit is answered 413 and the client sends all of it, then the connection ends after the answer', async () => {
    const length = 4 * 1024 * 1024;
    const connection = await openConnection(server);
    try {
      connection.socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n{"query":"`);
      await waitFor('the refusal', async () => (connection.answers().length === 1 ? true : undefined), 10_000);
      connection.socket.write('x'.repeat(length));
      await waitFor('the connection to end', async () => (connection.ended() ? true : undefined), 10_000);

      expect(connection.answers()).to.deep.equal(['HTTP/1.1 413']);
    } finally {
      connection.socket.destroy();
    }
  });

  it('when the client stops sending the rest, then the connection ends anyway, after its answer', async () => {
    const connection = await openConnection(server);
    try {
      connection.socket.write(uploadHead(1_000_000) + MULTIPART_HEAD);
      await waitFor('the connection to end', async () => (connection.ended() ? true : undefined), 10_000);
      expect(connection.answers()).to.deep.equal(['HTTP/1.1 401']);
    } finally {
      connection.socket.destroy();
    }
  });
});
