import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorLogger } from '../graphql/error-formatting';

type ClientError = Error & { status: number; reason?: string };

/**
 * A request the client has to fix (the status says how); answered without details by answerFailedRequest. A `reason`,
 * where one is worth keeping, goes to the log on one line.
 */
export const clientError = (status: number, reason?: string): ClientError => Object.assign(new Error(`HTTP ${status}`), { status, reason });

const CLIENT_MESSAGES: Record<number, string> = {
  408: 'The request took too long to arrive.',
  413: 'The request is too large.',
};

const DROP_AT_MOST_BYTES = 1024 * 1024;
const DROP_FOR_AT_MOST_MS = 2_000;

/**
 * For a body refused unread: what the client is still sending is read and dropped, at most 1 MiB for 2 s, and past
 * that the connection ends once the answer is out. Closed along with the answer, the connection would be reset under
 * a client still sending, which then saw a network error instead of the answer (most runs on Node 24, some on Node 20).
 */
export const dropRestOfBody = (request: IncomingMessage, response: ServerResponse): void => {
  if (request.complete) return;
  const { socket } = request;
  const readBefore = socket.bytesRead;
  const end = (): void => {
    clearTimeout(deadline);
    request.pause();
    if (response.writableFinished) socket.destroy();
    else response.once('finish', () => socket.destroy());
  };
  const deadline = setTimeout(end, DROP_FOR_AT_MOST_MS).unref();
  request.unpipe();
  request.removeAllListeners('data');
  request.on('data', () => socket.bytesRead - readBefore > DROP_AT_MOST_BYTES && end());
  request.once('end', () => clearTimeout(deadline));
  request.resume();
};

const sendJson = (response: ServerResponse, status: number, body: object): void => {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
};

/**
 * The answer to a request that failed outside GraphQL's own error handling. Broken JSON, an oversized or late body or a
 * broken multipart request is the client's to fix: say so, without details. Anything else is logged and masked, never
 * printed to the client with its stack.
 */
export const answerFailedRequest = (log: ErrorLogger, error: unknown, request: IncomingMessage, response: ServerResponse): void => {
  const { status, reason } = error as Partial<ClientError>;
  const clientsToFix = typeof status === 'number' && status >= 400 && status < 500;
  const path = (request.url ?? '').split('?')[0];
  if (!clientsToFix)
    log('Unexpected error while answering an HTTP request', { level: 'error', path, error: error instanceof Error ? error.stack : String(error) });
  else if (reason !== undefined) log('Refused a request the client has to fix', { path, status, reason: reason.split('\n')[0].slice(0, 300) });
  // Part of an answer is out: the client must not take it for the whole.
  if (response.headersSent) return void response.destroy();
  dropRestOfBody(request, response);
  if (clientsToFix) sendJson(response, status, { error: CLIENT_MESSAGES[status] ?? 'The request is malformed.' });
  else sendJson(response, 500, { error: 'Something went wrong on our side. Please try again.' });
};
