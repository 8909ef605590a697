import { bridgePolygons, rotatedBoxCorners, type Contour, type Point } from '@synx/geometry';
import type { MaskAnnotation } from '@synx/model';
import type { ObjectScope } from '@synx/plugin-api';
import { traceMask } from '../geometry.js';
import type { YoloMessageId } from '../messages.js';
import type { ImageContext, Use, YoloTaskModule } from './task.js';

/** The outline of an object's masks (traced, parts bridged), or undefined. */
function maskOutline(
  o: ObjectScope<YoloMessageId>,
  masks: readonly MaskAnnotation[],
  c: ImageContext,
  uses: Use[],
): Point[] | undefined {
  if (c.options.masks === 'skip') {
    for (const m of masks) {
      o.drop(m, 'masksSkipped');
    }
    return undefined;
  }
  const traced: { m: MaskAnnotation; contours: Contour[] }[] = [];
  for (const m of masks) {
    const t = traceMask(m.pixelIndices, c.width, c.height);
    if (Array.isArray(t)) {
      traced.push({ m, contours: t });
    } else {
      o.drop(m, 'maskTooLarge', { width: t.width, height: t.height });
    }
  }
  const contours = traced.flatMap((t) => t.contours);
  if (contours.length === 0) {
    for (const t of traced) {
      o.drop(t.m, 'emptyMask');
    }
    return undefined;
  }
  for (const t of traced) {
    uses.push({ a: t.m, conversion: 'maskTraced' });
  }
  return bridgePolygons(contours.map((k) => k.points));
}

/**
 * `segment`: `class x1 y1 x2 y2 …`, one outline per object: its polygons (several joined by
 * zero-width bridges), else its traced masks, else its box's corners.
 */
export const segmentTask: YoloTaskModule = {
  treatments: (options) => ({
    polygon: {
      action: 'keep',
      note: 'one outline per object; several parts are joined with zero-width bridges',
    },
    bbox:
      options.boxes === 'polygon'
        ? { action: 'convert', to: 'polygon', messageId: 'boxCorners' }
        : { action: 'drop', messageId: 'boxesSkipped' },
    'rotated-bbox':
      options.boxes === 'polygon'
        ? { action: 'convert', to: 'polygon', messageId: 'boxCorners' }
        : { action: 'drop', messageId: 'boxesSkipped' },
    mask:
      options.masks === 'trace'
        ? { action: 'convert', to: 'polygon', messageId: 'maskTraced' }
        : { action: 'drop', messageId: 'masksSkipped' },
    keypoint: { action: 'drop', messageId: 'keypointsNeedPose' },
    'ungrouped-keypoint': { action: 'drop', messageId: 'keypointsNeedPoseAndGroup' },
  }),
  draw(o, polygons, c) {
    const uses: Use[] = [];
    const { masks, keypoints } = o.instance;
    const box = o.box;
    let outline: Point[] | undefined;
    if (polygons.length > 0) {
      const [only] = polygons;
      outline =
        polygons.length === 1 ? only?.points : bridgePolygons(polygons.map((p) => p.points));
      for (const p of polygons) {
        uses.push(polygons.length === 1 ? { a: p } : { a: p, conversion: 'partsBridged' });
      }
      for (const m of masks) {
        o.drop(m, 'polygonsAndMask');
      }
    } else if (masks.length > 0) {
      outline = maskOutline(o, masks, c, uses);
    }
    if (outline === undefined && box !== undefined) {
      if (c.options.boxes === 'skip') {
        o.drop(box, 'boxesSkipped');
      } else {
        outline = rotatedBoxCorners(box);
        uses.push({ a: box, conversion: 'boxCorners' });
      }
    } else if (box !== undefined) {
      uses.push({ a: box, conversion: 'boxImplied' });
    }
    for (const k of keypoints) {
      o.drop(k, 'keypointsNeedPose');
    }
    return { body: c.norm.outline(outline), uses };
  },
};
