import { pointsExtent } from '@synx/geometry';
import { instancesOf, type Annotation, type Instance, type Media } from '@synx/model';
import type { SampleShape } from './types.js';

/** A rounded coordinate: two decimals, no `-0`, so the same input gives the same bytes. */
export function round2(v: number): number {
  const r = Math.round(v * 100) / 100;
  return r === 0 ? 0 : r;
}

/** An object's extent in pixels. */
export interface Extent {
  readonly width: number;
  readonly height: number;
}

/** Row runs of a mask as SVG path data (`M x y h w v 1 h -w z` per run), and its extent. */
export function maskPath(
  indices: readonly number[],
  width: number,
): { path: string; minX: number; minY: number; maxX: number; maxY: number } | undefined {
  if (indices.length === 0 || width <= 0) {
    return undefined;
  }
  const sorted = Float64Array.from(indices).sort();
  const parts: string[] = [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i] ?? 0;
    let end = start;
    const y = Math.floor(start / width);
    const rowEnd = (y + 1) * width;
    i++;
    while (i < sorted.length) {
      const next = sorted[i] ?? 0;
      if (next === end) {
        i++; // a repeated index
      } else if (next === end + 1 && next < rowEnd) {
        end = next;
        i++;
      } else {
        break;
      }
    }
    const x = start - y * width;
    const run = end - start + 1;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x + run);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y + 1);
    parts.push(`M${x} ${y}h${run}v1h-${run}z`);
  }
  return { path: parts.join(''), minX, minY, maxX, maxY };
}

function extentOfPoints(points: readonly { x: number; y: number }[]): Extent | undefined {
  if (points.length === 0) {
    return undefined;
  }
  const { width, height } = pointsExtent(points);
  return { width, height };
}

/**
 * The extent of one object: its (first) box — unrotated sides for a rotated box — else the
 * extent of its polygons and polylines, else of its masks (needs the image width), else of its
 * keypoints (two or more).
 */
export function instanceExtent(inst: Instance, imageWidth: number | undefined): Extent | undefined {
  const box = inst.boxes[0];
  if (box !== undefined) {
    return { width: box.width, height: box.height };
  }
  const points = [...inst.polygons, ...inst.polylines].flatMap((p) => p.points);
  if (points.length > 0) {
    return extentOfPoints(points);
  }
  if (inst.masks.length > 0 && imageWidth !== undefined) {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const m of inst.masks) {
      for (const idx of m.pixelIndices) {
        const y = Math.floor(idx / imageWidth);
        const x = idx - y * imageWidth;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x + 1);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y + 1);
      }
    }
    return Number.isFinite(minX) ? { width: maxX - minX, height: maxY - minY } : undefined;
  }
  return inst.keypoints.length > 1 ? extentOfPoints(inst.keypoints) : undefined;
}

/** True when a polygon is exactly the (unrotated) rectangle of a box (COCO's box segmentation). */
function isBoxPolygon(
  points: readonly { x: number; y: number }[],
  box: { x: number; y: number; width: number; height: number; rotation?: number | undefined },
): boolean {
  if ((box.rotation ?? 0) !== 0 || points.length !== 4) {
    return false;
  }
  const near = (a: number, b: number): boolean => Math.abs(a - b) < 0.01;
  const xs = [box.x, box.x + box.width];
  const ys = [box.y, box.y + box.height];
  const corners = new Set<string>();
  for (const p of points) {
    const i = xs.findIndex((x) => near(x, p.x));
    const j = ys.findIndex((y) => near(y, p.y));
    if (i < 0 || j < 0) {
      return false;
    }
    corners.add(`${i}${j}`);
  }
  return corners.size === 4;
}

function flat(points: readonly { x: number; y: number }[]): number[] {
  return points.flatMap((p) => [round2(p.x), round2(p.y)]);
}

/**
 * The shapes to draw for one image: every box (rotated about its centre), polygon, polyline,
 * keypoint and mask, with the instance each keypoint belongs to. A polygon that only repeats its
 * object's box (COCO writes a box's segmentation as its rectangle) is not drawn twice.
 */
export function sampleShapes(
  media: Media,
  slotOf: (code: string | null) => number,
  keypointIndex: (code: string | null) => number,
): SampleShape[] {
  const shapes: SampleShape[] = [];
  const { instances, rest } = instancesOf(media);
  const width = media.width;
  const mask = (m: Annotation & { kind: 'mask' }, c: number): void => {
    if (width === undefined) {
      return;
    }
    const p = maskPath(m.pixelIndices, width);
    if (p !== undefined) {
      shapes.push({ kind: 'mask', c, id: m.id, path: p.path, pixels: m.pixelIndices.length });
    }
  };
  instances.forEach((inst, n) => {
    const c = slotOf(inst.classCode);
    const polygons = inst.polygons.filter(
      (p) => !inst.boxes.some((b) => isBoxPolygon(p.points, b)),
    );
    // The class name goes on one shape of the instance: its first box, else polygon, else polyline.
    const tagged = inst.boxes[0] ?? polygons[0] ?? inst.polylines[0];
    for (const m of inst.masks) {
      mask(m, c);
    }
    for (const p of polygons) {
      shapes.push({ kind: 'polygon', c, id: p.id, points: flat(p.points), tag: p === tagged });
    }
    for (const p of inst.polylines) {
      shapes.push({ kind: 'polyline', c, id: p.id, points: flat(p.points), tag: p === tagged });
    }
    for (const b of inst.boxes) {
      shapes.push({
        kind: 'bbox',
        c,
        id: b.id,
        x: round2(b.x),
        y: round2(b.y),
        w: round2(b.width),
        h: round2(b.height),
        r: b.rotation ?? 0,
        tag: b === tagged,
      });
    }
    for (const k of inst.keypoints) {
      shapes.push({
        kind: 'keypoint',
        c,
        id: k.id,
        x: round2(k.x),
        y: round2(k.y),
        k: keypointIndex(k.classCode),
        name: k.classCode ?? '',
        inst: n,
      });
    }
  });
  for (const a of rest) {
    if (a.kind === 'keypoint') {
      shapes.push({
        kind: 'keypoint',
        c: -1,
        id: a.id,
        x: round2(a.x),
        y: round2(a.y),
        k: keypointIndex(a.classCode),
        name: a.classCode ?? '',
        inst: -1,
      });
    }
  }
  return shapes;
}
