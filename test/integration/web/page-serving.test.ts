import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOnEachDatabase } from '../../support/databases';
import { startTestServer, type TestServer } from '../../support/test-server';
import { fakeWebDist, type FakeWebDist } from '../../support/web-dist';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface Fetched {
  status: number;
  headers: Headers;
  text: string;
}

const get = async (server: TestServer, path: string, init: RequestInit = {}): Promise<Fetched> => {
  const response = await fetch(`${server.url}${path}`, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
};

/** A request whose path is sent exactly as written: fetch would resolve dot segments first. */
const rawGet = (server: TestServer, path: string): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.url);
    request({ hostname, port, path }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, text }));
    })
      .on('error', reject)
      .end();
  });

const htmlHeaders = (answer: Fetched) => ({
  csp: answer.headers.get('content-security-policy'),
  nosniff: answer.headers.get('x-content-type-options'),
  referrer: answer.headers.get('referrer-policy'),
});

describeOnEachDatabase('The web page served at / (web/dist)', (database) => {
  let server: TestServer;
  let web: FakeWebDist;

  before(async () => {
    web = fakeWebDist();
    server = await startTestServer(database, {}, { webDist: web.dir });
  });
  after(async () => {
    await server?.close();
  });

  it('when a page route is asked, then index.html answers, revalidated on every visit, with the strict CSP, nosniff and no referrer', async () => {
    for (const path of ['/', '/register', '/batches/AbC-123_x', '/some/deeper/route?tab=log']) {
      const answer = await get(server, path);

      expect([answer.status, answer.headers.get('content-type'), answer.headers.get('cache-control'), answer.text], path).to.deep.equal([
        200,
        'text/html; charset=utf-8',
        'no-cache',
        web.indexHtml,
      ]);
      expect(htmlHeaders(answer), path).to.deep.equal({ csp: CSP, nosniff: 'nosniff', referrer: 'no-referrer' });
    }
  });

  it('when index.html is rebuilt while the server runs, then the next visit gets the new one', async () => {
    const rebuilt = web.indexHtml.replace('Educator accounts', 'Educator accounts, rebuilt');
    writeFileSync(join(web.dir, 'index.html'), rebuilt);
    try {
      expect((await get(server, '/register')).text).to.equal(rebuilt);
    } finally {
      writeFileSync(join(web.dir, 'index.html'), web.indexHtml);
    }
  });

  it('when a hashed asset is asked, then its bytes answer with its type, cached for a year as immutable', async () => {
    const script = await get(server, '/assets/index-3f9a2c1b.js');
    const style = await get(server, '/assets/index-7d41e0aa.css');

    expect([script.status, script.headers.get('content-type'), script.headers.get('cache-control'), script.text]).to.deep.equal([
      200,
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
      web.assets['/assets/index-3f9a2c1b.js'],
    ]);
    expect([style.status, style.headers.get('content-type'), style.headers.get('cache-control')]).to.deep.equal([
      200,
      'text/css; charset=utf-8',
      'public, max-age=31536000, immutable',
    ]);
    expect(script.headers.get('x-content-type-options')).to.equal('nosniff');
  });

  it('when an asset that does not exist, or a path out of the assets folder, is asked, then it is refused and never answered with the page', async () => {
    for (const path of ['/assets/index-00000000.js', '/assets/..%2Findex.html', '/assets/%2e%2e/index.html', '/assets/../../package.json']) {
      const answer = await rawGet(server, path);

      expect(answer.status, path).to.be.oneOf([403, 404]);
      expect(answer.text, path).to.not.contain('<div id="root">').and.not.contain('"name"');
    }
  });

  it('when a file name at the top is asked, then the file Vite copied there answers, a missing one is a 404, and dotfiles stay hidden', async () => {
    writeFileSync(join(web.dir, 'robots.txt'), 'User-agent: *\nDisallow: /\n');
    writeFileSync(join(web.dir, '.source-hash'), 'abc\n');
    writeFileSync(join(web.dir, '.env.local'), 'SECRET=1\n');

    const robots = await get(server, '/robots.txt');

    expect([robots.status, robots.text]).to.deep.equal([200, 'User-agent: *\nDisallow: /\n']);
    expect((await get(server, '/favicon.ico')).status).to.equal(404);
    expect((await get(server, '/.env.local')).status).to.equal(404);
    expect((await get(server, '/.source-hash')).text).to.equal(web.indexHtml);
  });

  it('when a path of the API that no route answers is asked, then it is a 404 and not the page; the API routes answer as before', async () => {
    for (const path of ['/graphql/stream', '/healthz/more', '/templates/other.csv', '/upload-batches/abc', '/upload-batches/abc/other.csv', '/Templates/x']) {
      const answer = await get(server, path);

      expect([answer.status, answer.text.includes('<div id="root">')], path).to.deep.equal([404, false]);
    }
    expect(JSON.parse((await get(server, '/healthz')).text)).to.deep.equal({ ok: true });
    expect((await get(server, '/templates/educator-accounts.csv')).status).to.equal(401);
    const graphql = await get(server, '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(JSON.parse(graphql.text)).to.deep.equal({ data: { __typename: 'Query' } });
  });

  it('when something other than GET or HEAD is sent to a page route, then it is a 404', async () => {
    expect((await get(server, '/register', { method: 'POST', body: 'x' })).status).to.equal(404);
    expect((await get(server, '/register', { method: 'HEAD' })).status).to.equal(200);
  });
});

describeOnEachDatabase('The web page before `npm run build:web`', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database, {}, { webDist: mkdtempSync(join(tmpdir(), 'educators-web-unbuilt-')) });
  });
  after(async () => {
    await server?.close();
  });

  it('when web/dist holds no index.html, then / answers a plain 503 saying to run npm run build:web, with the HTML headers', async () => {
    const answer = await get(server, '/');

    expect([answer.status, answer.headers.get('content-type')]).to.deep.equal([503, 'text/plain; charset=utf-8']);
    expect(answer.text).to.contain('npm run build:web');
    expect(htmlHeaders(answer)).to.deep.equal({ csp: CSP, nosniff: 'nosniff', referrer: 'no-referrer' });
  });
});

