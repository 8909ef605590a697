import { pixelIndicesBbox } from '@synx/geometry';
import type { MaskAnnotation, Media } from '@synx/model';

/** An axis-aligned extent in absolute pixels. */
export interface Extent {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

/** The tight extent of points, by exact minimum and maximum (no arithmetic on coordinates). */
export function extentOf(points: readonly { readonly x: number; readonly y: number }[]): Extent {
  let xmin = Infinity;
  let ymin = Infinity;
  let xmax = -Infinity;
  let ymax = -Infinity;
  for (const p of points) {
    xmin = Math.min(xmin, p.x);
    ymin = Math.min(ymin, p.y);
    xmax = Math.max(xmax, p.x);
    ymax = Math.max(ymax, p.y);
  }
  return { xmin, ymin, xmax, ymax };
}

/** The extent of a mask's pixels, or the message id of why it has none. */
export function maskExtent(
  mask: MaskAnnotation,
  media: Media,
): Extent | 'maskSizeUnknown' | 'emptyMask' {
  const w = media.width;
  const h = media.height;
  if (w === undefined || h === undefined) {
    return 'maskSizeUnknown';
  }
  const [x, y, bw, bh] = pixelIndicesBbox(mask.pixelIndices, w, h);
  if (bw === 0 || bh === 0) {
    return 'emptyMask';
  }
  return { xmin: x, ymin: y, xmax: x + bw, ymax: y + bh };
}

/** The extent cut to `[0, width] × [0, height]`; the same object when nothing was cut. */
export function clampExtent(e: Extent, width: number, height: number): Extent {
  const cut = (v: number, max: number): number => Math.min(Math.max(v, 0), max);
  const c = {
    xmin: cut(e.xmin, width),
    ymin: cut(e.ymin, height),
    xmax: cut(e.xmax, width),
    ymax: cut(e.ymax, height),
  };
  return c.xmin === e.xmin && c.ymin === e.ymin && c.xmax === e.xmax && c.ymax === e.ymax ? e : c;
}
