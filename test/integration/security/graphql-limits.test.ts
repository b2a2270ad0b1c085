import { expect } from 'chai';
import { GRAPHQL_LIMITS } from '../../../src/infrastructure/http/http-app';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

const codesOf = (response: { errors?: { extensions?: { code?: string } }[] }): string[] =>
  (response.errors ?? []).map((error) => String(error.extensions?.code));

describeOnEachDatabase('GraphQL resource limits and CSRF prevention', (database) => {
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer(database);
    token = await server.signIn(server.demo.districtAdminEmail);
  });
  after(async () => {
    await server.close();
  });

  it(`when a query uses more than ${GRAPHQL_LIMITS.aliases} aliases, then it is refused before anything runs`, async () => {
    const aliases = Array.from({ length: GRAPHQL_LIMITS.aliases + 1 }, (_, index) => `r${index}: roles { code }`).join(' ');
    const response = await server.graphql(`{ ${aliases} }`, {}, token);
    expect(response.data, response.text).to.equal(undefined);
    expect(response.text).to.contain('Aliases limit');
  });

  it(`when a query is nested deeper than ${GRAPHQL_LIMITS.depth}, then it is refused`, async () => {
    const natural = '{ uploadBatches { nodes { uploadedBy { schoolSites { district { id } } } } } }';
    expect((await server.graphql(natural, {}, token)).errors).to.equal(undefined);
    // The schema has no cycles deeper than this, so the probe goes on into fields that do not exist.
    const probe = `{ me { schoolSites { district { ${'a { '.repeat(GRAPHQL_LIMITS.depth)}b${' }'.repeat(GRAPHQL_LIMITS.depth)} } } } }`;
    const response = await server.graphql(probe, {}, token);
    expect(response.data).to.equal(undefined);
    expect(response.text).to.contain('depth limit');
  });

  it('when the request is a batch of operations, then it is refused', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ roles { code } }' }, { query: '{ roles { code } }' }]),
    });
    expect(response.status).to.equal(400);
    expect(await response.text()).to.not.contain('"data"');
  });

  it('when a multipart upload comes without the preflight header, then CSRF prevention refuses it, and with it the request is accepted', async () => {
    const form = () => {
      const body = new FormData();
      body.append('operations', JSON.stringify({ query: '{ roles { code } }' }));
      body.append('map', '{}');
      return body;
    };
    const without = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form() });
    expect(without.status).to.equal(400);
    expect(await without.text()).to.contain('CSRF');
    const withHeader = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
      body: form(),
    });
    expect(withHeader.status).to.equal(200);
    expect(((await withHeader.json()) as { data: { roles: unknown[] } }).data.roles).to.have.length(6);
  });

  it('when a query is absurdly long, then the token limit refuses it', async () => {
    const fields = Array.from({ length: GRAPHQL_LIMITS.tokens }, () => 'code').join(' ');
    const response = await server.graphql(`{ roles { ${fields} } }`, {}, token);
    expect(response.data).to.equal(undefined);
    expect(response.status).to.equal(400);
    expect(response.text).to.contain(`${GRAPHQL_LIMITS.tokens} tokens`);
  });

  it('when the cost of a query is too high, then it is refused', async () => {
    const pages = Array.from(
      { length: 10 },
      (_, index) =>
        `p${index}: uploadBatches(first: 100) { nodes { failures(first: 100) { nodes { lineNumber reason } } uploadedBy { schoolSites { name } } } }`,
    ).join(' ');
    const response = await server.graphql(`{ ${pages} }`, {}, token);
    expect(response.data).to.equal(undefined);
    expect(response.text).to.contain('Cost limit');
    expect(codesOf(response)).to.not.contain('INTERNAL_SERVER_ERROR');
  });

  it('when GraphQL answers, with data, with an error or to a malformed body, then no cache may keep the answer', async () => {
    const post = (body: string, authorization?: string) =>
      fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body });
    const answers = [
      await post(JSON.stringify({ query: '{ me { email } }' }), `Bearer ${token}`),
      await post(JSON.stringify({ query: '{ me { email } }' })),
      await post('{ "query": '),
    ];
    expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200, 400]);
    expect(answers.map((answer) => answer.headers.get('cache-control'))).to.deep.equal(['no-store', 'no-store', 'no-store']);
  });

  it('when a field name is misspelled outside production, then the answer may suggest the right one', async () => {
    expect((await server.graphql('{ rolez { code } }', {}, token)).text).to.contain('Did you mean');
  });
});

describeOnEachDatabase('GraphQL in production', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database, { production: true, introspection: false });
  });
  after(async () => {
    await server.close();
  });

  it('when a field name is misspelled, then no suggestion reveals the schema', async () => {
    const response = await server.graphql('{ rolez { code } }');
    expect(response.errors).to.have.length(1);
    expect(response.text).to.not.contain('Did you mean');
  });

  it('when a client asks for the schema, then introspection is refused', async () => {
    const response = await server.graphql('{ __schema { types { name } } }');
    expect(response.data).to.equal(undefined);
    expect(response.text).to.contain('introspection');
  });
});
