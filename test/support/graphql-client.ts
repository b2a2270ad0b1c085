export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown }; path?: string[] }[];
  text: string;
  headers: Headers;
}

/** How a test request proves who sent it: a bearer token from signIn, or a session cookie's secret from startSession. */
export type Credential = string | { session: string };

export const credentialHeaders = (credential: Credential | undefined): Record<string, string> => {
  if (credential === undefined) return {};
  return typeof credential === 'string' ? { authorization: `Bearer ${credential}` } : { cookie: `edu_session=${credential.session}` };
};

export interface UploadOptions {
  schoolSiteId: string;
  content: string | Buffer;
  fileName?: string;
  agreementAccepted?: boolean;
  dryRun?: boolean;
  idempotencyKey?: string;
  /** Fields to select from the payload's batch. */
  select?: string;
}

export const UPLOAD_MUTATION = (select: string) =>
  `mutation($input: UploadEducatorAccountsInput!) { uploadEducatorAccounts(input: $input) { batch { ${select} } userErrors { code message field } } }`;

const answer = async (response: Response): Promise<GraphQLResponse> => {
  const text = await response.text();
  let body: { data?: unknown; errors?: GraphQLResponse['errors'] } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the status and the text say what happened.
  }
  return { status: response.status, data: body.data, errors: body.errors, text, headers: response.headers };
};

/** A JSON GraphQL request to the service at `url`, as a client app sends it. */
export const postGraphQL = async (url: string, query: string, variables: Record<string, unknown> = {}, credential?: Credential): Promise<GraphQLResponse> =>
  answer(
    await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...credentialHeaders(credential) },
      body: JSON.stringify({ query, variables }),
    }),
  );

export const signInAt = async (url: string, email: string, password: string): Promise<string> => {
  const response = await postGraphQL(url, 'mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }', {
    input: { username: email, password },
  });
  const token = response.data?.signIn?.token;
  if (!token) throw new Error(`Sign-in as ${email} failed: ${response.text}`);
  return token;
};

export const START_SESSION = 'mutation($input: SignInInput!) { startSession(input: $input) { account { email } userErrors { code } } }';

/** The session cookie's secret from an answer's Set-Cookie, if it set one. */
export const sessionSetBy = (headers: Headers): string | undefined =>
  headers
    .getSetCookie()
    .map((cookie) => /^edu_session=([^;]*)/.exec(cookie)?.[1])
    .find((secret) => secret !== undefined);

/** startSession as the page calls it; the session cookie's secret from the answer. */
export const startSessionAt = async (url: string, email: string, password: string): Promise<{ session: string }> => {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: START_SESSION, variables: { input: { username: email, password } } }),
  });
  const session = sessionSetBy(response.headers);
  if (!session) throw new Error(`startSession as ${email} failed: ${await response.text()}`);
  return { session };
};

/** uploadEducatorAccounts as a browser sends it: a multipart request with the CSRF preflight header. */
export const uploadTo = async (url: string, credential: Credential, options: UploadOptions): Promise<GraphQLResponse> => {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({
      query: UPLOAD_MUTATION(options.select ?? 'id status totalRows rejectionReason recordsProcessed'),
      variables: {
        input: {
          schoolSiteId: options.schoolSiteId,
          file: null,
          agreementAccepted: options.agreementAccepted ?? true,
          dryRun: options.dryRun ?? false,
          idempotencyKey: options.idempotencyKey,
        },
      },
    }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', new Blob([options.content]), options.fileName ?? 'educators.csv');
  const headers = { ...credentialHeaders(credential), 'apollo-require-preflight': 'true' };
  return answer(await fetch(`${url}/graphql`, { method: 'POST', headers, body: form }));
};
