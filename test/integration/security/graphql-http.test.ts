import { expect } from 'chai';
import { connect } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { createLog } from '../../../src/infrastructure/logging';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

const TYPENAME = JSON.stringify({ query: '{ __typename }' });
const TOO_LARGE = { error: 'The request is too large.' };
const MALFORMED = { error: 'The request is malformed.' };

interface Answer {
  status: number;
  cacheControl: string | null;
  body: any;
}

const post = async (server: TestServer, body: NonNullable<RequestInit['body']>, headers: Record<string, string>, path = '/graphql'): Promise<Answer> => {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers, body, duplex: 'half' });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: parsed };
};

const answered = (answer: Answer): void => {
  expect([answer.status, answer.body]).to.deep.equal([200, { data: { __typename: 'Query' } }]);
};

/** A body streamed in pieces, so that no Content-Length announces its size. */
const streamed = (text: string, pieceBytes = 64 * 1024): ReadableStream<Uint8Array> => {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, (at += pieceBytes)));
    },
  });
};

/** Multipart bodies no parser can read, each with the Content-Type it came with. */
const BROKEN_MULTIPART: { label: string; type: string; body: string | Buffer }[] = [
  { label: 'truncated', type: 'multipart/form-data; boundary=x', body: '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":' },
  { label: 'without a boundary', type: 'multipart/form-data', body: '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}\r\n--x--\r\n' },
  { label: 'garbage', type: 'multipart/form-data; boundary=x', body: Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256)) },
];

