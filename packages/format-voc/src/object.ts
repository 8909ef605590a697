import { pixelIndicesBbox, pointsExtent, rotatedBoxHull, type Box } from '@synx/geometry';
import type { Annotation } from '@synx/model';
import type { ObjectScope } from '@synx/plugin-api';
import { MAX_XML_TEXT } from './codes.js';
import { outsideImage, toVocBox } from './coordinates.js';
import { vocFieldsOf } from './fields.js';
import { sourceMessage, type VocMessageId, type VocSourceShape } from './messages.js';
import type { VocOptions } from './options.js';
import type { VocXmlObject } from './xml.js';

/** A part the VOC box is made from, and what it was converted from (undefined: a plain box). */
interface Source {
  readonly a: Annotation;
  readonly shape: VocSourceShape | undefined;
}

/** The box of an object, from its box, else its polygons, else its masks, else its keypoints. */
interface Extent {
  readonly extent: Box | undefined;
  readonly rotation: number | undefined;
  readonly sources: readonly Source[];
}

/**
 * The extent of the object's shape and the parts it is made from; drops the parts that do not
 * count (polylines, outlines beside a box, tiny polygons, masks of an image of unknown size).
 */
function extentOf(
  o: ObjectScope<VocMessageId>,
  w: number | undefined,
  h: number | undefined,
): Extent {
  const inst = o.instance;
  const box = o.box;
  const sources: Source[] = [];
  let extent: Box | undefined;
  let rotation: number | undefined;
  for (const pl of inst.polylines) {
    o.drop(pl, 'polyline');
  }
  const polygons = inst.polygons.filter((p) => {
    if (box === undefined && p.points.length < 3) {
      o.drop(p, 'tinyPolygon');
      return false;
    }
    return true;
  });
  if (box !== undefined) {
    if (box.rotation !== undefined && box.rotation !== 0) {
      extent = rotatedBoxHull(box);
      rotation = box.rotation;
      sources.push({ a: box, shape: 'rotated' });
    } else {
      extent = { x: box.x, y: box.y, width: box.width, height: box.height };
      sources.push({ a: box, shape: undefined });
    }
    for (const p of [...polygons, ...inst.masks]) {
      o.drop(p, 'outlineBesideBox');
    }
  } else if (polygons.length > 0) {
    extent = pointsExtent(polygons.flatMap((p) => p.points));
    for (const p of polygons) {
      sources.push({ a: p, shape: 'polygon' });
    }
    for (const m of inst.masks) {
      o.drop(m, 'maskBesidePolygon');
    }
  } else if (inst.masks.length > 0) {
    if (w === undefined || h === undefined) {
      for (const m of inst.masks) {
        o.drop(m, 'maskSizeUnknown');
      }
    } else {
      const corners: { x: number; y: number }[] = [];
      for (const m of inst.masks) {
        const [x, y, bw, bh] = pixelIndicesBbox(m.pixelIndices, w, h);
        if (bw > 0 && bh > 0) {
          corners.push({ x, y }, { x: x + bw, y: y + bh });
        }
        sources.push({ a: m, shape: 'mask' });
      }
      extent = pointsExtent(corners);
    }
  }
  if (extent === undefined && inst.keypoints.length > 0) {
    extent = pointsExtent(inst.keypoints);
    for (const k of inst.keypoints) {
      sources.push({ a: k, shape: 'keypoints' });
    }
  } else {
    for (const k of inst.keypoints) {
      o.drop(k, 'keypointsBesideShape');
    }
  }
  return { extent, rotation, sources };
}

/**
 * One VOC `<object>` from the kit's object (one box at most, a known class), or undefined when
 * nothing of it can be drawn (its parts are then dropped with the reason).
 */
export function encodeVocObject(
  o: ObjectScope<VocMessageId>,
  options: VocOptions,
  w: number | undefined,
  h: number | undefined,
): VocXmlObject | undefined {
  const { extent, rotation, sources } = extentOf(o, w, h);
  if (extent === undefined) {
    o.dropRest('nothing');
    return undefined;
  }
  if (!(extent.width > 0 && extent.height > 0)) {
    o.dropRest('zeroArea');
    return undefined;
  }
  if (w !== undefined && h !== undefined && outsideImage(extent, w, h)) {
    o.dropRest('outside');
    return undefined;
  }
  const { box: bndbox, clamped } = toVocBox(extent, w, h, options.coordinates);
  if (o.cls.code.length > MAX_XML_TEXT) {
    o.dropRest('longName');
    return undefined;
  }
  const fields = vocFieldsOf(o.instance.attributes, options.attr);
  // An attribute too long for one XML text node is left out (the object is still written).
  const tooLong = fields.rest.filter((a) => a.value.length > MAX_XML_TEXT);
  const attributes = fields.rest.filter(
    (a) => (rotation === undefined || a.name !== 'rotation') && a.value.length <= MAX_XML_TEXT,
  );
  if (rotation !== undefined) {
    attributes.push({ name: 'rotation', value: String(rotation) });
  }
  const data =
    tooLong.length === 0 ? undefined : { attributes: tooLong.map((a) => a.name).join(', ') };
  for (const s of sources) {
    const id = sourceMessage(s.shape, clamped, data !== undefined);
    if (id === undefined) {
      o.keep(s.a);
    } else {
      o.convert(s.a, id, data);
    }
  }
  return {
    name: o.cls.code,
    pose: fields.pose,
    truncated: fields.truncated,
    difficult: fields.difficult,
    occluded: fields.occluded,
    attributes,
    bndbox,
  };
}
