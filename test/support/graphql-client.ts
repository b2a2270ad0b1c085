export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown }; path?: string[] }[];
  text: string;
}

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
  return { status: response.status, data: body.data, errors: body.errors, text };
};

/** A JSON GraphQL request to the service at `url`, as a client app sends it. */
export const postGraphQL = async (url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResponse> =>
  answer(
    await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    }),
  );

export const signInAt = async (url: string, email: string, password: string): Promise<string> => {
  const response = await postGraphQL(url, 'mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }', { input: { username: email, password } });
  const token = response.data?.signIn?.token;
  if (!token) throw new Error(`Sign-in as ${email} failed: ${response.text}`);
  return token;
};

/** uploadEducatorAccounts as a browser sends it: a multipart request with the CSRF preflight header. */
export const uploadTo = async (url: string, token: string, options: UploadOptions): Promise<GraphQLResponse> => {
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
  return answer(await fetch(`${url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' }, body: form }));
};
