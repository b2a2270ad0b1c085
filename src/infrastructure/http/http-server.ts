import { createServer, type RequestListener, type Server } from 'node:http';
import type { Config } from '../../processes/config';

/**
 * Node's HTTP server with this service's timeouts. Node's own requestTimeout (300 s) cuts a whole request, and with it a
 * large file arriving slowly from a school network, so it is off: a connection is closed once nothing has moved either
 * way for IDLE_TIMEOUT_SECONDS, headers must arrive within HEADERS_TIMEOUT_SECONDS, and a JSON body within
 * JSON_BODY_TIMEOUT_SECONDS (graphql-endpoint.ts).
 */
export const createHttpServer = (handleRequest: RequestListener, config: Pick<Config, 'idleTimeoutSeconds' | 'headersTimeoutSeconds'>): Server => {
  const headersTimeout = config.headersTimeoutSeconds * 1000;
  // Node checks header deadlines every connectionsCheckingInterval (30 s by default): a shorter deadline needs checks as often.
  const server = createServer({ requestTimeout: 0, headersTimeout, connectionsCheckingInterval: Math.min(headersTimeout, 30_000) }, handleRequest);
  // Any byte read or written restarts this; with no listener for 'timeout', Node destroys the idle socket.
  server.timeout = config.idleTimeoutSeconds * 1000;
  return server;
};
