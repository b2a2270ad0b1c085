import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeWebDist {
  dir: string;
  indexHtml: string;
  /** Paths of its hashed files, as the page names them, with their contents. */
  assets: Record<string, string>;
}

/** What `vite build` leaves in web/dist, in miniature: index.html naming hashed files under assets/. */
export const fakeWebDist = (): FakeWebDist => {
  const dir = mkdtempSync(join(tmpdir(), 'educators-web-dist-'));
  const assets = { '/assets/index-3f9a2c1b.js': 'document.title = "Educator accounts";\n', '/assets/index-7d41e0aa.css': 'body { margin: 0; }\n' };
  const indexHtml = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Educator accounts</title>',
    '<script type="module" src="/assets/index-3f9a2c1b.js"></script><link rel="stylesheet" href="/assets/index-7d41e0aa.css">',
    '</head><body><div id="root"></div></body></html>',
    '',
  ].join('\n');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), indexHtml);
  for (const [path, content] of Object.entries(assets)) writeFileSync(join(dir, path), content);
  return { dir, indexHtml, assets };
};