/** Every script and style the page loads: src and href attributes and the modules its inline scripts import. */
const loadedUrls = (html: string): string[] => [
  ...[...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]),
  ...[...html.matchAll(/\bfrom\s+"([^"]+)"/g)].map((match) => match[1]),
  ...[...html.matchAll(/worker\("([^"]+)"\)/g)].map((match) => `/graphiql/static/${match[1]}`),
];

const inlineScriptHashes = (html: string): string[] =>
  [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(([, body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);

describeOnEachDatabase('GraphiQL at /graphiql (development)', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database);
  });
  after(async () => {
    await server?.close();
  });

  it('when /graphiql is opened, then every script and style it loads is on this origin and answers 200', async () => {
    const page = await get(server, '/graphiql');
    const urls = loadedUrls(page.text);

    expect([page.status, page.headers.get('content-type')]).to.deep.equal([200, 'text/html; charset=utf-8']);
    expect(urls).to.include.members(['/graphiql/static/ruru.js', '/graphiql/static/ruru.css', '/graphiql/static/jsonWorker.js']);
    for (const url of urls) {
      expect(url, url).to.match(/^\/(?!\/)/);
      const file = await get(server, url);
      expect(file.status, url).to.equal(200);
      expect(file.headers.get('content-type'), url).to.match(/^(text\/javascript|text\/css)/);
    }
  });

  it('when /graphiql is opened, then it points at /graphql and its CSP allows its own inline scripts by hash, and nothing from another host', async () => {
    const page = await get(server, '/graphiql');
    const csp = page.headers.get('content-security-policy')!;
    const directives = new Map(csp.split('; ').map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)] as const));

    expect(page.text).to.contain('"endpoint": "/graphql"');
    expect(directives.get('script-src')).to.deep.equal(["'self'", ...inlineScriptHashes(page.text)]);
    expect(inlineScriptHashes(page.text)).to.have.length(3);
    expect(Object.fromEntries([...directives].filter(([name]) => name !== 'script-src'))).to.deep.equal({
      'default-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'worker-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    });
    expect([page.headers.get('x-content-type-options'), page.headers.get('referrer-policy')]).to.deep.equal(['nosniff', 'no-referrer']);
  });

  it('when a static file is asked again with its ETag, then 304 answers without the body; an unknown file is a 404', async () => {
    const first = await fetch(`${server.url}/graphiql/static/ruru.css`);
    const again = await get(server, '/graphiql/static/ruru.css', { headers: { 'if-none-match': first.headers.get('etag')! } });

    expect([again.status, again.text]).to.deep.equal([304, '']);
    expect((await get(server, '/graphiql/static/nothing-here.js')).status).to.equal(404);
  });
});

describeOnEachDatabase('GraphiQL in production', (database) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer(database, { production: true, introspection: false });
  });
  after(async () => {
    await server?.close();
  });

  it('when NODE_ENV=production, then /graphiql and its files are 404, and the page is still served', async () => {
    expect((await get(server, '/graphiql')).status).to.equal(404);
    expect((await get(server, '/graphiql/static/ruru.js')).status).to.equal(404);
    expect((await get(server, '/register')).status).to.equal(200);
  });
});
