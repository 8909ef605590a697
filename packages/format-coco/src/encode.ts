import {
  pixelIndicesToRle,
  pointsExtent,
  polygonArea,
  rleArea,
  rleBbox,
  rotatedBoxCorners,
  rotatedBoxHull,
  type Box,
} from '@synx/geometry';
import {
  type BBoxAnnotation,
  type ClassEntry,
  type JsonValue,
  type KeypointAnnotation,
  keypointVisibility,
} from '@synx/model';
import type { ObjectScope } from '@synx/plugin-api';
import type { CocoMessageId } from './messages.js';

/** For derived values only (areas, hulls); source coordinates are written exactly. */
export const round = (v: number): number => (Number.isInteger(v) ? v : Math.round(v * 1e6) / 1e6);

function flat(points: readonly { x: number; y: number }[]): number[] {
  const out: number[] = [];
  for (const p of points) {
    out.push(p.x, p.y);
  }
  return out;
}

/**
 * The segmentation polygon COCO gets for an object that has only a box (`boxSegmentation:
 * polygon`): the box's corners clockwise from the top-left (a rotated box's own corners), as
 * pycocotools' `loadRes` makes them for box results. Derived values, so rounded to 1e-6.
 */
export function boxPolygon(box: Box & { readonly rotation?: number | undefined }): number[] {
  if ((box.rotation ?? 0) !== 0) {
    return flat(rotatedBoxCorners(box)).map(round);
  }
  const { x, y, width, height } = box;
  const right = round(x + width);
  const bottom = round(y + height);
  return [x, y, right, y, right, bottom, x, bottom];
}

function crowdOf(value: JsonValue | undefined): number | undefined {
  if (value === true || value === 1 || value === '1' || value === 'true') {
    return 1;
  }
  if (value === false || value === 0 || value === '0' || value === 'false') {
    return 0;
  }
  return undefined;
}

/**
 * Encodes the kit's objects as COCO annotations: segmentation from polygons or a mask (RLE),
 * the bbox from the box (a rotated one as its hull) or the extent of the rest, keypoints in
 * the project's keypoint order.
 */
export class CocoObjectEncoder {
  readonly #categoryId: (e: ClassEntry) => number;
  readonly #keypointNames: readonly string[];
  readonly #keypointIndex: ReadonlyMap<string, number>;
  /** Class indices that got keypoints (their categories list the keypoint names). */
  readonly withKeypoints = new Set<number>();

  readonly #boxPolygon: boolean;

  /**
   * @param boxPolygon true: an object without polygon or mask gets its box as its segmentation
   *   (4 points; a rotated box its corners), so every annotation rasterises in pycocotools.
   */
  constructor(
    categoryId: (e: ClassEntry) => number,
    keypointNames: readonly string[],
    boxPolygon = true,
  ) {
    this.#boxPolygon = boxPolygon;
    this.#categoryId = categoryId;
    this.#keypointNames = keypointNames;
    this.#keypointIndex = new Map(keypointNames.map((n, i) => [n, i]));
  }

