import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../../src/processes/config';
import { useOwnUploadTempDir } from '../../../../src/infrastructure/http/upload-temp-dir';

const folderWithAFile = (path: string): void => {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  writeFileSync(join(path, 'upload-in-flight'), 'staff data');
};

describe('useOwnUploadTempDir', () => {
  const originalTmpdir = process.env.TMPDIR;
  let base: string;
  let root: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'upload-temp-dir-'));
    root = join(base, 'educator-uploads');
    process.env.TMPDIR = base;
  });
  afterEach(() => {
    if (originalTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = originalTmpdir;
    rmSync(base, { recursive: true, force: true });
  });

  it('when folders of other processes are there, then a running sibling keeps its folder and its files, and the folder of a process that ended is removed', async () => {
    const sibling = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 60_000)'], { stdio: 'ignore' });
    const ended = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await once(ended, 'exit');
    try {
      folderWithAFile(join(root, String(sibling.pid)));
      folderWithAFile(join(root, String(ended.pid)));

      const own = useOwnUploadTempDir(root);

      expect(own).to.equal(join(root, String(process.pid)));
      expect(process.env.TMPDIR).to.equal(own);
      expect(readdirSync(root).sort()).to.deep.equal([String(process.pid), String(sibling.pid)].sort());
      expect(readdirSync(join(root, String(sibling.pid)))).to.deep.equal(['upload-in-flight']);
    } finally {
      sibling.kill('SIGKILL');
    }
  });

  it("when a folder already has this process's pid, then it was left by an earlier process with the same pid and starts empty", () => {
    folderWithAFile(join(root, String(process.pid)));

    const own = useOwnUploadTempDir(root);

    expect(readdirSync(own)).to.deep.equal([]);
  });

  it('when UPLOAD_TEMP_DIR is unset, then the folder is named after the user under the temporary folder; set, it is that folder', () => {
    expect(loadConfig({}).uploadTempDir).to.equal(join(base, `educator-uploads-${process.getuid!()}`));
    expect(loadConfig({ UPLOAD_TEMP_DIR: '/srv/educators/uploads' }).uploadTempDir).to.equal('/srv/educators/uploads');
  });

  it('when the folder does not exist, then it is created for this user alone, with the folder of this process inside', () => {
    const nested = join(base, 'data', 'uploads');

    const own = useOwnUploadTempDir(nested);

    expect(statSync(nested).mode & 0o777).to.equal(0o700);
    expect(statSync(own).mode & 0o777).to.equal(0o700);
    expect(own).to.equal(join(nested, String(process.pid)));
  });

  it('when the folder may be opened by others, then it is refused, naming the setting, and nothing in it is removed', () => {
    folderWithAFile(join(root, '999999999'));
    chmodSync(root, 0o755);

    expect(() => useOwnUploadTempDir(root)).to.throw(
      `UPLOAD_TEMP_DIR ${root} must be a folder of this user (uid ${process.getuid!()}) that only it can open (mode 700); it is owned by uid ${process.getuid!()}, mode 755.`,
    );
    expect(readdirSync(root)).to.deep.equal(['999999999']);
    expect(process.env.TMPDIR).to.equal(base);
  });

  it('when the folder is a symbolic link, then it is refused: whoever made the link chose where staff data goes', () => {
    mkdirSync(join(base, 'elsewhere'), { mode: 0o700 });
    symlinkSync(join(base, 'elsewhere'), root);

    expect(() => useOwnUploadTempDir(root))
      .to.throw(`UPLOAD_TEMP_DIR ${root} must be a folder of this user`)
      .with.property('message')
      .that.contains('it is a symbolic link');
  });

  it('when the folder cannot be created, then the error names the setting and the folder', () => {
    writeFileSync(join(base, 'a-file'), '');

    expect(() => useOwnUploadTempDir(join(base, 'a-file', 'uploads'))).to.throw(
      `UPLOAD_TEMP_DIR ${join(base, 'a-file', 'uploads')} cannot be created: ENOTDIR`,
    );
  });
});
