import {
  defineFormat,
  type Format,
  type FormatDescription,
  type SplitName,
} from '@synx/plugin-api';
import { CocoOptionsSchema, type CocoOptions } from './options.js';
import { detectCoco, readCoco } from './read.js';
import { writeCoco } from './write.js';

function describeCoco(options: CocoOptions): FormatDescription {
  const files = (splits: readonly SplitName[] | undefined): string[] =>
    (splits ?? [options.setName]).map((s) => `annotations/instances_${s}.json`);
  return {
    kinds: {
      bbox: { action: 'keep' },
      'rotated-bbox': {
        action: 'convert',
        to: 'axis-aligned bbox',
        note: 'COCO boxes are axis-aligned: the box becomes its axis-aligned hull and the angle (radians) is kept in attributes.rotation',
      },
      polygon: {
        action: 'keep',
        note: 'as segmentation; the object bbox comes from its box when it has one, else the polygon extent',
      },
      mask: {
        action: 'keep',
        note: 'as RLE segmentation with iscrowd (1 unless the mask says otherwise)',
      },
      keypoint: {
        action: 'keep',
        note: 'COCO person_keypoints rules: one instance per annotation group, visibility 2 (1 when marked occluded)',
      },
      'ungrouped-keypoint': {
        action: 'drop',
        reason: 'a keypoint outside an annotation group belongs to no instance',
      },
      group: {
        action: 'keep',
        note: 'one COCO object per group of box, polygons, mask and keypoints',
      },
      classification: {
        action: 'convert',
        to: 'image attribute',
        note: 'image-level labels go to images[].attributes.labels',
      },
      polyline: {
        action: 'drop',
        reason: 'COCO segmentation holds closed polygons, not polylines',
      },
      relation: { action: 'drop', reason: 'COCO instances have no relations' },
      'video-segment': { action: 'drop', reason: 'COCO instances hold images only' },
      'named-entity': { action: 'drop', reason: 'COCO instances hold images only' },
      cuboid: { action: 'drop', reason: 'COCO instances hold 2D images only' },
      'point-segmentation': { action: 'drop', reason: 'COCO instances hold 2D images only' },
      prompt: { action: 'drop', reason: 'COCO instances have no prompts' },
      answer: { action: 'drop', reason: 'COCO instances have no prompts' },
      other: { action: 'drop', reason: 'not interpretable; kept only in raw JSON' },
    },
    splits: true,
    mediaDir: (split) => (split === undefined ? 'images' : `images/${split}`),
    layout: (splits) => [
      ...files(splits),
      'classes.json',
      ...(splits ?? [undefined]).map((s) =>
        s === undefined
          ? 'images/ (with --save-original-files)'
          : `images/${s}/ (with --save-original-files)`,
      ),
    ],
    owns: ['annotations', 'classes.json'],
    loadHint: (dir, splits) =>
      `pycocotools: COCO(${JSON.stringify(`${dir}/${files(splits)[0] ?? ''}`)})${(splits?.length ?? 0) > 1 ? ' (one file per split)' : ''}`,
  };
}

/**
 * COCO object detection (instances): `annotations/instances_<split>.json` plus `classes.json`.
 * Category ids are 1-based in class-map order (or a user map's ids); images without objects stay
 * in `images[]`; boxes and coordinates are written exactly as annotated.
 */
export const cocoFormat: Format<CocoOptions> = defineFormat<CocoOptions>({
  apiVersion: 1,
  id: 'coco',
  title: 'COCO',
  description:
    'COCO object detection / instance segmentation JSON (pycocotools, Detectron2, torchvision, mmdetection)',
  options: CocoOptionsSchema,
  describe: describeCoco,
  write: (input, to, options, ctx) => writeCoco(input, to.dir, options, ctx),
  read: (at, _options, ctx) => readCoco(at, ctx),
  detect: (at) => detectCoco(at),
});
