import { pointsExtent, rotatedBoxHull, type Box } from '@synx/geometry';
import type { PolygonAnnotation } from '@synx/model';
import type { ObjectScope } from '@synx/plugin-api';
import { extentOf, maskExtent } from '../geometry.js';
import type { YoloMessageId } from '../messages.js';
import type { ImageContext, Use, YoloTaskModule } from './task.js';

/**
 * The axis-aligned box of an object (detect and pose): its box (a rotated one as its hull),
 * else the extent of its polygons and masks. Records the parts it uses in `uses`.
 */
export function objectBox(
  o: ObjectScope<YoloMessageId>,
  polygons: readonly PolygonAnnotation[],
  c: ImageContext,
  uses: Use[],
): Box | undefined {
  const box = o.box;
  const masks = o.instance.masks;
  if (box !== undefined) {
    if (box.rotation !== undefined && box.rotation !== 0) {
      uses.push({ a: box, conversion: 'rotatedHull' });
    } else {
      uses.push({ a: box });
    }
    for (const a of [...polygons, ...masks]) {
      o.drop(a, 'outlineNeedsSegment');
    }
    return box.rotation !== undefined && box.rotation !== 0 ? rotatedBoxHull(box) : box;
  }
  const exts: Box[] = [
    ...polygons.map((p) => pointsExtent(p.points)),
    ...masks.map((m) => maskExtent(m.pixelIndices, c.width, c.height)),
  ];
  if (exts.length === 0) {
    return undefined;
  }
  for (const a of [...polygons, ...masks]) {
    uses.push({ a, conversion: 'boxExtent', data: { kind: a.kind } });
  }
  return extentOf(exts);
}

/** `detect`: `class cx cy w h`. */
export const detectTask: YoloTaskModule = {
  treatments: () => ({
    bbox: { action: 'keep' },
    'rotated-bbox': { action: 'convert', to: 'axis-aligned bbox', messageId: 'rotatedHull' },
    polygon: { action: 'convert', to: 'bbox', messageId: 'boxExtent' },
    mask: { action: 'convert', to: 'bbox', messageId: 'boxExtent' },
    keypoint: { action: 'drop', messageId: 'keypointsNeedPose' },
    'ungrouped-keypoint': { action: 'drop', messageId: 'keypointsNeedPoseAndGroup' },
  }),
  draw(o, polygons, c) {
    const uses: Use[] = [];
    const b = objectBox(o, polygons, c, uses);
    for (const k of o.instance.keypoints) {
      o.drop(k, 'keypointsNeedPose');
    }
    return { body: b === undefined ? undefined : c.norm.box(b), uses };
  },
};
