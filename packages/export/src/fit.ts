import { clampBox, clipPolygonToRect, polygonArea, rotatedBoxHull } from '@synx/geometry';
import { dmFieldOf, type Annotation, type Issue, type Media } from '@synx/model';

/** An annotation the rule left out, and why (the pipeline accounts it as dropped). */
export interface Unfit {
  readonly annotation: Annotation;
  readonly reason: string;
  readonly code: 'SYNX_GEOMETRY_OUTSIDE' | 'SYNX_GEOMETRY_EMPTY';
  /** The DM v1 field of its geometry, e.g. `annotationsData.image_1[3].coordinate`. */
  readonly field: string;
}

function overlaps(x: number, y: number, w: number, h: number, W: number, H: number): boolean {
  return x < W && y < H && x + w > 0 && y + h > 0;
}

/**
 * The one rule for geometry against its image (ADR 0017), applied before any writer sees an
 * item, so every format treats the same annotation the same way:
 *
 * - degenerate shapes are left out whatever the image: a box without area, a polygon of fewer
 *   than three vertices or without area, a polyline of fewer than two vertices, an empty mask
 *   (`SYNX_GEOMETRY_EMPTY`);
 * - when the image size is known, a shape wholly outside `[0, W] × [0, H]` is left out
 *   (`SYNX_GEOMETRY_OUTSIDE`), and one partly outside is clipped to it: boxes and polygons are
 *   cut at the border, polyline vertices and mask pixels beyond it removed or moved onto it,
 *   keypoints outside left out. A rotated box keeps its corners (cutting would change its
 *   shape): a writer that turns it into an axis-aligned hull clips the hull.
 *
 * Clipped annotations are changed in place and reported as `SYNX_GEOMETRY_CLIPPED` warnings
 * (item, annotation, field); left-out ones are removed from `media.annotations` and returned.
 */
export function fitToImage(media: Media, itemId: string, report: (issue: Issue) => void): Unfit[] {
  const W = media.width;
  const H = media.height;
  const sized = W !== undefined && H !== undefined;
  const unfit: Unfit[] = [];
  const geometryField = (a: Annotation): string =>
    dmFieldOf(media.id, a, a.kind === 'mask' ? 'pixel_indices' : 'coordinate');
  const outside = (a: Annotation): void => {
    unfit.push({
      annotation: a,
      reason: `outside the ${String(W)}×${String(H)} image`,
      code: 'SYNX_GEOMETRY_OUTSIDE',
      field: geometryField(a),
    });
  };
  const empty = (a: Annotation, why: string): void => {
    unfit.push({
      annotation: a,
      reason: why,
      code: 'SYNX_GEOMETRY_EMPTY',
      field: geometryField(a),
    });
  };
  const clipped = (a: Annotation, what: string): void => {
    report({
      code: 'SYNX_GEOMETRY_CLIPPED',
      severity: 'warning',
      message: `${a.kind} ${a.id} extends outside the ${String(W)}×${String(H)} image; ${what}`,
      itemId,
      mediaId: media.id,
      annotationId: a.id,
      field: geometryField(a),
      action: 'clamped',
    });
  };
  for (const a of media.annotations) {
    switch (a.kind) {
      case 'bbox': {
        if (a.width === 0 || a.height === 0) {
          empty(a, `box of ${a.width}×${a.height} px has no area`);
        } else if (!sized) {
          // nothing to fit it to
        } else if (a.rotation !== undefined && a.rotation !== 0) {
          const hull = rotatedBoxHull(a);
          if (!overlaps(hull.x, hull.y, hull.width, hull.height, W, H)) {
            outside(a);
          }
        } else if (!overlaps(a.x, a.y, a.width, a.height, W, H)) {
          outside(a);
        } else {
          const { box, clamped } = clampBox(a, W, H);
          if (clamped) {
            a.x = box.x;
            a.y = box.y;
            a.width = box.width;
            a.height = box.height;
            clipped(a, 'clipped to it');
          }
        }
        break;
      }
      case 'polygon': {
        if (a.points.length < 3 || polygonArea(a.points) === 0) {
          empty(a, `polygon of ${a.points.length} vertices has no area`);
          break;
        }
        if (!sized) {
          break;
        }
        const cut = clipPolygonToRect(a.points, W, H);
        if (cut === a.points) {
          break;
        }
        if (cut.length < 3 || polygonArea(cut) === 0) {
          outside(a);
        } else {
          a.points = cut.map((p) => ('id' in p ? p : { x: p.x, y: p.y }));
          clipped(a, 'cut at the image border');
        }
        break;
      }
      case 'polyline': {
        if (a.points.length < 2) {
          empty(a, `polyline of ${a.points.length} vertices has no length`);
          break;
        }
        if (!sized) {
          break;
        }
        const inside = a.points.filter((p) => p.x >= 0 && p.y >= 0 && p.x <= W && p.y <= H);
        if (inside.length === a.points.length) {
          break;
        }
        if (inside.length === 0) {
          outside(a);
        } else {
          a.points = a.points.map((p) => ({
            ...p,
            x: Math.min(Math.max(p.x, 0), W),
            y: Math.min(Math.max(p.y, 0), H),
          }));
          clipped(a, 'vertices outside moved onto its border');
        }
        break;
      }
      case 'keypoint':
        if (sized && (a.x < 0 || a.y < 0 || a.x > W || a.y > H)) {
          outside(a);
        }
        break;
      case 'mask': {
        if (a.pixelIndices.length === 0) {
          empty(a, 'mask has no pixels');
          break;
        }
        if (!sized) {
          break;
        }
        const limit = W * H;
        let beyond = 0;
        for (const p of a.pixelIndices) {
          if (p >= limit) {
            beyond++;
          }
        }
        if (beyond === a.pixelIndices.length) {
          outside(a);
        } else if (beyond > 0) {
          a.pixelIndices = a.pixelIndices.filter((p) => p < limit);
          clipped(a, `${beyond} pixel(s) beyond it removed`);
        }
        break;
      }
      default:
        break;
    }
  }
  if (unfit.length > 0) {
    const gone = new Set(unfit.map((u) => u.annotation));
    media.annotations = media.annotations.filter((a) => !gone.has(a));
  }
  return unfit;
}
