import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { DEMO_SITE_ADMIN_EMAIL } from './dataset';

// The server runs with NODE_ENV=production, which refuses the demo password: the benchmark gives the seeded accounts this one.
export const BENCH_PASSWORD = 'bench-password-not-the-demo-one';

export const graphql = async <T>(baseUrl: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!response.ok || body.errors || !body.data) throw new Error(`GraphQL request failed (${response.status}): ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
};

export interface Session {
  token: string;
  siteId: string;
}

/** A bearer token for a seeded account (which has the benchmark password). */
export const signInAs = async (baseUrl: string, email: string): Promise<string> => {
  const { signIn } = await graphql<{ signIn: { token: string | null; userErrors: unknown[] } }>(
    baseUrl,
    null,
    'mutation($input: SignInInput!) { signIn(input: $input) { token userErrors { code message } } }',
    { input: { username: email, password: BENCH_PASSWORD } },
  );
  if (!signIn.token) throw new Error(`Sign-in refused: ${JSON.stringify(signIn.userErrors)}`);
  return signIn.token;
};

/** Signs in as the demo Site Admin and finds the one site they manage. */
export const signInAsSiteAdmin = async (baseUrl: string): Promise<Session> => {
  const token = await signInAs(baseUrl, DEMO_SITE_ADMIN_EMAIL);
  const { schoolSites } = await graphql<{ schoolSites: { id: string }[] }>(baseUrl, token, '{ schoolSites { id } }');
  if (schoolSites.length !== 1) throw new Error(`Expected the Site Admin to manage one site, got ${schoolSites.length}`);
  return { token, siteId: schoolSites[0].id };
};

const UPLOAD_MUTATION =
  'mutation($input: UploadEducatorAccountsInput!) { uploadEducatorAccounts(input: $input) { batch { id status totalRows rejectionReason } userErrors { code message } } }';

export interface UploadAnswer {
  batch: { id: string; status: string; totalRows: number | null; rejectionReason: string | null } | null;
  userErrors: { code: string; message: string }[];
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** One real multipart request (graphql-multipart-request-spec), the file streamed from disk as curl -F would. */
export const uploadFile = (baseUrl: string, session: Session, path: string, bytes: number): Promise<UploadAnswer> => {
  const boundary = `----bench${randomBytes(12).toString('hex')}`;
  const operations = JSON.stringify({ query: UPLOAD_MUTATION, variables: { input: { schoolSiteId: session.siteId, file: null, agreementAccepted: true } } });
  const field = (name: string, value: string): string => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head = Buffer.from(
    `${field('operations', operations)}${field('map', JSON.stringify({ 0: ['variables.input.file'] }))}` +
      `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="${basename(path)}"\r\nContent-Type: ${path.endsWith('.xlsx') ? XLSX_TYPE : 'text/csv'}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body(): AsyncGenerator<Buffer> {
    yield head;
    yield* createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>;
    yield tail;
  }
  return new Promise((resolveAnswer, reject) => {
    const request = httpRequest(
      `${baseUrl}/graphql`,
      {
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + bytes + tail.length,
          authorization: `Bearer ${session.token}`,
          'apollo-require-preflight': 'true',
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            const parsed = JSON.parse(text) as { data?: { uploadEducatorAccounts: UploadAnswer }; errors?: unknown };
            if (!parsed.data) throw new Error(JSON.stringify(parsed.errors));
            resolveAnswer(parsed.data.uploadEducatorAccounts);
          } catch (error) {
            reject(new Error(`Upload failed (${response.statusCode}): ${text.slice(0, 500)} ${String(error)}`));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    Readable.from(body()).pipe(request);
  });
};

export interface BatchState {
  status: string;
  totalRows: number | null;
  recordsProcessed: number;
  recordsCreated: number;
  recordsSkipped: number;
  recordsFailed: number;
  createdAt: string;
  startTime: string | null;
  endTime: string | null;
  rejectionReason: string | null;
  failureReason: string | null;
}

export const readBatch = async (baseUrl: string, session: Session, id: string): Promise<BatchState> => {
  const { uploadBatch } = await graphql<{ uploadBatch: BatchState | null }>(
    baseUrl,
    session.token,
    'query($id: ID!) { uploadBatch(id: $id) { status totalRows recordsProcessed recordsCreated recordsSkipped recordsFailed createdAt startTime endTime rejectionReason failureReason } }',
    { id },
  );
  if (!uploadBatch) throw new Error(`Batch ${id} is not visible to its uploader`);
  return uploadBatch;
};
