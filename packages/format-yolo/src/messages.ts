import { IMAGEFOLDER_MESSAGES } from '@synx/format-imagefolder';

/** The largest mask extent traced (pixels): the tracer's grids take ~5 bytes per pixel. */
export const MAX_TRACE_PIXELS = 1 << 25;

/**
 * The reasons YOLO gives for a conversion or a drop: `describe()` and the writer refer to them
 * by id, so the plan and the report say the same thing. A conversion of an object that extends
 * outside its image is accounted with the `…Clamped` twin of its message.
 */
export const YOLO_MESSAGES = {
  /** `classify`: the image-folder tree's reasons (shared with `@synx/format-imagefolder`). */
  ...IMAGEFOLDER_MESSAGES,
  sizeUnknown: 'the image size is unknown, and YOLO coordinates are relative to it',
  ungroupedKeypoint: 'a keypoint outside an annotation group belongs to no instance',
  keypointsNeedPoseAndGroup:
    'keypoints need --yolo-task pose (and an annotation group per instance)',
  keypointsNeedPose: 'keypoints need --yolo-task pose',
  imageLabel: 'YOLO labels hold objects, not image-level labels',
  crowd: 'crowd region: skipped as ultralytics does (--option crowd=keep writes it)',
  polyline: 'YOLO has no polylines',
  fewVertices: 'a polygon needs at least 3 vertices',
  polygonsAndMask: 'the object already has polygons; a YOLO segment is one outline',
  masksSkipped: 'masks are skipped (--option masks=trace traces them)',
  maskTooLarge: `the mask spans {{width}}×{{height}} px, too large to trace (at most ${MAX_TRACE_PIXELS.toLocaleString('en-US')} px)`,
  emptyMask: 'empty mask',
  boxesSkipped:
    'a box-only object is skipped in segment labels (--option boxes=polygon writes its corners)',
  outlineNotKept: 'OBB labels hold the object’s box; its outline is not kept',
  outlineNeedsSegment: "the object's box is written; its outline needs --yolo-task segment",
  unknownKeypoint: 'keypoint class "{{keypoint}}" is not a configured keypoint',
  duplicateKeypoint: 'the instance already has a "{{keypoint}}" keypoint',
  zeroArea: 'zero-area object (its width or height is 0)',
  nothingToDraw: 'the object has nothing this YOLO task can draw',
  // Conversions, each with its twin for an object clamped to the image.
  partsBridged: 'polygon parts joined into one outline (zero-width bridges, as ultralytics does)',
  partsBridgedClamped:
    'polygon parts joined into one outline (zero-width bridges, as ultralytics does); clamped to the image',
  maskTraced: 'mask traced to its outline (holes filled; parts bridged)',
  maskTracedClamped:
    'mask traced to its outline (holes filled; parts bridged); clamped to the image',
  boxCorners: 'box written as its 4 corners (segment labels are polygons)',
  boxCornersClamped:
    'box written as its 4 corners (segment labels are polygons); clamped to the image',
  boxImplied: 'the object’s box is implied by its outline in segment labels',
  boxImpliedClamped:
    'the object’s box is implied by its outline in segment labels; clamped to the image',
  obbExtent: '{{kind}} written as its axis-aligned extent (an OBB with no rotation)',
  obbExtentClamped:
    '{{kind}} written as its axis-aligned extent (an OBB with no rotation); clamped to the image',
  rotatedHull: 'rotated box written as its axis-aligned hull (--yolo-task obb keeps the angle)',
  rotatedHullClamped:
    'rotated box written as its axis-aligned hull (--yolo-task obb keeps the angle); clamped to the image',
  boxExtent: '{{kind}} written as its bounding box',
  boxExtentClamped: '{{kind}} written as its bounding box; clamped to the image',
  /** A part written as it is, but clamped to the image. */
  clamped: 'clamped to the image',
} as const;
export type YoloMessageId = keyof typeof YOLO_MESSAGES;

/** The conversions an encoder names; each has a `…Clamped` twin in {@link YOLO_MESSAGES}. */
export type YoloConversion =
  | 'partsBridged'
  | 'maskTraced'
  | 'boxCorners'
  | 'boxImplied'
  | 'obbExtent'
  | 'rotatedHull'
  | 'boxExtent';

/** The message of a conversion of an object clamped to its image. */
export function clampedConversion(id: YoloConversion): YoloMessageId {
  return `${id}Clamped`;
}
