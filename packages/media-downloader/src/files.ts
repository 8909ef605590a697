import { createHash, type Hash } from 'node:crypto';
import { constants, createReadStream, type Stats } from 'node:fs';
import { lstat, rm, stat } from 'node:fs/promises';
import type { ChecksumAlgorithm } from './types.js';

// O_NOFOLLOW is missing on Windows.
const NOFOLLOW = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;
/** Open flags for writing a `.partial` file: never through a symlink (where supported). */
export const WRITE_FLAGS: number =
  constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NOFOLLOW;
export const APPEND_FLAGS: number = constants.O_WRONLY | constants.O_APPEND | NOFOLLOW;

/** `stat` that answers undefined for a missing path. */
export async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if (isMissing(err)) {
      return undefined;
    }
    throw err;
  }
}

/** `lstat` that answers undefined for a missing path. */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (isMissing(err)) {
      return undefined;
    }
    throw err;
  }
}

export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function errnoOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Removes a file if present. */
export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** Feeds bytes [0, end) of a file (all of it when `end` is undefined) into `hash`. */
export async function hashInto(hash: Hash, path: string, end?: number): Promise<void> {
  if (end === 0) {
    return;
  }
  const stream = createReadStream(path, {
    highWaterMark: 256 * 1024,
    ...(end === undefined ? {} : { end: end - 1 }),
  });
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
  }
}

/** Hex digest of a whole file. */
export async function hashFile(path: string, algorithm: ChecksumAlgorithm): Promise<string> {
  const hash = createHash(algorithm);
  await hashInto(hash, path);
  return hash.digest('hex');
}
