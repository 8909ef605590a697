import type { Histogram } from './types.js';

/** Half-octave edges `2^(from/2) … 2^(to/2)`: log bins for lengths in pixels. */
function halfOctaves(from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = from; k < to; k++) {
    out.push(Number((2 ** (k / 2)).toFixed(4)));
  }
  return out;
}

/** Lower edges of the bins of box sides: 1 px … 8192 px (half octaves). */
export const SIDE_BINS: readonly number[] = [0, ...halfOctaves(1, 27)];
/** Lower edges of box areas: 1 px² … 2^26 px² (octaves). */
export const AREA_BINS: readonly number[] = [
  0,
  ...Array.from({ length: 26 }, (_, k) => 2 ** (k + 1)),
];
/** Lower edges of log2(width / height): −4 … +4 in quarter steps (1:16 … 16:1). */
export const ASPECT_BINS: readonly number[] = Array.from({ length: 32 }, (_, k) => -4 + k / 4);
/** Lower edges of image sides: 16 px … 11585 px (half octaves). */
export const IMAGE_BINS: readonly number[] = [0, ...halfOctaves(9, 28)];
/** Lower edges of annotations per image. */
export const COUNT_BINS: readonly number[] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 30, 50, 100, 200, 500, 1000,
];

/** Lower edges of entity lengths in characters. */
export const CHAR_BINS: readonly number[] = [
  0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500, 1000,
];

/** The bin of `value` among lower edges `lower` (binary search; clamped to the first and last). */
export function binOf(lower: readonly number[], value: number): number {
  let lo = 0;
  let hi = lower.length - 1;
  if (!(value >= (lower[1] ?? Infinity))) {
    return 0;
  }
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lower[mid] ?? Infinity) <= value) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

/** A histogram being counted: fixed bins, one counter each. */
export class HistogramCounter {
  readonly #lower: readonly number[];
  readonly #counts: number[];

  constructor(lower: readonly number[]) {
    this.#lower = lower;
    this.#counts = lower.map(() => 0);
  }

  add(value: number): void {
    if (Number.isFinite(value)) {
      const i = binOf(this.#lower, value);
      this.#counts[i] = (this.#counts[i] ?? 0) + 1;
    }
  }

  toJSON(): Histogram {
    return { lower: [...this.#lower], counts: [...this.#counts] };
  }
}
