/** A point in image pixels. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** An axis-aligned box: top-left corner plus size. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Area of a simple polygon (shoelace formula, absolute value). */
export function polygonArea(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    const b = points[(i + 1) % points.length];
    if (a !== undefined && b !== undefined) {
      sum += a.x * b.y - b.x * a.y;
    }
  }
  return Math.abs(sum) / 2;
}

/** The tight axis-aligned box around a set of points (zero box for none). */
export function pointsExtent(points: readonly Point[]): Box {
  if (points.length === 0) {
    return { x: 0, y: 0, width: 0, height: 0 };
  }
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/**
 * The four corners of a box rotated by `rotation` radians about its centre. Image coordinates
 * (y down): a positive angle turns the box clockwise on screen, as CSS and canvas do. Corners
 * come in the order top-left, top-right, bottom-right, bottom-left of the unrotated box.
 */
export function rotatedBoxCorners(
  box: Box & { readonly rotation?: number | undefined },
): [Point, Point, Point, Point] {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const t = box.rotation ?? 0;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const corner = (dx: number, dy: number): Point => ({
    x: cx + dx * cos - dy * sin,
    y: cy + dx * sin + dy * cos,
  });
  const hw = box.width / 2;
  const hh = box.height / 2;
  return [corner(-hw, -hh), corner(hw, -hh), corner(hw, hh), corner(-hw, hh)];
}

/** The axis-aligned hull of a rotated box (the box itself when not rotated). */
export function rotatedBoxHull(box: Box & { readonly rotation?: number | undefined }): Box {
  if ((box.rotation ?? 0) === 0) {
    return { x: box.x, y: box.y, width: box.width, height: box.height };
  }
  return pointsExtent(rotatedBoxCorners(box));
}

/** Clamps a box to `[0, width] × [0, height]`; reports whether anything was cut. */
export function clampBox(box: Box, width: number, height: number): { box: Box; clamped: boolean } {
  const x0 = Math.min(Math.max(box.x, 0), width);
  const y0 = Math.min(Math.max(box.y, 0), height);
  const x1 = Math.min(Math.max(box.x + box.width, 0), width);
  const y1 = Math.min(Math.max(box.y + box.height, 0), height);
  const clamped =
    x0 !== box.x || y0 !== box.y || x1 !== box.x + box.width || y1 !== box.y + box.height;
  return { box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, clamped };
}
