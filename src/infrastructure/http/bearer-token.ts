import type { IncomingMessage } from 'node:http';

/** The token of an `Authorization: Bearer …` header, if the request carries one. */
export const bearerToken = (request: Pick<IncomingMessage, 'headers'>): string | undefined => {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
};