  /** The common case, kept lean: one ungrouped, unrotated box. */
  #plainBox(o: ObjectScope<CocoMessageId>, box: BBoxAnnotation): string | undefined {
    if (box.width <= 0 || box.height <= 0 || 'iscrowd' in box.attributes) {
      return undefined; // the general path says why (or handles the crowd flag)
    }
    let attrs = '';
    for (const _ in box.attributes) {
      attrs = `,"attributes":${JSON.stringify(box.attributes)}`;
      break;
    }
    o.keep(box);
    const seg = this.#boxPolygon ? `[[${boxPolygon(box).join(',')}]]` : '[]';
    // Template numbers print exactly as JSON.stringify prints them.
    return `"category_id":${this.#categoryId(o.cls)},"segmentation":${seg},"area":${round(box.width * box.height)},"bbox":[${box.x},${box.y},${box.width},${box.height}],"iscrowd":0${attrs}}`;
  }

  /**
   * One COCO object from the kit's object (one box at most, a known class): its JSON after
   * `"image_id":…,`, or undefined when nothing of it can be drawn.
   */
  encode(
    o: ObjectScope<CocoMessageId>,
    w: number | undefined,
    h: number | undefined,
  ): string | undefined {
    const inst = o.instance;
    const box = o.box;
    if (
      box !== undefined &&
      inst.group === undefined &&
      inst.parts.length === 1 &&
      (box.rotation === undefined || box.rotation === 0)
    ) {
      const plain = this.#plainBox(o, box);
      if (plain !== undefined) {
        return plain;
      }
    }
    let segmentation: JsonValue = [];
    let area = 0;
    let iscrowd = 0;
    const extents: Box[] = [];
    const polys = inst.polygons.filter((p) => {
      if (p.points.length < 3) {
        o.drop(p, 'fewVertices');
        return false;
      }
      return true;
    });
    for (const pl of inst.polylines) {
      o.drop(pl, 'polyline');
    }
    if (polys.length > 0) {
      segmentation = polys.map((p) => flat(p.points));
      area = polys.reduce((sum, p) => sum + polygonArea(p.points), 0);
      extents.push(...polys.map((p) => pointsExtent(p.points)));
      for (const p of polys) {
        o.keep(p);
      }
      for (const m of inst.masks) {
        o.drop(m, 'polygonsAndMask');
      }
    } else if (inst.masks.length > 0) {
      const [mask, ...more] = inst.masks;
      for (const m of more) {
        o.drop(m, 'secondMask');
      }
      if (mask !== undefined) {
        if (w === undefined || h === undefined) {
          o.drop(mask, 'maskSizeUnknown');
        } else {
          const rle = pixelIndicesToRle(mask.pixelIndices, w, h);
          segmentation = rle;
          area = rleArea(rle);
          const [x, y, bw, bh] = rleBbox(rle);
          extents.push({ x, y, width: bw, height: bh });
          iscrowd = crowdOf(mask.attributes['iscrowd'] ?? inst.attributes['iscrowd']) ?? 1;
          o.keep(mask);
        }
      }
    }
    let bbox: Box | undefined;
    const rotation = box?.rotation;
    const rotated = rotation !== undefined && rotation !== 0;
    if (box !== undefined) {
      if (rotated) {
        const hull = rotatedBoxHull(box);
        bbox = {
          x: round(hull.x),
          y: round(hull.y),
          width: round(hull.width),
          height: round(hull.height),
        };
        o.convert(box, 'rotatedHull');
      } else {
        bbox = { x: box.x, y: box.y, width: box.width, height: box.height };
        o.keep(box);
      }
    }
    let keypoints: number[] | undefined;
    let numKeypoints = 0;
    if (inst.keypoints.length > 0) {
      if (this.#keypointNames.length === 0) {
        for (const k of inst.keypoints) {
          o.drop(k, 'noKeypointClasses');
        }
      } else {
        const kp = new Array<number>(this.#keypointNames.length * 3).fill(0);
        const placed: KeypointAnnotation[] = [];
        for (const k of inst.keypoints) {
          const i = k.classCode === null ? undefined : this.#keypointIndex.get(k.classCode);
          if (i === undefined) {
            o.drop(k, 'unknownKeypoint', { keypoint: k.classCode ?? '' });
            continue;
          }
          if (kp[i * 3 + 2] !== 0) {
            o.drop(k, 'duplicateKeypoint', { keypoint: k.classCode ?? '' });
            continue;
          }
          kp[i * 3] = k.x;
          kp[i * 3 + 1] = k.y;
          kp[i * 3 + 2] = keypointVisibility(k);
          numKeypoints++;
          placed.push(k);
        }
        if (numKeypoints > 0) {
          keypoints = kp;
          for (const k of placed) {
            o.keep(k);
          }
          extents.push(pointsExtent(placed));
        }
      }
    }
    if (bbox === undefined && extents.length > 0) {
      bbox = pointsExtent(
        extents.flatMap((e) => [
          { x: e.x, y: e.y },
          { x: e.x + e.width, y: e.y + e.height },
        ]),
      );
    }
    if (bbox === undefined) {
      o.dropRest('nothingToDraw');
      return undefined;
    }
    if (bbox.width <= 0 || bbox.height <= 0) {
      o.dropRest('zeroArea');
      return undefined;
    }
    if (area === 0) {
      area = bbox.width * bbox.height;
    }
    if (this.#boxPolygon && Array.isArray(segmentation) && segmentation.length === 0) {
      // No polygon, no mask: the box (a rotated one by its corners) is the segmentation.
      segmentation = [boxPolygon(box !== undefined && rotated ? box : bbox)];
    }
    const attributes: Record<string, JsonValue> = { ...inst.attributes };
    delete attributes['iscrowd'];
    if (rotated) {
      attributes['rotation'] = rotation;
    }
    const ann: Record<string, JsonValue> = {
      category_id: this.#categoryId(o.cls),
      segmentation,
      area: round(area),
      bbox: [bbox.x, bbox.y, bbox.width, bbox.height],
      iscrowd,
    };
    if (keypoints !== undefined) {
      ann['keypoints'] = keypoints;
      ann['num_keypoints'] = numKeypoints;
      this.withKeypoints.add(o.cls.index);
    }
    if (Object.keys(attributes).length > 0) {
      ann['attributes'] = attributes;
    }
    return JSON.stringify(ann).slice(1);
  }
}
