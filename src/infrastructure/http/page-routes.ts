import { Router, type Response } from 'express';
import { join } from 'node:path';

/** No script, style, font, image or connection from anywhere but this service; no inline script or style; no framing. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** What every HTML answer carries; `csp` differs only for the development IDE. */
export const setHtmlHeaders = (response: Response, csp = PAGE_CSP): void => {
  response.setHeader('Content-Security-Policy', csp);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
};

/** First path segments that belong to the API (or to files): an unknown path under them is a 404, never the page. */
const NOT_PAGES = new Set(['graphql', 'healthz', 'templates', 'upload-batches', 'graphiql', 'assets']);

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

const FILE_NAME = /^\/[^/]+\.[A-Za-z0-9]+$/;

const NOT_BUILT = 'The web page has not been built yet. Run `npm run build:web` (or `npm start`, which builds it), then reload.\n';

/**
 * The single-page app Vite built into `distDir`: its hashed files under /assets, cached for good (a new build has new
 * names), and index.html for every page route, revalidated on every visit so that a new build is seen at once.
 */
export const pageRoutes = (distDir: string): Router => {
  const router = Router();

  router.get('/assets/*file', (request, response, next) => {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    // send() decodes the path once and refuses any that climbs out of the folder.
    const file = request.path.slice('/assets/'.length);
    response.sendFile(file, { root: join(distDir, 'assets'), maxAge: YEAR_MS, immutable: true }, (error?: Error & { status?: number }) => {
      if (error) next(error.status === 404 ? undefined : error);
    });
  });

  router.get('/{*page}', (request, response, next) => {
    if (NOT_PAGES.has(request.path.split('/')[1].toLowerCase())) return next();
    setHtmlHeaders(response);
    response.setHeader('Cache-Control', 'no-cache');
    // A name with an extension (favicon.ico, robots.txt) is a file Vite copied from web/public, or nothing.
    const file = FILE_NAME.test(request.path) ? request.path.slice(1) : 'index.html';
    response.sendFile(file, { root: distDir, cacheControl: false }, (error?: Error & { status?: number }) => {
      if (!error) return;
      if (error.status !== 404) return next(error);
      if (file !== 'index.html') return next();
      response.status(503).type('text/plain').send(NOT_BUILT);
    });
  });
  return router;
};
