// `npm start` runs this first: the page is built (npm run build:web) only when its sources differ from those of the last build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const dist = join(web, 'dist');
const hashFile = join(dist, '.source-hash');
// What the build leaves or caches, not what it reads.
const NOT_SOURCES = new Set([dist, join(web, 'node_modules'), join(web, '.vite')]);

const filesUnder = (folder) =>
  readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !NOT_SOURCES.has(join(folder, entry.name)))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(folder, entry.name)) : entry.isFile() ? [join(folder, entry.name)] : []))
    .sort();

/** Every file of web/ (its path and bytes), and the lockfile, whose versions the build depends on as much. */
const sourceHash = () => {
  const hash = createHash('sha256');
  for (const file of [...filesUnder(web), join(root, 'package-lock.json')].filter(existsSync)) {
    hash.update(relative(root, file).split(sep).join('/')).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
};

if (!existsSync(join(web, 'vite.config.ts'))) {
  console.log('web/vite.config.ts does not exist yet: the web page is not built, and / will say so.');
  process.exit(0);
}
const hash = sourceHash();
if (existsSync(join(dist, 'index.html')) && existsSync(hashFile) && readFileSync(hashFile, 'utf8').trim() === hash) {
  console.log('web/ has not changed since the page was last built: not building it again.');
  process.exit(0);
}
const build = spawnSync('npm', ['run', 'build:web'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);
writeFileSync(hashFile, `${hash}\n`);
