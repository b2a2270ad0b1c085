import { HeaderMap, type ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { processRequest, type UploadOptions } from 'graphql-upload-ts';
import type { Viewer } from '../../application/identify-actor';
import type { RequestContext } from '../graphql/context';
import type { ErrorLogger } from '../graphql/error-formatting';
import { answerFailedRequest, clientError, dropRestOfBody } from './failed-request';
import { credentialsOf } from './session-cookie';
import type { BuiltAnswer, AnswerCache } from './answer-cache';

export interface GraphQLEndpointDependencies {
  apollo: ApolloServer<RequestContext>;
  answerCache: AnswerCache;
  /** The context of one request; `viewer` is given when the request was already identified (undefined: not yet). */
  contextFor(request: IncomingMessage, response: ServerResponse, viewer: Viewer | null | undefined): Promise<RequestContext>;
  limits: { jsonBytes: number; jsonBodyMs: number; upload: UploadOptions };
  log: ErrorLogger;
}

/** Apollo's CSRF prevention lets a multipart request through only with one of these headers, not empty. */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'] as const;

// Every multipart request is an upload, and uploads are for signed-in staff only.
const notSignedIn = (): GraphQLError => new GraphQLError('Sign in first.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

/**
 * `/graphql` on Node's own request and response, without Express, whose per-request work dominated the API's CPU
 * (docs/adr/0006). JSON bodies are read here; multipart uploads go to graphql-upload-ts's processRequest, as its
 * Express middleware did.
 */
export const graphqlEndpoint = (deps: GraphQLEndpointDependencies) => {
  const answer = async (
    request: IncomingMessage,
    response: ServerResponse,
    body: unknown,
    context: () => Promise<RequestContext>,
    keep?: (answer: BuiltAnswer) => void,
  ) => {
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const result = await deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (request.method ?? 'GET').toUpperCase(), headers, search: query < 0 ? '' : url.slice(query), body },
      context,
    });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      keep?.({ status: response.statusCode, contentType: result.headers.get('content-type') ?? '', body: result.body.string });
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };

  const answerJson = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readJsonBody(request, deps.limits.jsonBytes, deps.limits.jsonBodyMs);
    const lookup = await deps.answerCache.lookUp({ body, credentials: credentialsOf(request), accept: request.headers.accept });
    if (lookup.kept) {
      response.setHeader('content-type', lookup.kept.contentType);
      response.end(lookup.kept.body);
      return;
    }
    try {
      await answer(request, response, body, () => deps.contextFor(request, response, lookup.viewer), lookup.keep);
    } finally {
      lookup.settle?.();
    }
  };

  /**
   * CSRF prevention and sign-in are checked before a byte of the body is read: anyone may send a broken or endless body,
   * and only a request Apollo would run from someone signed in is worth parsing. Apollo refuses a missing preflight
   * header itself, before it asks for the context; the context then refuses whoever is not signed in. The request is
   * identified by contextFor, as every other request is, whatever credential it carries.
   */
  const answerMultipart = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const context = PREFLIGHT_HEADERS.some((name) => Boolean(request.headers[name])) ? await deps.contextFor(request, response, undefined) : undefined;
    if (!context?.viewer) {
      dropRestOfBody(request, response);
      return answer(request, response, undefined, () => Promise.reject(notSignedIn()));
    }
    const body = await processRequest(request, response, deps.limits.upload).catch((error: unknown) => {
      throw malformedUpload(error);
    });
    await answer(request, response, body, async () => context);
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // Staff data must stay out of browser and proxy caches, whatever the answer.
    response.setHeader('cache-control', 'no-store');
    try {
      const type = mediaTypeOf(request);
      if (request.method === 'POST' && type === 'application/json') return await answerJson(request, response);
      if (request.method === 'POST' && type === 'multipart/form-data') return await answerMultipart(request, response);
      // Any other body is not parsed: Apollo refuses the POST (CSRF prevention first, for the types a form can send).
      await answer(request, response, undefined, () => deps.contextFor(request, response, undefined));
    } catch (error) {
      answerFailedRequest(deps.log, error, request, response);
    }
  };
};

/**
 * graphql-upload-ts refuses what breaks the multipart spec with an HTTP status; busboy's own refusals (no boundary, a
 * body that ends early, a broken part header) come without one, but they too are the client's body.
 */
const malformedUpload = (error: unknown): Error => {
  const status = (error as { status?: unknown }).status;
  const reason = error instanceof Error ? error.message : String(error);
  return clientError(typeof status === 'number' && status >= 400 && status < 500 ? status : 400, reason);
};

const mediaTypeOf = (request: IncomingMessage): string => (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

const charsetOf = (request: IncomingMessage): string | undefined =>
  /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();

/** The body, inflated as its Content-Encoding says: the encodings Express's JSON parser took. */
const decodedBody = (request: IncomingMessage): Readable => {
  switch ((request.headers['content-encoding'] ?? 'identity').toLowerCase()) {
    case 'identity':
      return request;
    case 'gzip':
      return request.pipe(createGunzip());
    case 'deflate':
      return request.pipe(createInflate());
    case 'br':
      return request.pipe(createBrotliDecompress());
    default:
      throw clientError(415);
  }
};

/**
 * A JSON object or array of at most `limit` bytes (after inflating), in UTF-8, arrived within `timeoutMs`. A body over
 * the limit or late is refused without reading the rest (answerFailedRequest then drops what still comes, within bounds).
 */
const readJsonBody = async (request: IncomingMessage, limit: number, timeoutMs: number): Promise<unknown> => {
  if (Number(request.headers['content-length']) > limit) throw clientError(413);
  const charset = charsetOf(request);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw clientError(415);
  const source = decodedBody(request);
  let late: NodeJS.Timeout | undefined;
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stopReading = (status: number): void => {
      source.removeAllListeners('data');
      source.pause();
      reject(clientError(status));
    };
    // A body trickled a byte at a time would hold its connection open for as long as the idle timeout allows each byte.
    late = setTimeout(() => stopReading(408), timeoutMs);
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stopReading(413);
    });
    source.once('end', () => resolve(Buffer.concat(chunks, size)));
    // Broken compression, or the client went away before the body was complete.
    source.once('error', () => reject(clientError(400)));
    request.once('close', () => request.complete || reject(clientError(400)));
  }).finally(() => clearTimeout(late));
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw clientError(400);
  }
  // As Express's parser in strict mode: a GraphQL request is an object (or a batch, which Apollo refuses).
  if (typeof parsed !== 'object' || parsed === null) throw clientError(400);
  return parsed;
};
