import { expect } from 'chai';
import { resolve } from 'node:path';
import { AgreementAcceptanceRecord, EducatorAccountRecord } from '../../../src/infrastructure/persistence/records/records';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';

const GENERIC_MESSAGE = 'Something went wrong on our side. Please try again; if it keeps happening, contact support.';
const PROJECT_DIR = resolve(__dirname, '../../../..');

// Anything that would tell an attacker about our code, driver or schema.
const LEAK_MARKERS: RegExp[] = [
  /stack/i,
  /QueryFailedError/,
  /SQLITE/i,
  /\bER_[A-Z_]+/,
  /at \//,
  /node_modules/,
  /\.(?:ts|js):\d+/,
  /no such table/i,
  /doesn't exist/i,
  /throttle_counter|outbox_message|educator_account/,
  /\b(?:SELECT|INSERT INTO|UPDATE|DELETE FROM)\b/,
  /TypeError|ReferenceError|SyntaxError: Unexpected/,
];

const expectNoLeak = (label: string, text: string) => {
  for (const marker of LEAK_MARKERS) expect(marker.test(text), `${label} leaks ${marker}: ${text.slice(0, 500)}`).to.equal(false);
  expect(text.includes(PROJECT_DIR), `${label} leaks the install path`).to.equal(false);
};

interface RawResponse {
  status: number;
  text: string;
  body: any;
}

const send = async (
  server: TestServer,
  body: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  method = 'POST',
): Promise<RawResponse> => {
  const response = await fetch(`${server.url}/graphql`, { method, headers, body });
  const text = await response.text();
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, text, body: parsed };
};

describeOnEachDatabase('Error responses never leak internals', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database);
  });
  beforeEach(async () => {
    await server.reset();
  });
  after(async () => {
    await server?.close();
  });

  it('when malformed, oversized or invalid requests are sent, then each answer is a clean error with a client-facing code and no internals', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);
    const json = { 'content-type': 'application/json' };
    const authed = { ...json, authorization: `Bearer ${token}` };
    const cases: { label: string; request: () => Promise<RawResponse>; codes?: string[] }[] = [
      { label: 'broken JSON body', request: () => send(server, '{"query": ') },
      { label: 'body over 1 MB', request: () => send(server, JSON.stringify({ query: '{ roles { code } }', variables: { padding: 'a'.repeat(1_100_000) } })) },
      {
        label: 'broken multipart body',
        request: () =>
          send(server, '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{bad\r\n--x--\r\n', {
            'content-type': 'multipart/form-data; boundary=x',
            'apollo-require-preflight': 'true',
          }),
      },
      { label: 'text/plain (CSRF)', request: () => send(server, '{ roles { code } }', { 'content-type': 'text/plain' }), codes: ['BAD_REQUEST'] },
      { label: 'batched operations', request: () => send(server, JSON.stringify([{ query: '{ roles { code } }' }])), codes: ['BAD_REQUEST'] },
      { label: 'no query', request: () => send(server, JSON.stringify({ variables: {} })), codes: ['BAD_REQUEST'] },
      { label: 'syntax error', request: () => send(server, JSON.stringify({ query: '{ me { email ' })), codes: ['GRAPHQL_PARSE_FAILED'] },
      { label: 'unknown field', request: () => send(server, JSON.stringify({ query: '{ passwordHash }' })), codes: ['GRAPHQL_VALIDATION_FAILED'] },
      {
        label: 'null for a required input',
        request: () =>
          send(server, JSON.stringify({ query: 'mutation($input: SignInInput!) { signIn(input: $input) { token } }', variables: { input: null } })),
        codes: ['BAD_USER_INPUT'],
      },
      {
        label: 'string for an Int',
        request: () =>
          send(
            server,
            JSON.stringify({ query: 'query($first: Int) { educatorAccounts(schoolSiteId: "x", first: $first) { totalCount } }', variables: { first: 'ten' } }),
            authed,
          ),
        codes: ['BAD_USER_INPUT'],
      },
      {
        label: 'first over 100',
        request: () => send(server, JSON.stringify({ query: '{ educatorAccounts(schoolSiteId: "x", first: 101) { totalCount } }' }), authed),
        codes: ['BAD_USER_INPUT'],
      },
      {
        label: 'forged cursor',
        request: () =>
          send(server, JSON.stringify({ query: `{ educatorAccounts(schoolSiteId: "x", after: "Jyk7RFJPUCBUQUJMRSB4Oy0t") { totalCount } }` }), authed),
        codes: ['BAD_USER_INPUT'],
      },
      {
        label: 'SQL-looking site id',
        request: () => send(server, JSON.stringify({ query: `{ educatorAccounts(schoolSiteId: "1' OR '1'='1") { totalCount } }` }), authed),
        codes: ['FORBIDDEN'],
      },
      {
        label: 'unknown role code',
        request: () =>
          send(
            server,
            JSON.stringify({
              query: 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } } }',
              variables: { input: { firstName: 'A', lastName: 'B', email: 'a@example.org', roleCode: 'ROOT', schoolSiteIds: [], agreementAccepted: true } },
            }),
            authed,
          ),
        codes: ['BAD_USER_INPUT'],
      },
      {
        label: 'garbage bearer token',
        request: () => send(server, JSON.stringify({ query: '{ me { email } }' }), { ...json, authorization: 'Bearer not.a.jwt' }),
        codes: ['UNAUTHENTICATED'],
      },
      {
        label: 'over-long username',
        request: () => send(server, JSON.stringify({ query: `mutation { signIn(input: { username: "${'u'.repeat(1001)}", password: "p" }) { token } }` })),
        codes: ['BAD_USER_INPUT'],
      },
    ];

    for (const { label, request, codes } of cases) {
      const response = await request();
      expectNoLeak(label, response.text);
      expect(response.status, `${label}: ${response.text.slice(0, 300)}`).to.be.within(200, 599);
      if (response.body?.errors) {
        for (const error of response.body.errors) {
          expect(error.extensions ?? {}, label).not.to.have.any.keys('stacktrace', 'exception');
          if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') expect(error.message, label).to.equal(GENERIC_MESSAGE);
        }
      }
      if (codes)
        expect(
          response.body?.errors?.map((error: { extensions?: { code?: string } }) => error.extensions?.code),
          label,
        ).to.deep.equal(codes);
      else expect(response.body, `${label} answers JSON`).to.be.an('object');
    }
  });
});

