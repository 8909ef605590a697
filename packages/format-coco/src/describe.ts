import type { FormatDescription, SplitName } from '@synx/plugin-api';
import type { CocoMessageId } from './messages.js';
import type { CocoOptions } from './options.js';

/** What COCO keeps, converts and drops for these options, and its layout. */
export function describeCoco(options: CocoOptions): FormatDescription<CocoMessageId> {
  const files = (splits: readonly SplitName[] | undefined): string[] =>
    (splits ?? [options.setName]).map((s) => `annotations/instances_${s}.json`);
  return {
    kinds: {
      bbox: {
        action: 'keep',
        ...(options.boxSegmentation === 'polygon'
          ? { note: 'an object with only a box also gets the box as its segmentation polygon' }
          : {}),
      },
      'rotated-bbox': { action: 'convert', to: 'axis-aligned bbox', messageId: 'rotatedHull' },
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
      'ungrouped-keypoint': { action: 'drop', messageId: 'ungroupedKeypoint' },
      group: {
        action: 'keep',
        note: 'one COCO object per group of box, polygons, mask and keypoints',
      },
      classification: { action: 'convert', to: 'image attribute', messageId: 'imageLabel' },
      polyline: { action: 'drop', messageId: 'polyline' },
      relation: { action: 'drop', messageId: 'relation' },
      'video-segment': { action: 'drop', messageId: 'imagesOnly' },
      'named-entity': { action: 'drop', messageId: 'imagesOnly' },
      cuboid: { action: 'drop', messageId: 'only2d' },
      'point-segmentation': { action: 'drop', messageId: 'only2d' },
      prompt: { action: 'drop', messageId: 'prompt' },
      answer: { action: 'drop', messageId: 'prompt' },
      other: { action: 'drop', messageId: 'uninterpretable' },
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
