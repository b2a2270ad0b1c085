import { Router } from 'express';
import { createHash } from 'node:crypto';
import { ruruHTML } from 'ruru/server';
import { getStaticFile } from 'ruru/static';
import { setHtmlHeaders } from './page-routes';

const STATIC_PATH = '/graphiql/static/';

const sha256Sources = (html: string, element: 'script' | 'style'): string[] =>
  [...html.matchAll(new RegExp(`<${element}(?![^>]*\\bsrc=)[^>]*>([\\s\\S]*?)</${element}>`, 'g'))].map(
    ([, body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`,
  );

/**
 * GraphiQL (ruru) for development, served with its own files: nothing comes from a CDN, so it works offline. Its
 * page needs a few inline scripts and a style block, allowed by their hashes alone; its editor (Monaco) adds style
 * elements as it runs, hence `style-src 'unsafe-inline'`, and loads its fonts as data: URLs. Still nothing from any
 * other host, no eval, no framing.
 */
export const graphiqlRoutes = (): Router => {
  // The skeleton ruru shows while loading is drawn with style attributes and scripts that touch it: left out.
  const html = ruruHTML({ endpoint: '/graphql', staticPath: STATIC_PATH, htmlParts: { bodyContent: '<div id="ruru-root"></div>', bodyScripts: '' } });
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${sha256Sources(html, 'script').join(' ')}`,
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
