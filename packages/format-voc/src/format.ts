import { defineFormat, type Format } from '@synx/plugin-api';
import { describeVoc } from './describe.js';
import { VOC_MESSAGES, type VocMessageId } from './messages.js';
import { VocOptionsSchema, type VocOptions } from './options.js';
import { detectVoc, readVoc } from './read.js';
import { writeVoc } from './write.js';

/**
 * Pascal VOC: one XML per image in the VOCdevkit layout that torchvision's `VOCDetection`,
 * Detectron2 and the VOC devkit read (`VOCdevkit/VOC<year>/`), or flat (CVAT / Datumaro). Boxes
 * in the devkit's 1-based pixel convention; VOC flags from attributes; polygons, masks and
 * keypoint-only objects as their bounding boxes.
 */
export const vocFormat: Format<VocOptions, VocMessageId> = defineFormat({
  apiVersion: 1,
  id: 'voc',
  title: 'Pascal VOC',
  description:
    'Pascal VOC XML in the VOCdevkit layout (torchvision VOCDetection, Detectron2, mmdetection, CVAT, Datumaro)',
  options: VocOptionsSchema,
  messages: VOC_MESSAGES,
  describe: describeVoc,
  write: (input, to, options, ctx) => writeVoc(input, to.dir, options, ctx),
  read: (at, options, ctx) => readVoc(at, options, ctx),
  detect: (at) => detectVoc(at),
});
