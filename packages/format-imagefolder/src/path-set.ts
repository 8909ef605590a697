import { hash32 } from '@synx/model';

/**
 * The set of paths an export files its images under, in 8 bytes a path (two seeded 32-bit
 * hashes) rather than the strings themselves: the stale-image check at the end of a write must
 * know every path, and ten million images would otherwise hold a gigabyte of strings. A false
 * "present" needs two 32-bit hashes to collide (about 1 in 2^64 per pair); its only effect is
 * one leftover image not reported.
 */
export class PathSet {
  #keys = new BigUint64Array(1024);
  #size = 0;
  #sealed = false;

  static #key(path: string): bigint {
    return (BigInt(hash32(path, 1)) << 32n) | BigInt(hash32(path, 2));
  }

  add(path: string): void {
    if (this.#sealed) {
      throw new Error('PathSet: add after has');
    }
    if (this.#size === this.#keys.length) {
      const grown = new BigUint64Array(this.#keys.length * 2);
      grown.set(this.#keys);
      this.#keys = grown;
    }
    this.#keys[this.#size++] = PathSet.#key(path);
  }

  has(path: string): boolean {
    if (!this.#sealed) {
      this.#keys = this.#keys.slice(0, this.#size).sort();
      this.#sealed = true;
    }
    const key = PathSet.#key(path);
    let lo = 0;
    let hi = this.#size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.#keys[mid] ?? 0n;
      if (v === key) {
        return true;
      }
      if (v < key) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return false;
  }
}