// Breaks the database on purpose, so it has its own server and does not reset between its tests.
describeOnEachDatabase('Internal errors are masked', (database) => {
  let server: TestServer;
  let adminToken: string;
  let partnerHigh: string;

  before(async () => {
    server = await startTestServer(database);
    adminToken = await server.signIn(server.demo.districtAdminEmail);
    partnerHigh = (await server.graphql('{ schoolSites { id name } }', {}, adminToken)).data.schoolSites.find(
      (site: { name: string }) => site.name === 'Demo Partner High',
    ).id;
  });
  after(async () => {
    await server?.close();
  });

  it('when the throttle table is gone and someone signs in, then INTERNAL_SERVER_ERROR with the generic sentence and nothing about the database', async () => {
    await server.application.dataSource.query('DROP TABLE throttle_counter');

    const response = await server.graphql(
      'mutation { signIn(input: { username: "district.admin@demo-usd.example.org", password: "demo-password-change-me" }) { token } }',
    );

    expect(response.data).to.equal(null);
    expect(response.errors).to.deep.equal([{ message: GENERIC_MESSAGE, path: ['signIn'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expectNoLeak('signIn without throttle table', response.text);
  });

  it('when the outbox table is gone and an account is created, then INTERNAL_SERVER_ERROR and the account and agreement are rolled back', async () => {
    await server.application.dataSource.query('DROP TABLE outbox_message');
    const accountsBefore = await server.application.dataSource.getRepository(EducatorAccountRecord).count();

    const response = await server.graphql(
      'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }',
      {
        input: {
          firstName: 'Ana',
          lastName: 'López',
          email: 'ana.lopez@example.org',
          roleCode: 'EDUCATOR',
          schoolSiteIds: [partnerHigh],
          agreementAccepted: true,
        },
      },
      adminToken,
    );

    expect(response.errors).to.deep.equal([{ message: GENERIC_MESSAGE, path: ['createEducatorAccount'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expectNoLeak('createEducatorAccount without outbox table', response.text);
    expect(await server.application.dataSource.getRepository(EducatorAccountRecord).count()).to.equal(accountsBefore);
    expect(await server.application.dataSource.getRepository(EducatorAccountRecord).countBy({ emailNormalized: 'ana.lopez@example.org' })).to.equal(0);
    expect(await server.application.dataSource.getRepository(AgreementAcceptanceRecord).count()).to.equal(0);
  });
});
