import type { FormatDescription, SplitName } from '@synx/plugin-api';
import { imageSetNames, underRoot, vocRoot } from './layout.js';
import type { VocMessageId } from './messages.js';
import type { VocOptions } from './options.js';

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

/** What VOC keeps, converts and drops for these options, and its layout. */
export function describeVoc(options: VocOptions): FormatDescription<VocMessageId> {
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
      'rotated-bbox': { action: 'convert', to: 'axis-aligned bbox', messageId: 'rotated' },
      polygon: { action: 'convert', to: 'bbox', messageId: 'polygon' },
      mask: { action: 'convert', to: 'bbox', messageId: 'mask' },
      keypoint: { action: 'convert', to: 'bbox', messageId: 'keypoints' },
      'ungrouped-keypoint': { action: 'drop', messageId: 'ungroupedKeypoint' },
      group: {
        action: 'keep',
        note: 'one VOC <object> per group (its box, else the extent of its polygons, mask or keypoints)',
      },
      polyline: { action: 'drop', messageId: 'polyline' },
      classification: { action: 'drop', messageId: 'classification' },
      relation: { action: 'drop', messageId: 'relation' },
      'video-segment': { action: 'drop', messageId: 'videoSegment' },
      'named-entity': { action: 'drop', messageId: 'namedEntity' },
      cuboid: { action: 'drop', messageId: 'cuboid' },
      'point-segmentation': { action: 'drop', messageId: 'pointSegmentation' },
      prompt: { action: 'drop', messageId: 'prompt' },
      answer: { action: 'drop', messageId: 'answer' },
      other: { action: 'drop', messageId: 'uninterpretable' },
    },
    splits: true,
    // VOC keeps every image in one folder; the image sets say which split an image is in.
    mediaDir: () => at('JPEGImages'),
    // torchvision's VOCDetection and the devkit open JPEGImages/<id>.jpg: every image a JPEG.
    imageEncoding: 'jpeg',
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
