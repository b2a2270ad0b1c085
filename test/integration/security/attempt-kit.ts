import { expect } from 'chai';
import type { GraphQLResponse, TestServer } from '../../support/test-server';
import { PARTNER_HIGH, siteIdsByName } from '../uploads/upload-kit';

export const SIGN_IN = 'mutation($input: SignInInput!) { signIn(input: $input) { token account { email } userErrors { code message field } } }';
export const REGISTER =
  'mutation($input: RegisterAccountInput!) { registerAccount(input: $input) { account { email status } userErrors { code message field } } }';
const CREATE = 'mutation($input: CreateEducatorAccountInput!) { createEducatorAccount(input: $input) { account { id } userErrors { code } } }';

export const userErrorCodes = (payload: { userErrors: { code: string }[] }): string[] => payload.userErrors.map((error) => error.code);

/** The text of an .eml as a person reads it: quoted-printable soft breaks joined. */
const registrationCodeIn = (eml: string): string => /^Registration code: ([A-Z0-9-]+)$/m.exec(eml.replace(/=\r?\n/g, ''))![1];

/** Creates an Educator at Demo Partner High and returns the registration code from the invitation. */
export const inviteEducator = async (server: TestServer, email: string): Promise<string> => {
  const sites = await siteIdsByName(server);
  const created = await server.graphql(
    CREATE,
    { input: { firstName: 'Ana', lastName: 'Auth', email, roleCode: 'EDUCATOR', schoolSiteIds: [sites[PARTNER_HIGH]], agreementAccepted: true } },
    await server.signIn(server.demo.districtAdminEmail),
  );
  expect(created.data?.createEducatorAccount.userErrors, created.text).to.deep.equal([]);
  const invitation = (await server.deliveredEmails()).find((eml) => eml.replace(/=\r?\n/g, '').includes(email));
  return registrationCodeIn(invitation!);
};

/** A POST to /graphql that carries `forwardedFor` as its X-Forwarded-For header, on a connection of its own when sent concurrently. */
export const graphqlFrom = async (
  server: TestServer,
  forwardedFor: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse> => {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const body = JSON.parse(text);
  return { status: response.status, data: body.data, errors: body.errors, text, headers: response.headers };
};

/** How many answers carried each outcome: a userError code, or `OK` for none. */
export const tally = (payloads: { userErrors: { code: string }[] }[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const payload of payloads) {
    const outcome = userErrorCodes(payload).join() || 'OK';
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
};
