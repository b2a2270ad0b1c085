import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { processRequest, type UploadOptions } from 'graphql-upload-ts';
import type { Viewer } from '../../application/identify-actor';
import type { RequestContext } from '../graphql/context';
import type { ErrorLogger } from '../graphql/error-formatting';
import { answerFailedRequest, clientError } from './failed-request';
import { credentialsOf } from './session-cookie';
import type { BuiltAnswer, UploadLogCache } from './upload-log-cache';

export interface GraphQLEndpointDependencies {
  apollo: ApolloServer<RequestContext>;
  uploadLogCache: UploadLogCache;
  /** The context of one request; `viewer` is given when the request was already identified (undefined: not yet). */
  contextFor(request: IncomingMessage, response: ServerResponse, viewer: Viewer | null | undefined): Promise<RequestContext>;
  limits: { jsonBytes: number; upload: UploadOptions };
  log: ErrorLogger;
}

/**
 * `/graphql` on Node's own request and response, without Express. Under 50 connections of createEducatorAccount,
 * Express's router, JSON body parser, upload check and response helpers took about 40% of the API's CPU (0.34 ms a
 * creation with them, 0.20 ms without, in interleaved runs), and the closures its router makes per request lived as
 * long as the request, so that they made up ~40% of what the young generation promoted. JSON bodies are read here;
 * multipart uploads go to graphql-upload-ts's processRequest, as its Express middleware did.
 */
export const graphqlEndpoint = (deps: GraphQLEndpointDependencies) => {
  const answer = async (request: IncomingMessage, response: ServerResponse, body: unknown, viewer: Viewer | null | undefined, keep?: (answer: BuiltAnswer) => void) => {
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const result = await deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (request.method ?? 'GET').toUpperCase(), headers, search: query < 0 ? '' : url.slice(query), body },
      context: () => deps.contextFor(request, response, viewer),
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
    const body = await readJsonBody(request, deps.limits.jsonBytes);
    const lookup = await deps.uploadLogCache.lookUp({ body, credentials: credentialsOf(request), accept: request.headers.accept });
    if (lookup.kept) {
      response.setHeader('content-type', lookup.kept.contentType);
      response.end(lookup.kept.body);
      return;
    }
    await answer(request, response, body, lookup.viewer, lookup.keep);
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // Staff data must stay out of browser and proxy caches, whatever the answer.
    response.setHeader('cache-control', 'no-store');
    try {
      const type = mediaTypeOf(request);
      if (request.method === 'POST' && type === 'application/json') return await answerJson(request, response);
      // Any other body is not parsed: Apollo refuses the POST (CSRF prevention first, for the types a form can send).
      const body = request.method === 'POST' && type === 'multipart/form-data' ? await processRequest(request, response, deps.limits.upload) : undefined;
      await answer(request, response, body, undefined);
    } catch (error) {
      answerFailedRequest(deps.log, error, request, response);
    }
  };
};

const mediaTypeOf = (request: IncomingMessage): string => (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

const charsetOf = (request: IncomingMessage): string | undefined => /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();

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
 * A JSON object or array of at most `limit` bytes (after inflating), in UTF-8. A body over the limit is refused
 * without reading the rest (answerFailedRequest then closes the connection).
 */
const readJsonBody = async (request: IncomingMessage, limit: number): Promise<unknown> => {
  if (Number(request.headers['content-length']) > limit) throw clientError(413);
  const charset = charsetOf(request);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw clientError(415);
  const source = decodedBody(request);
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      source.removeAllListeners('data');
      source.pause();
      reject(clientError(413));
    });
    source.once('end', () => resolve(Buffer.concat(chunks, size)));
    // Broken compression, or the client went away before the body was complete.
    source.once('error', () => reject(clientError(400)));
    request.once('close', () => request.complete || reject(clientError(400)));
  });
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