describeOnEachDatabase('GraphQL over HTTP: what the endpoint accepts and how it refuses', (database) => {
  let server: TestServer;
  let token: string;
  /** What the service logged, line by line, through the real logger. */
  const logged: string[] = [];

  before(async () => {
    server = await startTestServer(database, {}, { log: createLog({}, (line) => logged.push(line)) });
    token = await server.signIn(server.demo.siteAdminEmail);
  });
  beforeEach(() => {
    logged.length = 0;
  });
  after(async () => {
    await server.close();
  });

  it('when a JSON body declares more than 1 MB, then it is refused with 413 and the service goes on answering', async () => {
    const answer = await post(server, JSON.stringify({ query: '{ roles { code } }', variables: { padding: 'a'.repeat(1_100_000) } }), {
      'content-type': 'application/json',
    });

    expect([answer.status, answer.body, answer.cacheControl]).to.deep.equal([413, TOO_LARGE, 'no-store']);
    answered(await post(server, TYPENAME, { 'content-type': 'application/json' }));
  });

  it('when a JSON body without a declared length grows past 1 MB, then it is refused with 413 while it streams', async () => {
    const answer = await post(server, streamed(JSON.stringify({ query: '{ roles { code } }', variables: { padding: 'a'.repeat(1_100_000) } })), {
      'content-type': 'application/json',
    });

    expect([answer.status, answer.body]).to.deep.equal([413, TOO_LARGE]);
    answered(await post(server, streamed(TYPENAME), { 'content-type': 'application/json' }));
  });

  it('when the body is compressed with gzip, deflate or br, then it is inflated and answered', async () => {
    for (const [encoding, compress] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
      ['br', brotliCompressSync],
    ] as const) {
      answered(await post(server, compress(Buffer.from(TYPENAME)), { 'content-type': 'application/json', 'content-encoding': encoding }));
    }
  });

  it('when a compressed body inflates past 1 MB, then it is refused with 413', async () => {
    const bomb = gzipSync(Buffer.from(JSON.stringify({ query: '{ roles { code } }', variables: { padding: 'a'.repeat(5_000_000) } })));

    const answer = await post(server, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });

    expect(bomb.length).to.be.below(50_000);
    expect([answer.status, answer.body]).to.deep.equal([413, TOO_LARGE]);
  });

  it('when the charset is UTF-8 in any spelling, then the body is read; any other charset or encoding is refused with 415', async () => {
    answered(await post(server, TYPENAME, { 'content-type': 'application/json; charset=UTF-8' }));
    answered(await post(server, TYPENAME, { 'content-type': 'Application/JSON; charset="utf8"' }));

    const latin1 = await post(server, TYPENAME, { 'content-type': 'application/json; charset=iso-8859-1' });
    const compress = await post(server, TYPENAME, { 'content-type': 'application/json', 'content-encoding': 'compress' });

    expect([latin1.status, latin1.body, compress.status, compress.body]).to.deep.equal([415, MALFORMED, 415, MALFORMED]);
  });

  it('when the JSON is broken, is not an object, or is gzip that does not inflate, then it is refused with 400 as malformed', async () => {
    const answers = [
      await post(server, '{"query": ', { 'content-type': 'application/json' }),
      await post(server, '"{ roles { code } }"', { 'content-type': 'application/json' }),
      await post(server, 'null', { 'content-type': 'application/json' }),
      await post(server, 'not gzip at all', { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
    ];

    expect(answers.map((answer) => [answer.status, answer.body, answer.cacheControl])).to.deep.equal(Array(4).fill([400, MALFORMED, 'no-store']));
  });

  it('when a form-style body (text/plain) is posted, then CSRF prevention refuses it with 400, not a server error', async () => {
    const answer = await post(server, TYPENAME, { 'content-type': 'text/plain' });

    expect(answer.status).to.equal(400);
    expect(answer.body.errors.map((error: { extensions: { code: string } }) => error.extensions.code)).to.deep.equal(['BAD_REQUEST']);
  });

  it('when /graphql is written with another case, a trailing slash or a query string, then it is still GraphQL; a longer path is not', async () => {
    for (const path of ['/GraphQL', '/graphql/', '/graphql?from=app']) answered(await post(server, TYPENAME, { 'content-type': 'application/json' }, path));

    expect((await post(server, TYPENAME, { 'content-type': 'application/json' }, '/graphqlx')).status).to.equal(404);
  });

  it('when a client goes away halfway through its body, then nothing breaks and the next request is answered', async () => {
    const { port } = new URL(server.url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query": "{ ro');
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });

    answered(await post(server, TYPENAME, { 'content-type': 'application/json' }));
  });

  it('when a broken multipart body comes without the preflight header, then CSRF prevention refuses it unread with 400, and nothing is logged', async () => {
    for (const { label, type, body } of BROKEN_MULTIPART) {
      for (const authorization of [{}, { authorization: `Bearer ${token}` }] as Record<string, string>[]) {
        const answer = await post(server, body, { 'content-type': type, ...authorization });

        const codes = answer.body.errors?.map((error: { extensions: { code: string } }) => error.extensions.code);
        expect([answer.status, codes], label).to.deep.equal([400, ['BAD_REQUEST']]);
        expect(answer.body.errors[0].message, label).to.contain('Cross-Site Request Forgery');
      }
    }
    expect(logged).to.deep.equal([]);
  });

  it('when a broken multipart body with the preflight header comes from nobody signed in, then it is refused unread: 401 UNAUTHENTICATED', async () => {
    for (const { label, type, body } of BROKEN_MULTIPART) {
      for (const authorization of [{}, { authorization: 'Bearer not.a.jwt' }] as Record<string, string>[]) {
        const answer = await post(server, body, { 'content-type': type, 'apollo-require-preflight': 'true', ...authorization });

        expect([answer.status, answer.body], label).to.deep.equal([401, { errors: [{ message: 'Sign in first.', extensions: { code: 'UNAUTHENTICATED' } }] }]);
      }
    }
    expect(logged).to.deep.equal([]);
  });

  it('when a signed-in client sends a broken multipart body with the preflight header, then it is 400 malformed, logged on one line, no stack', async () => {
    for (const { label, type, body } of BROKEN_MULTIPART) {
      const answer = await post(server, body, { 'content-type': type, 'apollo-require-preflight': 'true', authorization: `Bearer ${token}` });

      expect([answer.status, answer.body, answer.cacheControl], label).to.deep.equal([400, MALFORMED, 'no-store']);
    }
    expect(logged).to.have.length(BROKEN_MULTIPART.length);
    for (const line of logged) {
      expect(line.indexOf('\n'), line).to.equal(line.length - 1);
      expect(JSON.parse(line)).to.deep.include({ message: 'Refused a request the client has to fix', path: '/graphql', status: 400 });
      expect(line, 'no stack frames').not.to.match(/\bat .*\(|node_modules/);
    }
    answered(await post(server, TYPENAME, { 'content-type': 'application/json' }));
  });

  it('when a request names a persisted query, by hash or with a hash that does not match, then it is PERSISTED_QUERY_NOT_SUPPORTED, unlogged', async () => {
    const persisted = (body: object) => post(server, JSON.stringify(body), { 'content-type': 'application/json' });
    const mismatch = await persisted({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    const byHash = await persisted({ extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });

    const notSupported = { errors: [{ message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }] };
    for (const answer of [mismatch, byHash]) expect(answer.body).to.deep.equal(notSupported);
    expect(logged).to.deep.equal([]);
  });

  it('when a string is sent where an Upload is expected, then it is BAD_USER_INPUT naming the field, and nothing is logged', async () => {
    const sites = await server.graphql('{ schoolSites { id } }', {}, token);
    const input = { schoolSiteId: sites.data.schoolSites[0].id, file: 'First Name,Last Name', agreementAccepted: true };

    const upload = 'mutation($input: UploadEducatorAccountsInput!) { uploadEducatorAccounts(input: $input) { userErrors { code } } }';

    const answer = await server.graphql(upload, { input }, token);

    expect([answer.status, answer.errors?.map((error) => [error.extensions?.code, error.message])]).to.deep.equal([
      400,
      [['BAD_USER_INPUT', 'Variable "$input" got an invalid value at "input.file"; Upload value invalid. Expected Upload instance.']],
    ]);
    expect(logged).to.deep.equal([]);
  });
});
