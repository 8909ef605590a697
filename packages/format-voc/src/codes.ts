/** Issue codes this format reports. */
export const VOC_ISSUE_CODES = {
  sizeUnknown: 'SYNX_VOC_SIZE_UNKNOWN',
  depthUnknown: 'SYNX_VOC_DEPTH_UNKNOWN',
  stemCollision: 'SYNX_VOC_STEM_COLLISION',
  notJpeg: 'SYNX_VOC_NOT_JPEG',
  labelmapName: 'SYNX_VOC_LABELMAP_NAME',
  invalidFile: 'SYNX_VOC_INVALID_FILE',
  invalidObject: 'SYNX_VOC_INVALID_OBJECT',
  partsIgnored: 'SYNX_VOC_PARTS_IGNORED',
} as const;

/** Reasons given when annotations are converted or dropped (grouped by in the report). */
export const VOC_REASONS = {
  rotated:
    'rotated box written as its axis-aligned hull; the angle (radians) is kept in <attributes> as rotation',
  polygon: 'polygon written as its bounding box',
  mask: 'mask written as its bounding box',
  keypoints:
    'an object made only of keypoints is written as their bounding box; the keypoints are not kept',
  clamped: 'clamped to the image',
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
  noClass: 'the object has no class',
  ungroupedKeypoint: 'a keypoint outside an annotation group belongs to no object',
  classification: 'VOC XML has no image-level labels',
  emptyGroup: 'a group without boxes, polygons, masks or keypoints has nothing to draw',
  stemCollision:
    'another image of the export has the same file stem, and VOC names annotation files by stem',
  longName:
    'the class name is longer than XML readers accept in one text node (libxml2 and lxml stop at 10 MB)',
} as const;

/**
 * The longest text synx writes in one XML text node. libxml2 (xmllint, lxml) refuses text nodes
 * over 10,000,000 bytes unless told to accept huge documents; 1,000,000 characters stay below
 * that in any encoding.
 */
export const MAX_XML_TEXT = 1_000_000;
