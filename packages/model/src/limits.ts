import type { Annotation } from './schema.js';

/**
 * The largest coordinate magnitude synx accepts, in pixels (ten million). No image has a side
 * near it (whole-slide scans reach a few hundred thousand), and within it every derived value —
 * a box's far corner, its area, a polygon's shoelace sum — stays finite and exact enough to print.
 * Values beyond it are "absurd": the annotation is reported and left out (ADR 0017).
 */
export const MAX_COORDINATE = 10_000_000;

/** The largest image side accepted from data-unit meta or an image header, in pixels. */
export const MAX_IMAGE_SIDE = 1_000_000;

/** The largest pixel index (`y * width + x`) of an image within MAX_IMAGE_SIDE on each side. */
export const MAX_PIXEL_INDEX = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE;

/** A problem with one number of an annotation's geometry: the canonical field and why. */
export interface GeometryProblem {
  /** Canonical field path, e.g. `width`, `points[3].y`, `pixelIndices[7]`, `position.z`. */
  readonly field: string;
  readonly reason: string;
}

function describeNumber(v: unknown): string {
  if (typeof v !== 'number') {
    return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
  }
  return Number.isNaN(v) ? 'NaN' : String(v);
}

/**
 * Why `v` is not a usable coordinate (not a number, not finite, or beyond ±MAX_COORDINATE), or
 * undefined when it is one.
 */
export function coordinateProblem(v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    return `is ${describeNumber(v)}, not a finite number`;
  }
  if (Math.abs(v) > MAX_COORDINATE) {
    return `is ${describeNumber(v)}, beyond ±${MAX_COORDINATE.toLocaleString('en-US')} px (no image is that large)`;
  }
  return undefined;
}

function sizeProblem(v: unknown): string | undefined {
  const p = coordinateProblem(v);
  if (p !== undefined) {
    return p;
  }
  return (v as number) < 0 ? `is negative (${describeNumber(v)})` : undefined;
}

function indexProblem(v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    return `is ${describeNumber(v)}, not a non-negative integer`;
  }
  return v > MAX_PIXEL_INDEX ? `is ${v}, beyond any image` : undefined;
}

/**
 * The first number of an annotation's geometry that no format can write faithfully — not
 * finite, absurdly large, a negative size, a pixel index that is not a non-negative integer —
 * or undefined when all are usable. The one rule every writer and the DM v1 conversion apply
 * (ADR 0017); writers drop an annotation it flags and account for it with the reason.
 */
export function geometryProblem(a: Annotation): GeometryProblem | undefined {
  // Runs for every annotation every writer sees: plain number tests first, words only on a find.
  const at = (field: string, problem: string | undefined): GeometryProblem | undefined =>
    problem === undefined ? undefined : { field, reason: `${field} ${problem}` };
  switch (a.kind) {
    case 'bbox':
      if (
        usable(a.x) &&
        usable(a.y) &&
        usable(a.width) &&
        a.width >= 0 &&
        usable(a.height) &&
        a.height >= 0 &&
        (a.rotation === undefined || usable(a.rotation))
      ) {
        return undefined;
      }
      return (
        at('x', coordinateProblem(a.x)) ??
        at('y', coordinateProblem(a.y)) ??
        at('width', sizeProblem(a.width)) ??
        at('height', sizeProblem(a.height)) ??
        (a.rotation === undefined ? undefined : at('rotation', coordinateProblem(a.rotation)))
      );
    case 'keypoint':
      return usable(a.x) && usable(a.y)
        ? undefined
        : (at('x', coordinateProblem(a.x)) ?? at('y', coordinateProblem(a.y)));
    case 'polygon':
    case 'polyline': {
      const points = a.points;
      for (let i = 0; i < points.length; i++) {
        const p = points[i];
        if (p === undefined || !usable(p.x) || !usable(p.y)) {
          return (
            at(`points[${i}].x`, coordinateProblem(p?.x)) ??
            at(`points[${i}].y`, coordinateProblem(p?.y))
          );
        }
      }
      return undefined;
    }
    case 'mask':
    case 'point-segmentation': {
      const list = a.kind === 'mask' ? a.pixelIndices : a.points;
      for (let i = 0; i < list.length; i++) {
        const v = list[i];
        if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_PIXEL_INDEX)) {
          return at(`${a.kind === 'mask' ? 'pixelIndices' : 'points'}[${i}]`, indexProblem(v));
        }
      }
      return undefined;
    }
    case 'cuboid':
      for (const part of ['position', 'scale', 'rotation'] as const) {
        for (const axis of ['x', 'y', 'z'] as const) {
          const found = at(`${part}.${axis}`, coordinateProblem(a[part][axis]));
          if (found !== undefined) {
            return found;
          }
        }
      }
      return undefined;
    default:
      return undefined;
  }
}

/** A finite number within ±MAX_COORDINATE. */
function usable(v: unknown): boolean {
  return typeof v === 'number' && v <= MAX_COORDINATE && v >= -MAX_COORDINATE;
}
