// Disjoint byte ranges of a file read so far, plus what is known about where the file ends.
import type { ByteSource } from './core.js';

interface Range {
  start: number;
  bytes: Uint8Array;
}

export class SparseBytes implements ByteSource {
  /** Sorted by start, non-overlapping. */
  private readonly ranges: Range[] = [];
  /** An upper bound of the data's size, once a short read has shown it. */
  size: number | undefined;

  /** Index of the range containing `offset`, or -1. */
  private find(offset: number): number {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid];
      if (r === undefined) {
        break;
      }
      if (offset < r.start) {
        hi = mid - 1;
      } else if (offset >= r.start + r.bytes.length) {
        lo = mid + 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** The first offset ≥ `offset` that is not at hand. */
  firstMissing(offset: number): number {
    let at = offset;
    for (let i = this.find(at); i >= 0; i = this.find(at)) {
      const r = this.ranges[i];
      if (r === undefined) {
        break;
      }
      at = r.start + r.bytes.length;
    }
    return at;
  }

  get(offset: number, length: number): Uint8Array | undefined {
    if (offset < 0 || length < 0) {
      return undefined;
    }
    const i = this.find(offset);
    const r = this.ranges[i];
    if (r === undefined) {
      return length === 0 ? new Uint8Array(0) : undefined;
    }
    const rel = offset - r.start;
    if (rel + length <= r.bytes.length) {
      return r.bytes.subarray(rel, rel + length);
    }
    const got = this.peek(offset, length);
    return got.length === length ? got : undefined;
  }

  peek(offset: number, max: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let at = offset;
    let left = max;
    while (left > 0) {
      const r = this.ranges[this.find(at)];
      if (r === undefined) {
        break;
      }
      const rel = at - r.start;
      const part = r.bytes.subarray(rel, Math.min(r.bytes.length, rel + left));
      parts.push(part);
      at += part.length;
      left -= part.length;
    }
    if (parts.length === 1 && parts[0] !== undefined) {
      return parts[0];
    }
    const out = new Uint8Array(max - left);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Adds bytes read at `start`, keeping only the parts not already at hand. */
  add(start: number, bytes: Uint8Array): void {
    let at = start;
    const end = start + bytes.length;
    while (at < end) {
      at = this.firstMissing(at);
      if (at >= end) {
        break;
      }
      // The next range after `at` bounds this piece.
      let next = end;
      for (const r of this.ranges) {
        if (r.start > at) {
          next = Math.min(next, r.start);
          break;
        }
      }
      const piece = bytes.subarray(at - start, next - start);
      const index = this.ranges.findIndex((r) => r.start > at);
      this.ranges.splice(index === -1 ? this.ranges.length : index, 0, { start: at, bytes: piece });
      at = next;
    }
  }

  /** Records that the data ends at or before `end`. */
  endsBy(end: number): void {
    this.size = this.size === undefined ? end : Math.min(this.size, end);
  }
}
