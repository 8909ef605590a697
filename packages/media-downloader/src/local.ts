import { constants, type Stats } from 'node:fs';
import { copyFile, link, rename, stat, symlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errnoOf, hashFile, lstatOrUndefined, removeFile, statOrUndefined } from './files.js';
import type { ChecksumAlgorithm, DoneHow, LocalMode } from './types.js';

/** Errors of `link` after which a copy is made instead. */
const LINK_FALLBACK = new Set(['EXDEV', 'EMLINK', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** What placing one local file came to. */
export type LocalOutcome =
  | { readonly kind: 'skip'; readonly bytes: number; readonly verified: string }
  | {
      readonly kind: 'done';
      readonly bytes: number;
      readonly how: DoneHow;
      readonly note: string | undefined;
      readonly fallback: boolean;
    }
  | { readonly kind: 'fail'; readonly code: string; readonly reason: string };

/** Inputs of {@link placeLocal}. */
export interface LocalPlacement {
  readonly source: string;
  readonly dest: string;
  readonly partial: string;
  readonly mode: LocalMode;
  readonly size: number | undefined;
  readonly checksum: { algorithm: ChecksumAlgorithm; hex: string } | undefined;
  readonly verifyChecksum: boolean;
  /** Called once the source size is known. */
  readonly onSize: (size: number) => void;
  /** Called when the file is not present and is about to be placed. */
  readonly onStart: (source: string) => void;
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Copies, hard-links or symlinks `source` to `dest` through `<dest>.partial` and a rename, unless
 * `dest` already holds it (verified). A hard link across devices falls back to a copy.
 */
export async function placeLocal(p: LocalPlacement): Promise<LocalOutcome> {
  const source = resolve(p.source);
  let src: Stats;
  try {
    src = await stat(source);
  } catch (err) {
    const code = errnoOf(err) ?? 'io';
    return {
      kind: 'fail',
      code: code === 'ENOENT' ? 'source-missing' : code,
      reason: `cannot read the source file ${source} (${code})`,
    };
  }
  if (!src.isFile()) {
    return { kind: 'fail', code: 'source-not-file', reason: `${source} is not a regular file` };
  }
  if (p.size !== undefined && src.size !== p.size) {
    return {
      kind: 'fail',
      code: 'size-mismatch',
      reason: `the source file has ${src.size} bytes, the job expects ${p.size}`,
    };
  }
  p.onSize(src.size);

  // Present and verified?
  const existing = await lstatOrUndefined(p.dest);
  if (existing !== undefined) {
    const target = existing.isSymbolicLink() ? await statOrUndefined(p.dest) : existing;
    if (p.mode === 'symlink') {
      if (existing.isSymbolicLink() && target !== undefined && sameFile(target, src)) {
        return { kind: 'skip', bytes: src.size, verified: 'link' };
      }
    } else if (target?.isFile() === true && !existing.isSymbolicLink()) {
      if (p.mode === 'hardlink' && sameFile(target, src)) {
        return { kind: 'skip', bytes: src.size, verified: 'link' };
      }
      if (target.size === src.size) {
        if (p.checksum === undefined || !p.verifyChecksum) {
          return { kind: 'skip', bytes: src.size, verified: 'size' };
        }
        if ((await hashFile(p.dest, p.checksum.algorithm)) === p.checksum.hex) {
          return { kind: 'skip', bytes: src.size, verified: 'size+checksum' };
        }
      }
    }
  }

  p.onStart(source);
  try {
    await removeFile(p.partial);
    let how: DoneHow;
    let note: string | undefined;
    let fallback = false;
    let copied = false;
    if (p.mode === 'symlink') {
      await symlink(source, p.partial);
      how = 'symlinked';
    } else if (p.mode === 'hardlink') {
      try {
        await link(source, p.partial);
        how = 'hardlinked';
      } catch (err) {
        const code = errnoOf(err);
        if (code === undefined || !LINK_FALLBACK.has(code)) {
          throw err;
        }
        await copyFile(source, p.partial, constants.COPYFILE_FICLONE);
        how = 'copied';
        copied = true;
        fallback = true;
        note = `a hard link was not possible (${code}${code === 'EXDEV' ? ': source and destination are on different devices' : ''}); copied instead`;
      }
    } else {
      await copyFile(source, p.partial, constants.COPYFILE_FICLONE);
      how = 'copied';
      copied = true;
    }
    if (copied) {
      const st = await stat(p.partial);
      if (st.size !== src.size) {
        await removeFile(p.partial);
        return {
          kind: 'fail',
          code: 'size-mismatch',
          reason: `the copy has ${st.size} bytes, the source ${src.size}`,
        };
      }
    }
    if (p.checksum !== undefined) {
      const digest = await hashFile(p.partial, p.checksum.algorithm);
      if (digest !== p.checksum.hex) {
        await removeFile(p.partial);
        return {
          kind: 'fail',
          code: 'checksum-mismatch',
          reason: `the source's ${p.checksum.algorithm} is ${digest}, the job expects ${p.checksum.hex}`,
        };
      }
    }
    await rename(p.partial, p.dest);
    return { kind: 'done', bytes: src.size, how, note, fallback };
  } catch (err) {
    await removeFile(p.partial).catch(() => undefined);
    const code = errnoOf(err) ?? 'io';
    return {
      kind: 'fail',
      code,
      reason: `cannot place ${source} at ${p.dest} (${code})`,
    };
  }
}
