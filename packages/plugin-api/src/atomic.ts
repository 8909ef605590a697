import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SynxError } from '@synx/model';

/**
 * The temporary name a file is written under before it is renamed onto its final name: the
 * final name plus `.partial`, in the same folder (so the rename never crosses a file system).
 * The name is fixed, not random: a killed run leaves at most one `.partial` per file, and the
 * rerun of the same command writes that very name again and renames it away.
 */
export function partialPathOf(path: string): string {
  return `${path}.partial`;
}

/** Options of {@link writeFileAtomic} and {@link writeFileAtomicSync}. */
export interface AtomicWriteOptions {
  /**
   * Fail (a `SYNX_IO` error whose `cause.code` is `EEXIST`) when a file already has the final
   * name, instead of replacing it. Checked before anything is written; meant for a writer that
   * detects two outputs with one name within its own run (not a lock between processes).
   */
  readonly exclusive?: boolean;
}

/** The `SYNX_IO` error for a file that cannot be written; the file system's error is the cause. */
export function writeError(path: string, err: unknown): SynxError {
  if (err instanceof SynxError) {
    return err;
  }
  return new SynxError('SYNX_IO', `cannot write ${path}: ${(err as Error).message}`, {
    cause: err,
  });
}

function existsError(path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`EEXIST: file already exists, '${path}'`);
  err.code = 'EEXIST';
  err.errno = -17;
  err.syscall = 'rename';
  err.path = path;
  return err;
}

function isNoEntry(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function writeAllSync(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) {
    done += writeSync(fd, data, done, data.length - done);
  }
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * Writes a whole file so that its final name only ever holds the complete content: the bytes go
 * to `<path>.partial` in the same folder, which is then renamed onto `path` (an atomic replace
 * on POSIX file systems and NTFS). A process killed at any point leaves either no file, the
 * previous file, or the complete new one under `path` — never a truncated or empty one.
 *
 * The parent folder is created when it is missing. That costs nothing when it exists: it is
 * created only after the first attempt failed with `ENOENT`.
 *
 * The data is not flushed to the disk (no `fsync`): this protects against a killed or crashed
 * process, whose writes the kernel keeps, not against a power cut.
 *
 * Synchronous, for hot loops that write many small files (one file costs an open, a write, a
 * close and a rename; no promise, no thread-pool round trip).
 *
 * @throws SynxError `SYNX_IO` (`cannot write <path>: <reason>`, the file system's error as its
 *   cause, with its `code`) when the file cannot be written; the `.partial` is removed then.
 */
export function writeFileAtomicSync(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const tmp = partialPathOf(path);
  const bytes = toBytes(data);
  try {
    if (options.exclusive === true && existsSync(path)) {
      throw existsError(path);
    }
    let fd: number;
    try {
      fd = openSync(tmp, 'w');
    } catch (err) {
      if (!isNoEntry(err)) {
        throw err;
      }
      mkdirSync(dirname(path), { recursive: true });
      fd = openSync(tmp, 'w');
    }
    try {
      writeAllSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // best effort: the first error is the one reported
    }
    throw writeError(path, err);
  }
}

/**
 * The asynchronous form of {@link writeFileAtomicSync}: same temporary name, same rename, same
 * folder creation and errors. For files written once (a label map, a `data.yaml`), where not
 * blocking the event loop matters more than the cost of a few promises.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const tmp = partialPathOf(path);
  const bytes = toBytes(data);
  try {
    if (options.exclusive === true) {
      const found = await stat(path).then(
        () => true,
        (err: unknown) => {
          if (isNoEntry(err)) {
            return false;
          }
          throw err;
        },
      );
      if (found) {
        throw existsError(path);
      }
    }
    let handle;
    try {
      handle = await open(tmp, 'w');
    } catch (err) {
      if (!isNoEntry(err)) {
        throw err;
      }
      await mkdir(dirname(path), { recursive: true });
      handle = await open(tmp, 'w');
    }
    try {
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(path, err);
  }
}
