import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Credentials } from '../../application/identify-actor';
import type { SessionCookieJar } from '../graphql/context';
import { bearerToken } from './bearer-token';

export const SESSION_COOKIE = 'edu_session';

/** The secret of the session cookie, if the request carries one (the first, should a browser send several). */
export const sessionSecret = (request: Pick<IncomingMessage, 'headers'>): string | undefined => {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const equals = pair.indexOf('=');
    if (equals > 0 && pair.slice(0, equals).trim() === SESSION_COOKIE) return pair.slice(equals + 1).trim() || undefined;
  }
  return undefined;
};

/** Whatever a request shows of who sent it; IdentifyActor decides what it is worth. */
export const credentialsOf = (request: Pick<IncomingMessage, 'headers'>): Credentials => ({
  bearerToken: bearerToken(request),
  sessionSecret: sessionSecret(request),
});

/**
 * Out of reach of the page's scripts (HttpOnly), never sent with a request another site starts (SameSite=Strict), and
 * over https only when the service is reached by https. No Max-Age: the browser forgets it when it closes, and the
 * server ends it sooner (SESSION_IDLE_MINUTES, SESSION_MAX_HOURS).
 */
const cookie = (value: string, secure: boolean, extra = ''): string =>
  `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${extra}${secure ? '; Secure' : ''}`;

/** The session cookie of one request: what it carries, and how the answer sets or clears it (when there is an answer to set it on). */
export const sessionCookieJar = (request: IncomingMessage, response: ServerResponse | undefined, secure: boolean): SessionCookieJar => {
  const setCookie = (value: string): void => {
    if (!response) throw new Error('This request has no answer to set a cookie on: sessions start and end at /graphql.');
    response.appendHeader('set-cookie', value);
  };
  return { secret: sessionSecret(request), set: (secret) => setCookie(cookie(secret, secure)), clear: () => setCookie(cookie('', secure, '; Max-Age=0')) };
};
