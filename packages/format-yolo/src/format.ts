import { defineFormat, type Format } from '@synx/plugin-api';
import { describeYolo } from './describe.js';
import { YOLO_MESSAGES, type YoloMessageId } from './messages.js';
import { YoloOptionsSchema, type YoloOptions } from './options.js';
import { detectYolo, readYolo } from './read.js';
import { writeYolo } from './write.js';

/**
 * YOLO in the ultralytics layout: `labels/<split>/<stem>.txt` with one row kind per export
 * (`detect`, `segment`, `pose` or `obb`), 6-decimal normalised numbers clamped to [0, 1],
 * 0-based class ids in class-map order, an empty file for an image without objects, and a
 * `data.yaml` written with a YAML library. `classify` writes the ultralytics classification
 * tree instead (`<split>/<class>/<image>`, through `@synx/format-imagefolder`).
 */
export const yoloFormat: Format<YoloOptions, YoloMessageId> = defineFormat({
  apiVersion: 1,
  id: 'yolo',
  title: 'YOLO',
  description:
    'Ultralytics YOLO labels and data.yaml (detect, segment, pose, OBB), or the classify tree',
  options: YoloOptionsSchema,
  messages: YOLO_MESSAGES,
  describe: describeYolo,
  write: (input, to, options, ctx) => writeYolo(input, to.dir, options, ctx),
  read: (at, options, ctx) => readYolo(at, ctx, options),
  detect: (at) => detectYolo(at),
});
