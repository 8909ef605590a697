import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ChecksumAlgorithm } from './types.js';

/** Algorithm names accepted in `algo:hex` checksums. */
const ALGORITHM_NAMES: Readonly<Record<string, ChecksumAlgorithm>> = {
  md5: 'md5',
  sha1: 'sha1',
  'sha-1': 'sha1',
  sha256: 'sha256',
  'sha-256': 'sha256',
};

const LENGTHS: Readonly<Record<ChecksumAlgorithm, number>> = { md5: 32, sha1: 40, sha256: 64 };

/**
 * Normalises a job's checksum: lower-case hex plus its algorithm, given or inferred from the
 * hex length (32 md5, 40 sha1, 64 sha256). An `algo:` prefix is accepted. Returns an error text
 * when the checksum cannot be used.
 */
export function normalizeChecksum(
  checksum: string,
  algorithm: ChecksumAlgorithm | undefined,
): { algorithm: ChecksumAlgorithm; hex: string } | { error: string } {
  let text = checksum.trim().toLowerCase();
  let algo = algorithm;
  const m = /^([a-z0-9-]+)[:=]([0-9a-f]+)$/.exec(text);
  if (m?.[1] !== undefined && m[2] !== undefined) {
    const named = ALGORITHM_NAMES[m[1]];
    if (named === undefined) {
      return { error: `unsupported checksum algorithm "${m[1]}"` };
    }
    if (algo !== undefined && algo !== named) {
      return { error: `checksum says ${named} but checksumAlgorithm is ${algo}` };
    }
    algo = named;
    text = m[2];
  }
  if (!/^[0-9a-f]+$/.test(text)) {
    return { error: 'the checksum is not hexadecimal' };
  }
  if (algo === undefined) {
    algo =
      text.length === 32
        ? 'md5'
        : text.length === 40
          ? 'sha1'
          : text.length === 64
            ? 'sha256'
            : undefined;
    if (algo === undefined) {
      return {
        error: `cannot infer the checksum algorithm from ${text.length} hex digits (32, 40 or 64 expected)`,
      };
    }
  } else if (LENGTHS[algo] !== text.length) {
    return { error: `a ${algo} checksum has ${LENGTHS[algo]} hex digits, got ${text.length}` };
  }
  return { algorithm: algo, hex: text };
}

/** Resolves `dest` against `root`; undefined when it is not strictly inside `root`. */
export function resolveInside(root: string, dest: string): string | undefined {
  const abs = resolve(root, dest);
  const rel = relative(root, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    return undefined;
  }
  return abs;
}

/** True when `path` is `root` itself or inside it (both already resolved). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
