import { Router } from 'express';
import { createHash } from 'node:crypto';
import { ruruHTML } from 'ruru/server';
import { getStaticFile } from 'ruru/static';
import { setHtmlHeaders } from './page-routes';

const STATIC_PATH = '/graphiql/static/';

/** CSP sources that allow exactly the page's inline scripts. */
const inlineScriptHashes = (html: string): string[] =>
  [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(([, body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);

/**
 * GraphiQL (ruru) for development, served with its own files: nothing comes from a CDN, so it works offline. Its
 * page needs three inline scripts, allowed by their hashes alone. Its editor (Monaco) sets inline styles as it runs,
 * which Chromium refused under `style-src 'self'` (hence 'unsafe-inline' there), and loads its icon font as a data:
 * URL. Still nothing from any other host, no eval, no framing.
 */
export const graphiqlRoutes = (): Router => {
  // The skeleton ruru shows while loading is drawn with style attributes and scripts that touch it: left out.
  const html = ruruHTML({ endpoint: '/graphql', staticPath: STATIC_PATH, htmlParts: { bodyContent: '<div id="ruru-root"></div>', bodyScripts: '' } });
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${inlineScriptHashes(html).join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

  const router = Router();
  router.get('/graphiql', (_request, response) => {
    setHtmlHeaders(response, csp);
    response.setHeader('Cache-Control', 'no-cache');
    response.type('html').send(html);
  });
  router.get(`${STATIC_PATH}*file`, async (request, response, next) => {
    const file = await getStaticFile({
      staticPath: STATIC_PATH,
      urlPath: request.path,
      acceptEncoding: request.headers['accept-encoding'],
      disallowDevAssets: true,
    });
    if (!file) return next();
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'no-cache');
    if (request.headers['if-none-match'] === file.headers.etag) return void response.status(304).end();
    response.set(file.headers).end(file.content);
  });
  return router;
};
