/**
 * The reasons CSV gives for a conversion or a drop: `describe()` and the writer refer to them by
 * id, so the plan and the report say the same thing. `{{title}}` is the box preset's name
 * (e.g. "TensorFlow Object Detection CSV rows").
 */
const ROTATED = 'rotated box written as its axis-aligned hull; the angle is not stored';
const POLYGON = 'polygon written as the extent box of its object';
const MASK = 'mask written as the extent box of its object';
const CLAMPED = 'box clamped to the image (Open Images coordinates lie in 0..1)';

export const CSV_MESSAGES = {
  // Kit messages as CSV words them.
  noClass: 'the object has no class; {{title}} need one',
  uninterpretable: 'not interpretable; kept only in raw JSON',
  emptyGroup: 'a group without boxes, polygons or masks has nothing to draw',
  /** Why annotations without 2D image geometry get no row. */
  noGeometry: 'CSV rows hold image annotations with 2D geometry',
  // The synx preset.
  groupNotStored: 'its members are written as rows of their own; the membership is not stored',
  maskRow: "mask written as its extent box (kind mask); the mask's pixels are not stored",
  maskSizeUnknown: "the image size is unknown, so the mask's extent cannot be computed",
  emptyMask: 'the mask is empty, so it has no extent',
  // The box presets.
  rotated: ROTATED,
  rotatedClamped: `${ROTATED}; ${CLAMPED}`,
  polygon: POLYGON,
  polygonClamped: `${POLYGON}; ${CLAMPED}`,
  mask: MASK,
  maskClamped: `${MASK}; ${CLAMPED}`,
  clamped: CLAMPED,
  polygonBesideBox: "the object's box is written; its polygon is not written again",
  maskBesideBox: "the object's box is written; its mask is not written again",
  emptyPolygon: 'a polygon without vertices has no extent',
  polyline: '{{title}} are object boxes; a polyline outlines no object',
  keypoint: '{{title}} are object boxes; keypoints have no place in them',
  classification: '{{title}} are object boxes; image-level labels have no place in them',
  sizeUnknownNormalise: 'the image size is unknown, so the box cannot be normalised',
  sizeUnknown: 'the image size is unknown; {{title}} need the width and height',
  outside: 'the box lies outside the image',
  nothingToBox: 'the object has nothing a box can be drawn from',
} as const;
export type CsvMessageId = keyof typeof CSV_MESSAGES;

/** Why a group is `converted` in the synx preset. */
export const GROUP_NOT_STORED = CSV_MESSAGES.groupNotStored;
