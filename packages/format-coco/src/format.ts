import { defineFormat, type Format } from '@synx/plugin-api';
import { describeCoco } from './describe.js';
import { COCO_MESSAGES, type CocoMessageId } from './messages.js';
import { CocoOptionsSchema, type CocoOptions } from './options.js';
import { detectCoco, readCoco } from './read.js';
import { writeCoco } from './write.js';

/**
 * COCO object detection (instances): `annotations/instances_<split>.json` plus `classes.json`.
 * Category ids are 1-based in class-map order (or a user map's ids); images without objects stay
 * in `images[]`; boxes and coordinates are written exactly as annotated.
 */
export const cocoFormat: Format<CocoOptions, CocoMessageId> = defineFormat({
  apiVersion: 1,
  id: 'coco',
  title: 'COCO',
  description:
    'COCO object detection / instance segmentation JSON (pycocotools, Detectron2, torchvision, mmdetection)',
  options: CocoOptionsSchema,
  messages: COCO_MESSAGES,
  describe: describeCoco,
  write: (input, to, options, ctx) => writeCoco(input, to.dir, options, ctx),
  read: (at, _options, ctx) => readCoco(at, ctx),
  detect: (at) => detectCoco(at),
});
