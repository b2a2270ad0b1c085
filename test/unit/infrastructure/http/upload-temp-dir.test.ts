import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useOwnUploadTempDir } from '../../../../src/infrastructure/http/upload-temp-dir';

const folderWithAFile = (path: string): void => {
  mkdirSync(path, { recursive: true });
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

      const own = useOwnUploadTempDir();

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

    const own = useOwnUploadTempDir();

    expect(readdirSync(own)).to.deep.equal([]);
  });
});
