import {
  pixelIndicesBbox,
  pointsExtent,
  traceContours,
  type Box,
  type Contour,
  type Point,
} from '@synx/geometry';
import { MAX_TRACE_PIXELS } from './messages.js';

const SLACK = 1e-9;

/**
 * Normalises coordinates to [0, 1] with 6 decimals. Values outside (beyond float noise) are
 * clamped and flagged so the caller can count them.
 */
export class Normaliser {
  /** True when a value was clamped since the last {@link reset}. */
  clamped = false;
  readonly #w: number;
  readonly #h: number;
  constructor(w: number, h: number) {
    this.#w = w;
    this.#h = h;
  }
  /** Starts a new object: nothing clamped yet. */
  reset(): void {
    this.clamped = false;
  }
  #n(v: number, size: number): string {
    let u = v / size;
    if (u < 0 || u > 1) {
      if (u < -SLACK || u > 1 + SLACK) {
        this.clamped = true;
      }
      u = Math.min(1, Math.max(0, u));
    }
    return u.toFixed(6);
  }
  x(v: number): string {
    return this.#n(v, this.#w);
  }
  y(v: number): string {
    return this.#n(v, this.#h);
  }
  /** `cx cy w h` of a box, clamped to the image first (so a box half outside shrinks, not shifts). */
  box(b: Box): string | undefined {
    const x0 = Math.min(Math.max(b.x, 0), this.#w);
    const y0 = Math.min(Math.max(b.y, 0), this.#h);
    const x1 = Math.min(Math.max(b.x + b.width, 0), this.#w);
    const y1 = Math.min(Math.max(b.y + b.height, 0), this.#h);
    if (
      Math.abs(x0 - b.x) > SLACK ||
      Math.abs(y0 - b.y) > SLACK ||
      Math.abs(x1 - b.x - b.width) > SLACK ||
      Math.abs(y1 - b.y - b.height) > SLACK
    ) {
      this.clamped = true;
    }
    if (x1 - x0 <= 0 || y1 - y0 <= 0) {
      return undefined;
    }
    return `${this.x((x0 + x1) / 2)} ${this.y((y0 + y1) / 2)} ${this.x(x1 - x0)} ${this.y(y1 - y0)}`;
  }
  points(ps: readonly Point[]): string {
    return ps.map((p) => `${this.x(p.x)} ${this.y(p.y)}`).join(' ');
  }
  /** The points of an outline with at least 3 vertices and a non-zero extent, else undefined. */
  outline(ps: readonly Point[] | undefined): string | undefined {
    if (ps === undefined || ps.length < 3) {
      return undefined;
    }
    const ext = pointsExtent(ps);
    return ext.width > 0 && ext.height > 0 ? this.points(ps) : undefined;
  }
}

/** The extent of several boxes. */
export function extentOf(boxes: readonly Box[]): Box {
  return pointsExtent(
    boxes.flatMap((e) => [
      { x: e.x, y: e.y },
      { x: e.x + e.width, y: e.y + e.height },
    ]),
  );
}

/**
 * The outlines of a mask, traced within its extent (so the work and memory follow the mask,
 * not the image: a small mask on a 100,000 × 100,000 scan is cheap), or the extent that is too
 * large to trace.
 */
export function traceMask(
  indices: readonly number[],
  w: number,
  h: number,
): Contour[] | { readonly width: number; readonly height: number } {
  const [x0, y0, bw, bh] = pixelIndicesBbox(indices, w, h);
  if (bw === 0 || bh === 0) {
    return [];
  }
  if (bw * bh > MAX_TRACE_PIXELS) {
    return { width: bw, height: bh };
  }
  const total = w * h;
  const local: number[] = [];
  for (const idx of indices) {
    if (idx >= 0 && idx < total && Number.isInteger(idx)) {
      const y = Math.floor(idx / w);
      local.push((y - y0) * bw + (idx - y * w - x0));
    }
  }
  return traceContours(local, bw, bh).map((c) => ({
    area: c.area,
    points: c.points.map((p) => ({ x: p.x + x0, y: p.y + y0 })),
  }));
}

/** The pixel extent of a mask. */
export function maskExtent(indices: readonly number[], w: number, h: number): Box {
  const [x, y, bw, bh] = pixelIndicesBbox(indices, w, h);
  return { x, y, width: bw, height: bh };
}
