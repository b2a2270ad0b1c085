import type { Server, ServerResponse } from 'node:http';

export interface GracefulClose {
  /** Resolves once every connection has ended: on its own within `graceMs`, or cut when that has passed. */
  close(graceMs: number): Promise<void>;
}

/**
 * Call right after creating the server. On close it stops accepting connections, closes idle keep-alive connections at
 * once, and lets the requests in flight finish (an upload still arriving gets its answer), each answer then closing its
 * connection, so that none lingers until its keep-alive timeout.
 */
export const gracefulClose = (server: Server): GracefulClose => {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const lastOnItsConnection = (response: ServerResponse): void => {
    if (!response.headersSent) response.setHeader('connection', 'close');
  };
  // Before the application's listener, which may answer at once: headers can be set only before they are sent.
  server.prependListener('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
    if (closing) lastOnItsConnection(response);
  });
  return {
    close: (graceMs) =>
      new Promise((closed) => {
        closing = true;
        for (const response of inFlight) lastOnItsConnection(response);
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          closed();
        });
        server.closeIdleConnections();
      }),
  };
};
