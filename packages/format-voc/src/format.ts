import {
  defineFormat,
  type Format,
  type FormatDescription,
  type SplitName,
} from '@synx/plugin-api';
import { imageSetNames, underRoot, vocRoot } from './layout.js';
import { VocOptionsSchema, type VocOptions } from './options.js';
import { detectVoc, readVoc } from './read.js';
import { writeVoc } from './write.js';

/**
 * torchvision's `VOCDetection(root, year, image_set)` opens
 * `<root>/VOCdevkit/VOC<year>/ImageSets/Main/<image_set>.txt` for years 2007–2012 (2011 sits
 * under `TrainVal/`, so not there) and image sets train, trainval, val (and test for 2007).
 * A flat folder is Datumaro's (and CVAT's) VOC layout.
 */
function vocLoadHint(
  options: VocOptions,
  dir: string,
  splits: readonly SplitName[] | undefined,
): string {
  const q = (v: string): string => JSON.stringify(v);
  if (options.layout === 'flat') {
    return `datumaro: Dataset.import_from(${q(dir)}, "voc")`;
  }
  const year = Number(options.year);
  if (year < 2007 || year > 2012 || year === 2011) {
    return `torchvision's VOCDetection reads years 2007–2010 and 2012 only: export with --option year=2012 to load ${q(`${dir}/${vocRoot(options)}`)} with it`;
  }
  const set = splits?.includes('train') === true ? 'train' : 'trainval';
  return `torchvision: VOCDetection(root=${q(dir)}, year=${q(options.year)}, image_set=${q(set)}) (images from JPEGImages/<stem>.jpg)`;
}

function describeVoc(options: VocOptions): FormatDescription {
  const at = (path: string): string => underRoot(options, path);
  const convention =
    options.coordinates === 'one-based'
      ? 'bndbox in the VOC devkit convention: 1-based inclusive integer pixels (xmin = round(x) + 1, xmax = round(x + width)), clamped to [1, W] × [1, H]'
      : 'bndbox as continuous 0-based pixel coordinates rounded to integers (xmin = round(x), xmax = round(x + width)), clamped to [0, W] × [0, H]';
  return {
    kinds: {
      bbox: {
        action: 'keep',
        note: `${convention}; pose/truncated/difficult/occluded from attributes, other attributes in <attributes>`,
      },
      'rotated-bbox': {
        action: 'convert',
        to: 'axis-aligned bbox',
        note: 'VOC boxes are axis-aligned: the box becomes its axis-aligned hull and the angle (radians) is kept in <attributes> as rotation',
      },
      polygon: {
        action: 'convert',
        to: 'bbox',
        note: 'an object without a box is written as the bounding box of its polygons; beside a box the outline is dropped (VOC XML holds no segmentation)',
      },
      mask: {
        action: 'convert',
        to: 'bbox',
        note: 'an object without a box or polygon is written as the bounding box of its mask (needs the image size); the mask itself is not kept',
      },
      keypoint: {
        action: 'convert',
        to: 'bbox',
        note: 'an object made only of keypoints is written as their bounding box; keypoints themselves are not kept',
      },
      'ungrouped-keypoint': {
        action: 'drop',
        reason: 'a keypoint outside an annotation group belongs to no object',
      },
      group: {
        action: 'keep',
        note: 'one VOC <object> per group (its box, else the extent of its polygons, mask or keypoints)',
      },
      polyline: {
        action: 'drop',
        reason: 'VOC XML holds boxes only; a polyline outlines no object',
      },
      classification: { action: 'drop', reason: 'VOC XML has no image-level labels' },
      relation: { action: 'drop', reason: 'VOC XML has no relations' },
      'video-segment': { action: 'drop', reason: 'VOC XML holds images only' },
      'named-entity': { action: 'drop', reason: 'VOC XML holds images only' },
      cuboid: { action: 'drop', reason: 'VOC XML holds 2D images only' },
      'point-segmentation': { action: 'drop', reason: 'VOC XML holds 2D images only' },
      prompt: { action: 'drop', reason: 'VOC XML has no prompts' },
      answer: { action: 'drop', reason: 'VOC XML has no prompts' },
      other: { action: 'drop', reason: 'not interpretable; kept only in raw JSON' },
    },
    splits: true,
    // VOC keeps every image in one folder; the image sets say which split an image is in.
    mediaDir: () => at('JPEGImages'),
    layout: (splits: readonly SplitName[] | undefined) => [
      `${at('Annotations')}/<stem>.xml (one per image, also for images without objects)`,
      ...imageSetNames(splits).map(
        (s) =>
          `${at('ImageSets/Main')}/${s}.txt${
            s === 'trainval' && !(splits ?? []).includes('trainval')
              ? splits === undefined
                ? ' (every image)'
                : ' (train + val)'
              : ''
          }`,
      ),
      `${at('JPEGImages')}/ (with --save-original-files)`,
      at('labelmap.txt'),
    ],
    owns: [at('Annotations'), at('ImageSets'), at('labelmap.txt')],
    loadHint: (dir, splits) => vocLoadHint(options, dir, splits),
  };
}

/**
 * Pascal VOC: one XML per image in the VOCdevkit layout that torchvision's `VOCDetection`,
 * Detectron2 and the VOC devkit read (`VOCdevkit/VOC<year>/`), or flat (CVAT / Datumaro). Boxes
 * in the devkit's 1-based pixel convention; VOC flags from attributes; polygons, masks and
 * keypoint-only objects as their bounding boxes.
 */
export const vocFormat: Format<VocOptions> = defineFormat<VocOptions>({
  apiVersion: 1,
  id: 'voc',
  title: 'Pascal VOC',
  description:
    'Pascal VOC XML in the VOCdevkit layout (torchvision VOCDetection, Detectron2, mmdetection, CVAT, Datumaro)',
  options: VocOptionsSchema,
  describe: describeVoc,
  write: (input, to, options, ctx) => writeVoc(input, to.dir, options, ctx),
  read: (at, options, ctx) => readVoc(at, options, ctx),
  detect: (at) => detectVoc(at),
});
