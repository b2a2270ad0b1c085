import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Staff data waits here: a folder someone else made, or may open, is refused rather than used. */
const checkPrivate = (root: string): void => {
  const owner = process.getuid?.();
  // Without Unix users (Windows) there is no owner or mode to compare.
  if (owner === undefined) return;
  const folder = lstatSync(root);
  if (!folder.isDirectory() || folder.uid !== owner || (folder.mode & 0o077) !== 0) {
    const found = folder.isSymbolicLink() ? 'a symbolic link' : `owned by uid ${folder.uid}, mode ${(folder.mode & 0o777).toString(8)}`;
    throw new Error(`UPLOAD_TEMP_DIR ${root} must be a folder of this user (uid ${owner}) that only it can open (mode 700); it is ${found}.`);
  }
};

/**
 * graphql-upload-ts buffers each arriving file in a temporary file under os.tmpdir() and removes it when the
 * request ends, which a killed process never reaches. Each API process therefore buffers in a folder of its
 * own, and removes the folders of processes that are gone, so no staff data outlives a crash on disk.
 */
export const useOwnUploadTempDir = (root: string): string => {
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new Error(`UPLOAD_TEMP_DIR ${root} cannot be created: ${(error as Error).message}`, { cause: error });
  }
  checkPrivate(root);
  for (const entry of readdirSync(root)) {
    const pid = Number(entry);
    // Sibling API processes are running, so their folders stay. A folder named after this process was left by an
    // earlier one that had the same pid: a container starts its processes with the same pids every time.
    if (Number.isSafeInteger(pid) && (pid === process.pid || !isRunning(pid))) rmSync(join(root, entry), { recursive: true, force: true });
  }
  const own = join(root, String(process.pid));
  mkdirSync(own, { recursive: true, mode: 0o700 });
  // os.tmpdir() reads TMPDIR on every call, and graphql-upload-ts calls it for each file.
  process.env.TMPDIR = own;
  return own;
};
