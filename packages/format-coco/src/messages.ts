/**
 * The reasons COCO gives for a conversion or a drop: `describe()` and the writer refer to them
 * by id, so the plan and the report say the same thing.
 */
export const COCO_MESSAGES = {
  rotatedHull:
    'rotated box written as its axis-aligned hull; the angle (radians) is in attributes.rotation',
  ungroupedKeypoint:
    'a keypoint outside an annotation group belongs to no instance; COCO keypoints need one',
  imageLabel: 'image-level label written to images[].attributes.labels',
  classificationWithoutClass: 'classification without a class',
  polyline: 'COCO segmentation holds closed polygons, not polylines',
  fewVertices: 'a polygon needs at least 3 vertices',
  polygonsAndMask: 'the object already has polygons; COCO allows one segmentation per object',
  secondMask: 'the object already has a mask; COCO allows one segmentation per object',
  maskSizeUnknown: 'the image size is unknown, so the mask cannot be run-length encoded',
  noKeypointClasses: 'the project configures no keypoint classes, so keypoints have no order',
  unknownKeypoint: 'keypoint class "{{keypoint}}" is not a configured keypoint',
  duplicateKeypoint: 'the instance already has a "{{keypoint}}" keypoint',
  nothingToDraw: 'the object has nothing COCO can draw',
  zeroArea: 'zero-area object (its width or height is 0)',
  relation: 'COCO instances have no relations',
  imagesOnly: 'COCO instances hold images only',
  only2d: 'COCO instances hold 2D images only',
  prompt: 'COCO instances have no prompts',
} as const;
export type CocoMessageId = keyof typeof COCO_MESSAGES;
