import { expect } from 'chai';
import type { Config } from '../../../src/processes/config';
import { createLog } from '../../../src/infrastructure/logging';
import { describeOnEachDatabase, type TestDatabase } from '../../support/databases';
import { startTestServer, type GraphQLResponse, type TestServer } from '../../support/test-server';

const PASSWORD = 'Tr0ub4dor&3-horse-battery';
const CODE = 'K7QD-M2XF-9PLR';
const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { token } }';
const REGISTER = 'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { userErrors { code } } }';
const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { userErrors { code } } }';
const anAccount = (roleCode: unknown) => ({
  firstName: 'Ana',
  lastName: 'Lee',
  email: 'ana.lee@example.org',
  roleCode,
  schoolSiteIds: [],
  agreementAccepted: true,
});

const refusals = (response: GraphQLResponse): [string | undefined, string][] => (response.errors ?? []).map((error) => [error.extensions?.code, error.message]);

/** A server whose log lines (through the real logger) the test reads. */
const startLoggedServer = async (database: TestDatabase, config: Partial<Config> = {}): Promise<{ server: TestServer; logged: string[] }> => {
  const logged: string[] = [];
  const server = await startTestServer(database, config, { log: createLog({}, (line) => logged.push(line)) });
  return { server, logged };
};

describeOnEachDatabase('Input values are never echoed in errors', (database) => {
  let server: TestServer;

  before(async () => {
    ({ server } = await startLoggedServer(database));
  });
  after(async () => {
    await server?.close();
  });

  it('when a sign-in or registration variable is refused, then the answer names the variable, the field and why, never the password or the code', async () => {
    const answers = [
      await server.graphql(SIGN_IN, { input: { username: 'ana@example.org', password: PASSWORD, remember: true } }),
      await server.graphql(SIGN_IN, { input: { username: PASSWORD, password: 20260101 } }),
      await server.graphql(REGISTER, { input: { email: 'ana@example.org', registrationCode: CODE, password: [PASSWORD] } }),
      await server.graphql(REGISTER, { input: { email: 'ana@example.org', registrationCode: 4417, password: PASSWORD, educationalInterestAccepted: true } }),
    ];

    expect(answers.map(refusals)).to.deep.equal([
      [['BAD_USER_INPUT', 'Variable "$input" got an invalid value; Field "remember" is not defined by type "SignInInput".']],
      [['BAD_USER_INPUT', 'Variable "$input" got an invalid value at "input.password"; String cannot represent a non string value.']],
      [
        ['BAD_USER_INPUT', 'Variable "$input" got an invalid value at "input.password"; String cannot represent a non string value.'],
        ['BAD_USER_INPUT', 'Variable "$input" got an invalid value; Field "educationalInterestAccepted" of required type "Boolean!" was not provided.'],
      ],
      [['BAD_USER_INPUT', 'Variable "$input" got an invalid value at "input.registrationCode"; String cannot represent a non string value.']],
    ]);
    for (const answer of answers) expect(answer.text).not.to.match(/Tr0ub4dor|K7QD|20260101|4417/);
  });

  it('when a literal in the query is refused, then the answer names the expected type, never the literal', async () => {
    const answers = [
      await server.graphql('mutation { signIn(input: { username: "a@example.org", password: 20260101 }) { token } }'),
      await server.graphql('mutation { signIn(input: { username: "a@example.org", password: { secret: "K7QD" } }) { token } }'),
      await server.graphql('mutation { signIn(input: "K7QD-M2XF-9PLR") { token } }'),
    ];

    expect(answers.map(refusals)).to.deep.equal([
      [['GRAPHQL_VALIDATION_FAILED', 'String cannot represent a non string value.']],
      [['GRAPHQL_VALIDATION_FAILED', 'String cannot represent a non string value.']],
      [['GRAPHQL_VALIDATION_FAILED', 'Expected value of type "SignInInput!".']],
    ]);
    for (const answer of answers) expect(answer.text).not.to.match(/K7QD|20260101/);
  });

  it('when a role code is misspelt outside production, then the answer still suggests the right one', async () => {
    const token = await server.signIn(server.demo.districtAdminEmail);

    const answer = await server.graphql(CREATE, { input: anAccount('EDUCATR') }, token);

    expect(refusals(answer)).to.deep.equal([
      [
        'BAD_USER_INPUT',
        'Variable "$input" got an invalid value at "input.roleCode"; Value does not exist in "RoleCode" enum. Did you mean the enum value "EDUCATOR"?',
      ],
    ]);
  });
});

