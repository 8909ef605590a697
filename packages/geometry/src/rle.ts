import { SynxError } from '@synx/model';

/** COCO run-length encoding: column-major runs, starting with a run of zeros. */
export interface CocoRle {
  /** Run lengths (uncompressed form) or the compressed string pycocotools writes. */
  readonly counts: readonly number[] | string;
  /** `[height, width]`, as COCO orders it. */
  readonly size: readonly [number, number];
}

/** Decodes pycocotools' compressed RLE string into run lengths. */
export function rleCountsFromString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) {
        throw new SynxError(
          'SYNX_INVALID_INPUT',
          'compressed RLE string ends in the middle of a number',
        );
      }
      const c = s.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && (c & 0x10) !== 0) {
        x |= -1 << (5 * k);
      }
    }
    if (counts.length > 2) {
      x += counts[counts.length - 2] ?? 0;
    }
    counts.push(x);
  }
  return counts;
}

/** Encodes run lengths into pycocotools' compressed RLE string. */
export function rleCountsToString(counts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i] ?? 0;
    if (i > 2) {
      x -= counts[i - 2] ?? 0;
    }
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = (c & 0x10) !== 0 ? x !== -1 : x !== 0;
      if (more) {
        c |= 0x20;
      }
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

function runsOf(rle: CocoRle): number[] {
  return typeof rle.counts === 'string' ? rleCountsFromString(rle.counts) : [...rle.counts];
}

/**
 * Decodes a COCO RLE into row-major pixel indices (`y * width + x`), sorted ascending — the
 * encoding DM v1 `pixel_indices` use.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` when the runs do not add up to the image size.
 */
export function rleToPixelIndices(rle: CocoRle): number[] {
  const [h, w] = rle.size;
  const runs = runsOf(rle);
  const total = runs.reduce((a, b) => a + b, 0);
  if (total !== h * w) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `RLE runs cover ${total} pixels, the mask has ${h * w}`,
    );
  }
  const out: number[] = [];
  let pos = 0;
  for (let i = 0; i < runs.length; i++) {
    const n = runs[i] ?? 0;
    if (i % 2 === 1) {
      for (let k = pos; k < pos + n; k++) {
        const x = Math.floor(k / h);
        const y = k - x * h;
        out.push(y * w + x);
      }
    }
    pos += n;
  }
  return out.sort((a, b) => a - b);
}

/**
 * Encodes row-major pixel indices as a COCO RLE (column-major, uncompressed counts). Indices
 * outside the image are ignored (the caller reports them); duplicates count once.
 */
export function pixelIndicesToRle(
  indices: readonly number[],
  width: number,
  height: number,
): { counts: number[]; size: [number, number] } {
  const total = width * height;
  const col = new Float64Array(indices.length);
  let n = 0;
  for (const idx of indices) {
    if (idx >= 0 && idx < total && Number.isInteger(idx)) {
      const y = Math.floor(idx / width);
      const x = idx - y * width;
      col[n++] = x * height + y;
    }
  }
  const sorted = col.subarray(0, n).sort();
  const counts: number[] = [];
  let pos = 0;
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i] ?? 0;
    let end = start + 1;
    i++;
    while (i < sorted.length && (sorted[i] ?? 0) <= end) {
      if (sorted[i] === end) {
        end++;
      }
      i++;
    }
    counts.push(start - pos, end - start);
    pos = end;
  }
  if (pos < total || counts.length === 0) {
    counts.push(total - pos);
  }
  return { counts, size: [height, width] };
}

/**
 * The tight box `[x, y, width, height]` of mask pixels given as row-major indices (`y * width + x`),
 * in one pass: the same as `rleBbox(pixelIndicesToRle(indices, width, height))` without sorting.
 * Indices outside the image or not integers are ignored, as `pixelIndicesToRle` does; no pixel
 * gives `[0, 0, 0, 0]`.
 */
export function pixelIndicesBbox(
  indices: readonly number[],
  width: number,
  height: number,
): [number, number, number, number] {
  const total = width * height;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const idx of indices) {
    if (idx >= 0 && idx < total && Number.isInteger(idx)) {
      const y = Math.floor(idx / width);
      const x = idx - y * width;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  if (minX === Infinity) {
    return [0, 0, 0, 0];
  }
  return [minX, minY, maxX - minX + 1, maxY - minY + 1];
}

/** Number of foreground pixels of an RLE. */
export function rleArea(rle: CocoRle): number {
  return runsOf(rle).reduce((sum, n, i) => (i % 2 === 1 ? sum + n : sum), 0);
}

/** Tight `[x, y, width, height]` of an RLE's foreground, in pixels (COCO's `toBbox`). */
export function rleBbox(rle: CocoRle): [number, number, number, number] {
  const [h] = rle.size;
  const runs = runsOf(rle);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let pos = 0;
  for (let i = 0; i < runs.length; i++) {
    const n = runs[i] ?? 0;
    if (i % 2 === 1 && n > 0) {
      const first = pos;
      const last = pos + n - 1;
      const x0 = Math.floor(first / h);
      const x1 = Math.floor(last / h);
      minX = Math.min(minX, x0);
      maxX = Math.max(maxX, x1);
      if (x0 === x1) {
        minY = Math.min(minY, first - x0 * h);
        maxY = Math.max(maxY, last - x1 * h);
      } else {
        minY = 0;
        maxY = h - 1;
      }
    }
    pos += n;
  }
  if (minX === Infinity) {
    return [0, 0, 0, 0];
  }
  return [minX, minY, maxX - minX + 1, maxY - minY + 1];
}
