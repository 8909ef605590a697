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

/**
 * Clips a polygon to the rectangle `[0, width] × [0, height]` (Sutherland–Hodgman; exact for
 * any simple polygon against a convex window, which a rectangle is). Vertices that come through
 * unchanged keep their identity (and any extra fields such as a DM vertex id); new vertices lie
 * on the border. Returns the input array itself when nothing is outside, so a caller can tell
 * "unchanged" by identity; an empty list when nothing is inside.
 */
export function clipPolygonToRect<P extends Point>(
  points: readonly P[],
  width: number,
  height: number,
): readonly (P | Point)[] {
  let inside = true;
  for (const p of points) {
    if (p.x < 0 || p.y < 0 || p.x > width || p.y > height) {
      inside = false;
      break;
    }
  }
  if (inside) {
    return points;
  }
  interface Edge {
    keep: (p: Point) => boolean;
    cut: (a: Point, b: Point) => Point;
  }
  const at = (a: Point, b: Point, t: number): Point => ({
    x: a.x + (b.x - a.x) * t,
    y: a.y + (b.y - a.y) * t,
  });
  const edges: Edge[] = [
    { keep: (p) => p.x >= 0, cut: (a, b) => ({ ...at(a, b, a.x / (a.x - b.x)), x: 0 }) },
    {
      keep: (p) => p.x <= width,
      cut: (a, b) => ({ ...at(a, b, (a.x - width) / (a.x - b.x)), x: width }),
    },
    { keep: (p) => p.y >= 0, cut: (a, b) => ({ ...at(a, b, a.y / (a.y - b.y)), y: 0 }) },
    {
      keep: (p) => p.y <= height,
      cut: (a, b) => ({ ...at(a, b, (a.y - height) / (a.y - b.y)), y: height }),
    },
  ];
  let out: (P | Point)[] = [...points];
  for (const edge of edges) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i] as Point;
      const prev = input[(i + input.length - 1) % input.length] as Point;
      const curIn = edge.keep(cur);
      const prevIn = edge.keep(prev);
      if (curIn) {
        if (!prevIn) {
          out.push(edge.cut(prev, cur));
        }
        out.push(cur);
      } else if (prevIn) {
        out.push(edge.cut(prev, cur));
      }
    }
    if (out.length === 0) {
      break;
    }
  }
  // A cut through a corner gives the corner twice: keep one.
  return out.filter((p, i) => {
    const prev = out[(i + out.length - 1) % out.length] as Point;
    return out.length === 1 || p.x !== prev.x || p.y !== prev.y;
  });
}
