import { pointsExtent } from '@synx/geometry';
import { keypointVisibility } from '@synx/model';
import type { Use, YoloTaskModule } from './task.js';
import { objectBox } from './detect.js';

/**
 * `pose`: `class cx cy w h` and `x y visibility` per configured keypoint (`0 0 0` when the
 * object has none of that class). An object with no box, polygon or mask is boxed by the extent
 * of its keypoints.
 */
export const poseTask: YoloTaskModule = {
  treatments: () => ({
    bbox: { action: 'keep' },
    'rotated-bbox': { action: 'convert', to: 'axis-aligned bbox', messageId: 'rotatedHull' },
    keypoint: {
      action: 'keep',
      note: 'x y visibility per configured keypoint (0 0 0 when missing); kpt_shape and flip_idx in data.yaml',
    },
    'ungrouped-keypoint': { action: 'drop', messageId: 'ungroupedKeypoint' },
    polygon: { action: 'convert', to: 'bbox', messageId: 'boxExtent' },
    mask: { action: 'convert', to: 'bbox', messageId: 'boxExtent' },
  }),
  draw(o, polygons, c) {
    const uses: Use[] = [];
    const keypoints = o.instance.keypoints;
    let b = objectBox(o, polygons, c, uses);
    if (b === undefined && keypoints.length > 1) {
      b = pointsExtent(keypoints);
    }
    const slots = new Array<{ x: number; y: number; v: number } | undefined>(c.keypointCount).fill(
      undefined,
    );
    for (const k of keypoints) {
      const i = k.classCode === null ? undefined : c.keypointIndex.get(k.classCode);
      if (i === undefined) {
        o.drop(k, 'unknownKeypoint', { keypoint: k.classCode ?? '' });
      } else if (slots[i] !== undefined) {
        o.drop(k, 'duplicateKeypoint', { keypoint: k.classCode ?? '' });
      } else {
        slots[i] = { x: k.x, y: k.y, v: keypointVisibility(k) };
        uses.push({ a: k });
      }
    }
    const kp = slots
      .map((s) =>
        s === undefined ? ' 0.000000 0.000000 0' : ` ${c.norm.x(s.x)} ${c.norm.y(s.y)} ${s.v}`,
      )
      .join('');
    const boxText = b === undefined ? undefined : c.norm.box(b);
    return { body: boxText === undefined ? undefined : `${boxText}${kp}`, uses };
  },
};