describeOnEachDatabase('In production, error messages guess at no name of the schema', (database) => {
  let server: TestServer;
  let token: string;

  before(async () => {
    ({ server } = await startLoggedServer(database, { production: true, introspection: false }));
    token = await server.signIn(server.demo.districtAdminEmail);
  });
  after(async () => {
    await server?.close();
  });

  it('when an enum value, a field, an input field or a type is misspelt, then no message says "Did you mean"', async () => {
    const literal = `mutation { createEducatorAccount(input: { firstName: "A", lastName: "B", email: "a@example.org", roleCode: EDUCATR,
      agreementAccepted: true }) { account { id } } }`;
    const answers = [
      await server.graphql(CREATE, { input: anAccount('EDUCATR') }, token),
      await server.graphql(literal, {}, token),
      await server.graphql(CREATE, { input: { ...anAccount('EDUCATOR'), frstName: 'A' } }, token),
      await server.graphql('{ rols { code } }', {}, token),
      await server.graphql('mutation($input: SignInInpt!) { signIn(input: $input) { token } }', { input: {} }),
    ];

    expect(answers.map(refusals)).to.deep.equal([
      [['BAD_USER_INPUT', 'Variable "$input" got an invalid value at "input.roleCode"; Value does not exist in "RoleCode" enum.']],
      [['GRAPHQL_VALIDATION_FAILED', 'Value does not exist in "RoleCode" enum.']],
      [['BAD_USER_INPUT', 'Variable "$input" got an invalid value; Field "frstName" is not defined by type "CreateEducatorAccountInput".']],
      [['GRAPHQL_VALIDATION_FAILED', 'Cannot query field "rols" on type "Query".']],
      [['GRAPHQL_VALIDATION_FAILED', 'Unknown type "SignInInpt".']],
    ]);
    for (const answer of answers) expect(answer.text).not.to.match(/Did you mean|Suggestion/i);
  });

  it('when a subscription to live updates misspells a field or an argument, then its refusal does not say "Did you mean" either', async () => {
    const refusalsOnTheStream = async (query: string): Promise<string[]> => {
      const response = await fetch(`${server.url}/graphql/stream`, {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      const next = /^event: next\ndata: (.*)$/m.exec(await response.text())!;
      return (JSON.parse(next[1]) as GraphQLResponse).errors!.map((error) => error.message);
    };

    expect(await refusalsOnTheStream('subscription { uploadBatchChanged { idd } }')).to.deep.equal(['Cannot query field "idd" on type "UploadBatch".']);
    expect(await refusalsOnTheStream('subscription { uploadBatchChanged(schoolSiteIdd: "x") { id } }')).to.deep.equal([
      'Unknown argument "schoolSiteIdd" on field "Subscription.uploadBatchChanged".',
    ]);
  });
});

// Breaks the database on purpose, so it has its own server.
describeOnEachDatabase('Secrets never reach the log', (database) => {
  let server: TestServer;
  let logged: string[];

  before(async () => {
    ({ server, logged } = await startLoggedServer(database));
    await server.application.dataSource.query('DROP TABLE throttle_counter');
  });
  beforeEach(() => {
    logged.length = 0;
  });
  after(async () => {
    await server?.close();
  });

  it('when sign-in and registration fail unexpectedly with the password and the code inline in the query, then the log has them redacted', async () => {
    const answers = [
      await server.graphql(`mutation { signIn(input: { username: "${server.demo.siteAdminEmail}", password: "${PASSWORD}" }) { token } }`),
      await server.graphql(`mutation { registerAccount(input: { email: "a@example.org", registrationCode: "${CODE}", password: """${PASSWORD}""",
        educationalInterestAccepted: true }) { account { id } } }`),
      await server.graphql(SIGN_IN, { input: { username: server.demo.siteAdminEmail, password: PASSWORD } }),
    ];

    expect(answers.map((answer) => answer.errors?.map((error) => error.extensions?.code))).to.deep.equal(Array(3).fill(['INTERNAL_SERVER_ERROR']));
    const lines = logged.map((line) => JSON.parse(line));
    expect(lines.map((line) => line.message)).to.deep.equal(Array(3).fill('Unexpected error while answering a GraphQL request'));
    expect(lines[0].operation).to.contain('password: "[redacted]"');
    expect(lines[1].operation).to.contain('registrationCode: "[redacted]", password: "[redacted]"');
    for (const line of logged) expect(line).not.to.match(/Tr0ub4dor|K7QD/);
  });
});
