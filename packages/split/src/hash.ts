import { createHash } from 'node:crypto';
import type { SplitName, SplitRatios } from './spec.js';

const TWO_53 = 2 ** 53;

/**
 * A uniform number in [0, 1) that depends only on the seed and the key: the first 53 bits of
 * SHA-256(`<seed>\0<key>`). The same in every run, on every machine, and in Python:
 * `int.from_bytes(hashlib.sha256(f"{seed}\0{key}".encode()).digest()[:7], "big") >> 3) / 2**53`.
 */
export function unitHash(seed: number | string, key: string): number {
  const d = createHash('sha256')
    .update(`${String(seed)}\u0000${key}`)
    .digest();
  // 7 bytes = 56 bits; keep the top 53.
  const hi = d.readUIntBE(0, 4); // 32 bits
  const lo = d.readUIntBE(4, 3); // 24 bits
  return (hi * 2 ** 21 + (lo >>> 3)) / TWO_53;
}

/** Index of the split whose cumulative share interval holds `u` (the last one takes rounding). */
export function pickByRatios(u: number, ratios: readonly number[]): number {
  let acc = 0;
  for (let i = 0; i < ratios.length - 1; i++) {
    acc += ratios[i] ?? 0;
    if (u < acc) {
      return i;
    }
  }
  return ratios.length - 1;
}

/**
 * The split of a key: a pure function of (seed, key, ratios). Adding other keys never moves this
 * one, so a dataset can grow without items changing split.
 */
export function hashSplit(seed: number | string, key: string, spec: SplitRatios): SplitName {
  const i = pickByRatios(unitHash(seed, key), spec.ratios);
  return spec.names[i] ?? spec.names[spec.names.length - 1] ?? 'train';
}
