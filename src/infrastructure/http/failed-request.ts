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
  if (!clientsToFix) log('Unexpected error while answering an HTTP request', { path, error: error instanceof Error ? error.stack : String(error) });
  else if (reason !== undefined) log('Refused a request the client has to fix', { path, status, reason: reason.split('\n')[0].slice(0, 300) });
  // Part of an answer is out: the client must not take it for the whole.
  if (response.headersSent) return void response.destroy();
  // The rest of a body refused unread is not read either: the connection goes.
  if (!request.complete) response.setHeader('connection', 'close');
  if (clientsToFix) sendJson(response, status, { error: CLIENT_MESSAGES[status] ?? 'The request is malformed.' });
  else sendJson(response, 500, { error: 'Something went wrong on our side. Please try again.' });
};
