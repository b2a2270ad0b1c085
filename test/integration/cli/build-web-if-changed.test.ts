import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '../../../../scripts/build-web-if-changed.mjs');

/** Plays `vite build`: empties web/dist, writes an index.html and counts its runs; fails while a file FAIL exists. */
const FAKE_BUILD = `
const fs = require('node:fs');
if (fs.existsSync('FAIL')) process.exit(3);
fs.rmSync('web/dist', { recursive: true, force: true });
fs.mkdirSync('web/dist/assets', { recursive: true });
fs.writeFileSync('web/dist/index.html', '<!doctype html>');
fs.appendFileSync('builds.log', 'built\\n');
`;

describe('scripts/build-web-if-changed.mjs (`npm start` builds the page when web/ changed) [real processes]', () => {
  let project: string;

  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'build-web-'));
    mkdirSync(join(project, 'scripts'));
    copyFileSync(SCRIPT, join(project, 'scripts', 'build-web-if-changed.mjs'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fake', private: true, scripts: { 'build:web': 'node fake-build.js' } }));
    writeFileSync(join(project, 'package-lock.json'), '{"lockfileVersion": 3}');
    writeFileSync(join(project, 'fake-build.js'), FAKE_BUILD);
    mkdirSync(join(project, 'web', 'src'), { recursive: true });
    writeFileSync(join(project, 'web', 'index.html'), '<div id="root"></div>');
    writeFileSync(join(project, 'web', 'src', 'main.tsx'), 'export {};');
  });
  afterEach(() => {
    rmSync(project, { recursive: true, force: true });
  });

  /** Runs the script from elsewhere (it finds the project from its own place) and counts the builds so far. */
  const run = () => {
    const { status, stdout } = spawnSync(process.execPath, [join(project, 'scripts', 'build-web-if-changed.mjs')], { cwd: tmpdir(), encoding: 'utf8' });
    const builds = existsSync(join(project, 'builds.log')) ? readFileSync(join(project, 'builds.log'), 'utf8').split('\n').filter(Boolean).length : 0;
    return { status, stdout, builds };
  };

  it('when web/vite.config.ts does not exist yet, then nothing is built and it says so', () => {
    const first = run();

    expect([first.status, first.builds]).to.deep.equal([0, 0]);
    expect(first.stdout).to.contain('web/vite.config.ts does not exist yet');
  });

  it('when web/ is unchanged since the last build, then it is not built again; a change of a source, the lockfile or a lost build rebuilds', () => {
    writeFileSync(join(project, 'web', 'vite.config.ts'), 'export default {};');

    const first = run();
    const storedHash = readFileSync(join(project, 'web', 'dist', '.source-hash'), 'utf8');
    const unchanged = run();
    writeFileSync(join(project, 'web', 'dist', 'assets', 'index-1234.js'), 'built output, not a source');
    const distTouched = run();
    writeFileSync(join(project, 'web', 'src', 'main.tsx'), 'export const changed = true;');
    const sourceChanged = run();
    writeFileSync(join(project, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {}}');
    const lockChanged = run();
    unlinkSync(join(project, 'web', 'dist', 'index.html'));
    const buildLost = run();

    expect(storedHash).to.match(/^[0-9a-f]{64}\n$/);
    expect([first, unchanged, distTouched, sourceChanged, lockChanged, buildLost].map((step) => [step.status, step.builds])).to.deep.equal([
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 2],
      [0, 3],
      [0, 4],
    ]);
    expect(unchanged.stdout).to.contain('web/ has not changed since the page was last built');
  });

  it('when the build of a change fails, then the script fails with it and the next run builds that change again', () => {
    writeFileSync(join(project, 'web', 'vite.config.ts'), 'export default {};');
    run();
    writeFileSync(join(project, 'web', 'src', 'main.tsx'), 'export const changed = true;');
    writeFileSync(join(project, 'FAIL'), '');

    const failed = run();
    unlinkSync(join(project, 'FAIL'));
    const next = run();

    expect([failed.status, failed.builds, next.status, next.builds]).to.deep.equal([3, 1, 0, 2]);
  });
});
