import type { Box } from '@synx/geometry';

/** How VOC numbers relate to canonical (continuous, top-left origin) pixel coordinates. */
export type VocCoordinates = 'one-based' | 'zero-based';

/** A VOC `<bndbox>` in integer pixels. */
export interface VocBox {
  readonly xmin: number;
  readonly ymin: number;
  readonly xmax: number;
  readonly ymax: number;
}

/** What {@link toVocBox} returns. */
export interface VocBoxResult {
  readonly box: VocBox;
  /** True when a coordinate was moved into the image. */
  readonly clamped: boolean;
}

// `+ 0` turns -0 into 0 (the XML builder would print "-0").
const round = (v: number): number => Math.round(v) + 0;

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** One axis: `[min, max]` integers from a continuous `[start, start + size]`. */
function axis(
  start: number,
  size: number,
  limit: number | undefined,
  convention: VocCoordinates,
): { min: number; max: number; clamped: boolean } {
  const oneBased = convention === 'one-based';
  let min = round(start) + (oneBased ? 1 : 0);
  let max = round(start + size);
  let clamped = false;
  if (limit !== undefined) {
    const lo = oneBased ? 1 : 0;
    const cmin = clamp(min, lo, limit);
    const cmax = clamp(max, lo, limit);
    clamped = cmin !== min || cmax !== max;
    min = cmin;
    max = cmax;
  }
  if (oneBased) {
    // Inclusive indices: a sub-pixel box still covers its pixel.
    max = Math.max(max, min);
  } else if (max <= min) {
    // Continuous coordinates: keep at least one pixel, inside the image when its size is known.
    if (limit !== undefined && min >= limit) {
      min = limit - 1;
      max = limit;
    } else {
      max = min + 1;
    }
  }
  return { min, max, clamped };
}

/**
 * Converts a canonical box (absolute continuous pixels, top-left origin) to VOC integers.
 * `one-based` (the devkit's convention): `xmin = round(x) + 1`, `xmax = round(x + width)`, so
 * a box covering pixel columns 0…9 becomes `xmin 1, xmax 10`; clamped to `[1, W]` when the image
 * width is known. `zero-based`: `xmin = round(x)`, `xmax = round(x + width)`, clamped to
 * `[0, W]`.
 */
export function toVocBox(
  box: Box,
  width: number | undefined,
  height: number | undefined,
  convention: VocCoordinates,
): VocBoxResult {
  const x = axis(box.x, box.width, width, convention);
  const y = axis(box.y, box.height, height, convention);
  return {
    box: { xmin: x.min, ymin: y.min, xmax: x.max, ymax: y.max },
    clamped: x.clamped || y.clamped,
  };
}

/** The inverse of {@link toVocBox}: a canonical box from VOC numbers (floats tolerated). */
export function fromVocBox(box: VocBox, convention: VocCoordinates): Box {
  if (convention === 'one-based') {
    return {
      x: box.xmin - 1,
      y: box.ymin - 1,
      width: box.xmax - box.xmin + 1,
      height: box.ymax - box.ymin + 1,
    };
  }
  return { x: box.xmin, y: box.ymin, width: box.xmax - box.xmin, height: box.ymax - box.ymin };
}

/** True when a canonical box does not overlap a `width × height` image at all. */
export function outsideImage(box: Box, width: number, height: number): boolean {
  return box.x + box.width <= 0 || box.y + box.height <= 0 || box.x >= width || box.y >= height;
}
