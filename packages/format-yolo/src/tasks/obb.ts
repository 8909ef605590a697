import { pointsExtent, rotatedBoxCorners, type Box, type Point } from '@synx/geometry';
import type { Annotation } from '@synx/model';
import { extentOf, maskExtent } from '../geometry.js';
import type { Use, YoloTaskModule } from './task.js';

/**
 * `obb`: `class x1 y1 x2 y2 x3 y3 x4 y4`, the 4 corners of the object's (rotated) box, else of
 * the axis-aligned extent of its polygons, masks and keypoints.
 */
export const obbTask: YoloTaskModule = {
  treatments: () => ({
    bbox: { action: 'keep', note: 'as 4 corners' },
    'rotated-bbox': { action: 'keep', note: 'as its 4 rotated corners, normalised' },
    polygon: { action: 'convert', to: 'obb', messageId: 'obbExtent' },
    mask: { action: 'convert', to: 'obb', messageId: 'obbExtent' },
    keypoint: { action: 'drop', messageId: 'keypointsNeedPose' },
    'ungrouped-keypoint': { action: 'drop', messageId: 'keypointsNeedPoseAndGroup' },
  }),
  draw(o, polygons, c) {
    const uses: Use[] = [];
    const { masks, keypoints } = o.instance;
    const box = o.box;
    let corners: Point[] | undefined;
    if (box !== undefined) {
      corners = rotatedBoxCorners(box);
      uses.push({ a: box });
      for (const a of [...polygons, ...masks]) {
        o.drop(a, 'outlineNotKept');
      }
    } else {
      // Two or more keypoints span an extent; one alone does not.
      const spanning = keypoints.length > 1 ? keypoints : [];
      const exts: Box[] = [
        ...polygons.map((p) => pointsExtent(p.points)),
        ...masks.map((m) => maskExtent(m.pixelIndices, c.width, c.height)),
        ...(spanning.length > 0 ? [pointsExtent(spanning)] : []),
      ];
      if (exts.length > 0) {
        corners = rotatedBoxCorners(extentOf(exts));
        const used: Annotation[] = [...polygons, ...masks, ...spanning];
        for (const a of used) {
          uses.push({ a, conversion: 'obbExtent', data: { kind: a.kind } });
        }
      }
    }
    for (const k of keypoints) {
      if (!uses.some((u) => u.a === k)) {
        o.drop(k, 'keypointsNeedPose');
      }
    }
    return { body: c.norm.outline(corners), uses };
  },
};
