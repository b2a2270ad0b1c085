import type { Request } from 'express';

/** The token of an `Authorization: Bearer …` header, if the request carries one. */
export const bearerToken = (request: Request): string | undefined => {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
};
