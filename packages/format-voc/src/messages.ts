/**
 * The reasons VOC gives for a conversion or a drop: `describe()` and the writer refer to them
 * by id, so the plan and the report say the same thing. A converted part whose box was also
 * clamped, or whose object lost an attribute too long for XML, names all of it in one message
 * (e.g. `polygonClamped`).
 */
const ROTATED =
  'rotated box written as its axis-aligned hull; the angle (radians) is kept in <attributes> as rotation';
const POLYGON = 'polygon written as its bounding box';
const MASK = 'mask written as its bounding box';
const KEYPOINTS =
  'an object made only of keypoints is written as their bounding box; the keypoints are not kept';
const CLAMPED = 'clamped to the image';
const LONG_ATTRIBUTE =
  'attribute {{attributes}} left out: longer than XML readers accept in one text node';

export const VOC_MESSAGES = {
  rotated: ROTATED,
  rotatedClamped: `${ROTATED}; ${CLAMPED}`,
  rotatedLongAttribute: `${ROTATED}; ${LONG_ATTRIBUTE}`,
  rotatedClampedLongAttribute: `${ROTATED}; ${CLAMPED}; ${LONG_ATTRIBUTE}`,
  polygon: POLYGON,
  polygonClamped: `${POLYGON}; ${CLAMPED}`,
  polygonLongAttribute: `${POLYGON}; ${LONG_ATTRIBUTE}`,
  polygonClampedLongAttribute: `${POLYGON}; ${CLAMPED}; ${LONG_ATTRIBUTE}`,
  mask: MASK,
  maskClamped: `${MASK}; ${CLAMPED}`,
  maskLongAttribute: `${MASK}; ${LONG_ATTRIBUTE}`,
  maskClampedLongAttribute: `${MASK}; ${CLAMPED}; ${LONG_ATTRIBUTE}`,
  keypoints: KEYPOINTS,
  keypointsClamped: `${KEYPOINTS}; ${CLAMPED}`,
  keypointsLongAttribute: `${KEYPOINTS}; ${LONG_ATTRIBUTE}`,
  keypointsClampedLongAttribute: `${KEYPOINTS}; ${CLAMPED}; ${LONG_ATTRIBUTE}`,
  clamped: CLAMPED,
  longAttribute: LONG_ATTRIBUTE,
  clampedLongAttribute: `${CLAMPED}; ${LONG_ATTRIBUTE}`,
  outlineBesideBox:
    'VOC XML holds boxes only: the object is written from its box, the outline is not kept',
  maskBesidePolygon:
    'VOC XML holds boxes only: the object is written from its polygons, the mask is not kept',
  keypointsBesideShape:
    'VOC XML holds boxes only: the object is written from its box or outline, keypoints are not kept',
  polyline: 'VOC XML holds boxes only; a polyline outlines no object',
  tinyPolygon: 'a polygon needs at least 3 vertices',
  maskSizeUnknown: 'the image size is unknown, so the mask pixel indices cannot be decoded',
  zeroArea: 'zero-area box',
  outside: 'the box lies outside the image',
  nothing: 'the object has nothing VOC can draw',
  ungroupedKeypoint: 'a keypoint outside an annotation group belongs to no object',
  classification: 'VOC XML has no image-level labels',
  relation: 'VOC XML cannot hold relation annotations',
  videoSegment: 'VOC XML cannot hold video-segment annotations',
  namedEntity: 'VOC XML cannot hold named-entity annotations',
  cuboid: 'VOC XML cannot hold cuboid annotations',
  pointSegmentation: 'VOC XML cannot hold point-segmentation annotations',
  prompt: 'VOC XML cannot hold prompt annotations',
  answer: 'VOC XML cannot hold answer annotations',
  stemCollision:
    'another image of the export has the same file stem, and VOC names annotation files by stem',
  longName:
    'the class name is longer than XML readers accept in one text node (libxml2 and lxml stop at 10 MB)',
} as const;
export type VocMessageId = keyof typeof VOC_MESSAGES;

/** The shapes a VOC box is made from when it is not an axis-aligned box of its own. */
export type VocSourceShape = 'rotated' | 'polygon' | 'mask' | 'keypoints';

/**
 * The message of a part the box is made from: its shape's conversion, plus the box's clamping
 * and attributes left out; undefined when the part is written as it is.
 */
export function sourceMessage(
  shape: VocSourceShape | undefined,
  clamped: boolean,
  longAttribute: boolean,
): VocMessageId | undefined {
  const suffix = `${clamped ? 'Clamped' : ''}${longAttribute ? 'LongAttribute' : ''}` as const;
  if (shape !== undefined) {
    return `${shape}${suffix}`;
  }
  return suffix === '' ? undefined : WITHOUT_SHAPE[suffix];
}

const WITHOUT_SHAPE = {
  Clamped: 'clamped',
  LongAttribute: 'longAttribute',
  ClampedLongAttribute: 'clampedLongAttribute',
} as const satisfies Record<string, VocMessageId>;
