import type { Point } from './polygon.js';

/** A traced outer contour of one 4-connected region of a mask. */
export interface Contour {
  /** Vertices at pixel corners, clockwise on screen, without repeated or collinear points. */
  readonly points: Point[];
  /** Number of mask pixels in the region. */
  readonly area: number;
}

// Directions on the corner grid (y down): east, south, west, north.
const DX = [1, 0, -1, 0] as const;
const DY = [0, 1, 0, -1] as const;

/**
 * Traces the outer boundary of every 4-connected region of a binary mask given as row-major
 * pixel indices (`y * width + x`). Each contour runs along pixel edges, so its vertices are pixel
 * corners and it encloses exactly the region's pixels (holes are not traced: the contour is the
 * region's outline). Regions come largest first. Indices outside the image are ignored.
 */
export function traceContours(
  indices: readonly number[],
  width: number,
  height: number,
): Contour[] {
  if (width <= 0 || height <= 0 || indices.length === 0) {
    return [];
  }
  // Padded grid: a one-pixel border of background removes bounds checks while tracing.
  const pw = width + 2;
  const grid = new Uint8Array(pw * (height + 2));
  const total = width * height;
  for (const idx of indices) {
    if (idx >= 0 && idx < total && Number.isInteger(idx)) {
      const y = Math.floor(idx / width);
      const x = idx - y * width;
      grid[(y + 1) * pw + x + 1] = 1;
    }
  }
  const fg = (px: number, py: number): boolean => grid[(py + 1) * pw + px + 1] === 1;

  // Label regions with a flood fill (4-connectivity), remembering each region's first pixel in
  // scan order and its size.
  const label = new Int32Array(grid.length);
  const regions: { start: number; area: number }[] = [];
  const stack: number[] = [];
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const cell = (py + 1) * pw + px + 1;
      if (grid[cell] !== 1 || label[cell] !== 0) {
        continue;
      }
      const id = regions.length + 1;
      let area = 0;
      label[cell] = id;
      stack.push(cell);
      while (stack.length > 0) {
        const c = stack.pop() ?? 0;
        area++;
        for (const n of [c - 1, c + 1, c - pw, c + pw]) {
          if (grid[n] === 1 && label[n] === 0) {
            label[n] = id;
            stack.push(n);
          }
        }
      }
      regions.push({ start: cell, area });
    }
  }

  const contours: Contour[] = [];
  for (const region of regions) {
    const sy = Math.floor(region.start / pw) - 1;
    const sx = region.start - (sy + 1) * pw - 1;
    // The first pixel in scan order has background above and to the left: start at its
    // top-left corner heading east, keeping the region on the right.
    let x = sx;
    let y = sy;
    let d = 0;
    const points: Point[] = [{ x, y }];
    for (let guard = 0; guard < 8 * (width + 1) * (height + 1) + 8; guard++) {
      if (guard > 0 && x === sx && y === sy && d === 0) {
        break;
      }
      // The two pixels ahead of corner (x, y) when heading d: ahead-right and ahead-left.
      const dx = DX[d] ?? 0;
      const dy = DY[d] ?? 0;
      const rx = -dy;
      const ry = dx;
      const arX = x + Math.min(0, dx, rx, dx + rx);
      const arY = y + Math.min(0, dy, ry, dy + ry);
      const alX = x + Math.min(0, dx, -rx, dx - rx);
      const alY = y + Math.min(0, dy, -ry, dy - ry);
      const right = fg(arX, arY);
      const left = fg(alX, alY);
      let nd = d;
      if (!right) {
        nd = (d + 1) % 4; // turn right
      } else if (left) {
        nd = (d + 3) % 4; // turn left
      }
      if (nd !== d) {
        const last = points[points.length - 1];
        if (last?.x !== x || last.y !== y) {
          points.push({ x, y });
        }
        d = nd;
        continue;
      }
      x += dx;
      y += dy;
    }
    // simplify() drops the repeated start and any vertex on a straight run.
    contours.push({ points: simplify(points), area: region.area });
  }
  return contours.sort((a, b) => b.area - a.area);
}

/** Removes vertices that lie on the straight line between their neighbours (and duplicates). */
function simplify(points: Point[]): Point[] {
  const unique: Point[] = [];
  for (const p of points) {
    const last = unique[unique.length - 1];
    if (last?.x !== p.x || last.y !== p.y) {
      unique.push(p);
    }
  }
  const first = unique[0];
  const lastPoint = unique[unique.length - 1];
  if (
    unique.length > 1 &&
    first !== undefined &&
    first.x === lastPoint?.x &&
    first.y === lastPoint.y
  ) {
    unique.pop();
  }
  const out: Point[] = [];
  const n = unique.length;
  for (let i = 0; i < n; i++) {
    const prev = unique[(i - 1 + n) % n];
    const cur = unique[i];
    const next = unique[(i + 1) % n];
    if (prev === undefined || cur === undefined || next === undefined) {
      continue;
    }
    const cross = (cur.x - prev.x) * (next.y - cur.y) - (cur.y - prev.y) * (next.x - cur.x);
    if (cross !== 0) {
      out.push(cur);
    }
  }
  return out;
}

function dist2(a: Point, b: Point): number {
  return (a.x - b.x) ** 2 + (a.y - b.y) ** 2;
}

/**
 * Joins several polygons into one outline with zero-width bridges between their closest
 * vertices (the technique ultralytics uses for multi-part YOLO segments): the result visits
 * every input polygon once and returns along each bridge. Polygons are joined in order, each to
 * the nearest vertex of the outline built so far.
 */
export function bridgePolygons(polygons: readonly (readonly Point[])[]): Point[] {
  const parts = polygons.filter((p) => p.length > 0);
  const first = parts[0];
  if (first === undefined) {
    return [];
  }
  let outline: Point[] = [...first];
  for (const poly of parts.slice(1)) {
    let bi = 0;
    let bj = 0;
    let best = Infinity;
    for (let i = 0; i < outline.length; i++) {
      const a = outline[i];
      if (a === undefined) {
        continue;
      }
      for (let j = 0; j < poly.length; j++) {
        const b = poly[j];
        if (b === undefined) {
          continue;
        }
        const d = dist2(a, b);
        if (d < best) {
          best = d;
          bi = i;
          bj = j;
        }
      }
    }
    const rotated = [...poly.slice(bj), ...poly.slice(0, bj)];
    const anchor = outline[bi];
    const entry = rotated[0];
    if (anchor === undefined || entry === undefined) {
      continue;
    }
    outline = [...outline.slice(0, bi + 1), ...rotated, entry, anchor, ...outline.slice(bi + 1)];
  }
  return outline;
}
