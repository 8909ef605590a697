import { lstat, opendir, rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Removals in flight per folder. */
const AT_ONCE = 32;

/**
 * Removes a file or a folder tree, like `rm -rf`, with memory that does not grow with the
 * number of files: the folder is read as a stream and at most 32 removals per folder are in
 * flight (`fs.rm({ recursive })` starts one per entry at once: a 50,000-file `labels/` cost
 * ~90 MB). Symlinks are removed, never followed. A path that does not exist is fine.
 */
export async function removeTree(path: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await lstat(path)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return;
    }
    throw err;
  }
  if (!isDir) {
    await rm(path, { force: true });
    return;
  }
  const pending = new Set<Promise<void>>();
  let failure: Error | undefined;
  const dir = await opendir(path, { bufferSize: 256 });
  for await (const entry of dir) {
    const child = join(path, entry.name);
    const task = (entry.isDirectory() ? removeTree(child) : unlink(child))
      .catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          failure ??= err instanceof Error ? err : new Error(String(err));
        }
      })
      .finally(() => pending.delete(task));
    pending.add(task);
    if (pending.size >= AT_ONCE) {
      await Promise.race(pending);
    }
  }
  await Promise.all(pending);
  if (failure !== undefined) {
    throw failure;
  }
  await rmdir(path);
}
