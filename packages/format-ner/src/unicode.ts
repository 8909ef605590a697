/**
 * Offsets: DM v1 ranges, and synx's canonical ones, are JavaScript string (UTF-16 code unit)
 * indices of the decoded text; spaCy (a Python `str`) counts Unicode code points. They differ by
 * one for every astral character (most emoji, some CJK) before the offset.
 */

/** True when `i` falls between the two halves of a surrogate pair of `text`. */
export function insidePair(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) {
    return false;
  }
  const before = text.charCodeAt(i - 1);
  const at = text.charCodeAt(i);
  return before >= 0xd800 && before <= 0xdbff && at >= 0xdc00 && at <= 0xdfff;
}

/**
 * Converts UTF-16 offsets of one text to code point offsets and back, in one pass each way
 * (offsets asked for in increasing order cost O(text) in all; any order works).
 */
export class OffsetMap {
  readonly #text: string;
  /** UTF-16 index of each astral character (sorted); empty for most texts. */
  readonly #astral: number[] = [];

  constructor(text: string) {
    this.#text = text;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          this.#astral.push(i);
          i++;
        }
      }
    }
  }

  /** Code points of the text. */
  get codePoints(): number {
    return this.#text.length - this.#astral.length;
  }

  /** The code point offset of UTF-16 offset `u` (which must not split a pair). */
  toCodePoint(u: number): number {
    return u - countBelow(this.#astral, u);
  }

  /** The UTF-16 offset of code point offset `c`. */
  toUtf16(c: number): number {
    // Each astral character before the offset adds one unit: find k with a[k-1] - (k-1) < c.
    let lo = 0;
    let hi = this.#astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#astral[mid] ?? Infinity) - mid < c) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return c + lo;
  }
}

/** How many sorted values are below `v`. */
function countBelow(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? Infinity) < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** At most `max` code points of `s`, JSON-quoted, with `…` when cut (for messages). */
export function quoted(s: string, max = 40): string {
  const cps = Array.from(s); // code points
  return JSON.stringify(cps.length <= max ? s : `${cps.slice(0, max).join('')}…`);
}
