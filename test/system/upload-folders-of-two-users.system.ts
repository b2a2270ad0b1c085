import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './image-recipe';
import { run } from './processes';

// Two users without a name, so that nothing of this machine's accounts is touched.
const USERS = [
  { uid: 40001, gid: 40001 },
  { uid: 40002, gid: 40002 },
];

/** What an API process does with its upload folder at start-up (src/processes/api.ts), with the configuration it reads. */
const START_UP = `
const { loadConfig } = require(${JSON.stringify(join(ROOT, 'dist', 'src', 'processes', 'config.js'))});
const { useOwnUploadTempDir } = require(${JSON.stringify(join(ROOT, 'dist', 'src', 'infrastructure', 'http', 'upload-temp-dir.js'))});
console.log(useOwnUploadTempDir(loadConfig().uploadTempDir));`;

describe('the upload folders of services run by two Unix users on one machine [system, as root]', () => {
  let shared: string;

  before(function () {
    if (process.getuid?.() !== 0) throw new Error('This test starts processes as two other users: run it as root (CI does).');
    shared = mkdtempSync(join(tmpdir(), 'shared-tmp-'));
    // As /tmp is: anyone may create, only the owner may remove.
    chmodSync(shared, 0o1777);
  });
  after(() => rmSync(shared, { recursive: true, force: true }));

  it("when both start with the default UPLOAD_TEMP_DIR, then each has a private folder of its own and neither can open the other's", async () => {
    const folders: string[] = [];
    for (const user of USERS) {
      const started = await run(process.execPath, ['-e', START_UP], { cwd: ROOT, env: { PATH: process.env.PATH, TMPDIR: shared }, user });
      expect(started.code, started.output).to.equal(0);
      folders.push(started.output.trim());
    }
    USERS.forEach((user, index) => {
      const root = join(shared, `educator-uploads-${user.uid}`);
      expect(folders[index].startsWith(`${root}/`), folders[index]).to.equal(true);
      expect(statSync(root)).to.include({ uid: user.uid });
      expect(statSync(root).mode & 0o777).to.equal(0o700);
    });
    const peek = await run(process.execPath, ['-e', `require('node:fs').readdirSync(${JSON.stringify(folders[0])})`], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      user: USERS[1],
    });
    expect(peek.code).to.equal(1);
    expect(peek.output).to.contain('EACCES');
  });
});
