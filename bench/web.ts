import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

/**
 * The page's budget (`npm run bench:web`, after `npm run build:web`): the JavaScript of its first load, gzipped, per
 * chunk, and the time Chromium takes to render an upload log of 100 batches. Prints both; not part of `npm test`.
 */

const ROOT = resolve(__dirname, '..', '..');
const DIST = join(ROOT, 'web', 'dist');
const HARNESS = join(ROOT, 'bench', '.data', 'web-render');
const FIRST_LOAD_BUDGET_KB = 250;
const RENDER_BUDGET_MS = 100;
const RUNS = 15;

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

interface Chunk {
  file: string;
  bytes: number;
  gzipped: number;
  firstLoad: boolean;
}

/** Every JavaScript chunk Vite built; those index.html loads (its entry and what it preloads) are the first load. */
const chunks = (): Chunk[] => {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const loaded = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((match) => match[1]));
  return readdirSync(join(DIST, 'assets'))
    .filter((file) => file.endsWith('.js'))
    .map((file) => {
      const content = readFileSync(join(DIST, 'assets', file));
      return { file, bytes: content.length, gzipped: gzipSync(content, { level: 9 }).length, firstLoad: loaded.has(file) };
    })
    .sort((a, b) => Number(b.firstLoad) - Number(a.firstLoad) || b.gzipped - a.gzipped);
};

const otherAssets = (): { css: number; cssGzipped: number; fonts: number; fontFiles: number } => {
  const files = readdirSync(join(DIST, 'assets'));
  const css = files.filter((file) => file.endsWith('.css')).map((file) => readFileSync(join(DIST, 'assets', file)));
  const fonts = files.filter((file) => /\.(woff2?|ttf)$/.test(file));
  return {
    css: css.reduce((sum, content) => sum + content.length, 0),
    cssGzipped: css.reduce((sum, content) => sum + gzipSync(content, { level: 9 }).length, 0),
    fonts: fonts.reduce((sum, file) => sum + statSync(join(DIST, 'assets', file)).size, 0),
    fontFiles: fonts.length,
  };
};

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.svg': 'image/svg+xml' };

const serve = (dir: string): Promise<Server> =>
  new Promise((listening) => {
    const server = createServer((request, response) => {
      const path = join(dir, decodeURIComponent((request.url ?? '/').split('?')[0]));
      const file = path.startsWith(dir) && existsSync(path) && statSync(path).isFile() ? path : join(dir, 'index.html');
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(response);
    });
    server.listen(0, '127.0.0.1', () => listening(server));
  });

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Renders the page's own log table (bench/web-render) with 100 batches, RUNS times, in Debian's Chromium. */
const renderTimes = async (rows: number): Promise<{ committed: number[]; laidOut: number[]; painted: number[] }> => {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'bench', 'web-render', 'vite.config.mts')],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  const server = await serve(HARNESS);
  const profile = mkdtempSync(join(tmpdir(), 'bench-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction('document.title === "ready"');
    const committed: number[] = [];
    const laidOut: number[] = [];
    const painted: number[] = [];
    // The first two runs warm the JIT and the font cache up; they are not counted.
    for (let run = 0; run < RUNS + 2; run += 1) {
      const times = await page.evaluate<{ committedMs: number; laidOutMs: number; paintedMs: number }>(`window.renderLog(${rows})`);
      if (run < 2) continue;
      committed.push(times.committedMs);
      laidOut.push(times.laidOutMs);
      painted.push(times.paintedMs);
    }
    return { committed, laidOut, painted };
  } finally {
    await browser.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
};

const main = async (): Promise<void> => {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first.');
  const built = chunks();
  console.log('JavaScript chunks (gzip -9):');
  for (const chunk of built)
    console.log(
      `  ${chunk.firstLoad ? 'first load' : 'on demand '}  ${chunk.file.padEnd(34)} ${kb(chunk.bytes).padStart(7)} KB` +
        `  ${kb(chunk.gzipped).padStart(6)} KB gzipped`,
    );
  const firstLoad = built.filter((chunk) => chunk.firstLoad).reduce((sum, chunk) => sum + chunk.gzipped, 0);
  console.log(
    `First load: ${kb(firstLoad)} KB of JavaScript gzipped (budget ${FIRST_LOAD_BUDGET_KB} KB): ${firstLoad <= FIRST_LOAD_BUDGET_KB * 1024 ? 'met' : 'MISSED'}`,
  );
  const other = otherAssets();
  console.log(
    `Besides: CSS ${kb(other.css)} KB (${kb(other.cssGzipped)} KB gzipped); ` +
      `${other.fontFiles} font files, ${kb(other.fonts)} KB, fetched only when a style uses them`,
  );

  const rows = 100;
  const { committed, laidOut, painted } = await renderTimes(rows);
  const worst = (values: number[]) => Math.max(...values);
  console.log(`Upload log of ${rows} batches, ${RUNS} renders in Chromium:`);
  console.log(`  render to commit (React): median ${median(committed).toFixed(1)} ms, worst ${worst(committed).toFixed(1)} ms`);
  console.log(`  render to styles and layout computed: median ${median(laidOut).toFixed(1)} ms, worst ${worst(laidOut).toFixed(1)} ms`);
  console.log(`  render to next frame (paint included): median ${median(painted).toFixed(1)} ms, worst ${worst(painted).toFixed(1)} ms`);
  console.log(
    `  fastest: commit ${Math.min(...committed).toFixed(1)} ms, layout ${Math.min(...laidOut).toFixed(1)} ms, frame ${Math.min(...painted).toFixed(1)} ms`,
  );
  console.log(`  each (to next frame): ${painted.map((value) => value.toFixed(0)).join(', ')} ms`);
  console.log(`  budget ${RENDER_BUDGET_MS} ms: ${median(painted) < RENDER_BUDGET_MS ? 'met' : 'MISSED'}`);
  if (firstLoad > FIRST_LOAD_BUDGET_KB * 1024 || median(painted) >= RENDER_BUDGET_MS) process.exitCode = 1;
};

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
