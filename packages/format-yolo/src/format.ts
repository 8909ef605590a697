import {
  defineFormat,
  type AnnotationFeature,
  type Format,
  type FormatDescription,
  type KindTreatment,
} from '@synx/plugin-api';
import { YoloOptionsSchema, type YoloOptions } from './options.js';
import { detectYolo, readYolo } from './read.js';
import { writeYolo } from './write.js';

const drop = (reason: string): KindTreatment => ({ action: 'drop', reason });

function treatments(o: YoloOptions): Partial<Record<AnnotationFeature, KindTreatment>> {
  const common: Partial<Record<AnnotationFeature, KindTreatment>> = {
    group: {
      action: 'keep',
      note: `one label line per annotation group (crowd regions ${o.crowd === 'skip' ? 'skipped, as ultralytics does' : 'kept'})`,
    },
    'ungrouped-keypoint': drop('a keypoint outside an annotation group belongs to no instance'),
    polyline: drop('YOLO has no polylines'),
    classification: drop('YOLO labels hold objects, not image-level labels'),
    relation: drop('YOLO labels have no relations'),
    'video-segment': drop('YOLO labels hold images only'),
    'named-entity': drop('YOLO labels hold images only'),
    cuboid: drop('YOLO labels hold 2D images only'),
    'point-segmentation': drop('YOLO labels hold 2D images only'),
    prompt: drop('YOLO labels have no prompts'),
    answer: drop('YOLO labels have no prompts'),
    other: drop('not interpretable; kept only in raw JSON'),
  };
  switch (o.task) {
    case 'segment':
      return {
        ...common,
        polygon: {
          action: 'keep',
          note: 'one outline per object; several parts are joined with zero-width bridges',
        },
        bbox:
          o.boxes === 'polygon'
            ? {
                action: 'convert',
                to: 'polygon',
                note: 'a box-only object is written as its 4 corners; a box beside an outline is implied by it',
              }
            : drop('box-only objects are skipped (--option boxes=polygon writes their corners)'),
        'rotated-bbox':
          o.boxes === 'polygon'
            ? { action: 'convert', to: 'polygon', note: 'written as its 4 rotated corners' }
            : drop('box-only objects are skipped'),
        mask:
          o.masks === 'trace'
            ? {
                action: 'convert',
                to: 'polygon',
                note: 'traced to its outline along pixel edges (holes filled)',
              }
            : drop('masks are skipped (--option masks=trace)'),
        keypoint: drop('keypoints need --yolo-task pose'),
      };
    case 'pose':
      return {
        ...common,
        bbox: { action: 'keep' },
        'rotated-bbox': {
          action: 'convert',
          to: 'axis-aligned bbox',
          note: 'written as its axis-aligned hull',
        },
        keypoint: {
          action: 'keep',
          note: 'x y visibility per configured keypoint (0 0 0 when missing); kpt_shape and flip_idx in data.yaml',
        },
        polygon: {
          action: 'convert',
          to: 'bbox',
          note: 'used for the box only when the object has none; the outline is not kept',
        },
        mask: {
          action: 'convert',
          to: 'bbox',
          note: 'used for the box only when the object has none; the mask is not kept',
        },
      };
    case 'obb':
      return {
        ...common,
        bbox: { action: 'keep', note: 'as 4 corners' },
        'rotated-bbox': { action: 'keep', note: 'as its 4 rotated corners, normalised' },
        polygon: {
          action: 'convert',
          to: 'obb',
          note: 'an object without a box gets its axis-aligned extent',
        },
        mask: {
          action: 'convert',
          to: 'obb',
          note: 'an object without a box gets the mask’s axis-aligned extent',
        },
        keypoint: drop('keypoints need --yolo-task pose'),
      };
    default:
      return {
        ...common,
        bbox: { action: 'keep' },
        'rotated-bbox': {
          action: 'convert',
          to: 'axis-aligned bbox',
          note: 'written as its axis-aligned hull (--yolo-task obb keeps the angle)',
        },
        polygon: {
          action: 'convert',
          to: 'bbox',
          note: 'an object without a box gets the polygon’s extent; the outline needs --yolo-task segment',
        },
        mask: {
          action: 'convert',
          to: 'bbox',
          note: 'an object without a box gets the mask’s extent; the mask needs --yolo-task segment',
        },
        keypoint: drop('keypoints need --yolo-task pose'),
      };
  }
}

/** The pretrained ultralytics model of each task, to start training from. */
const MODELS: Readonly<Record<YoloOptions['task'], string>> = {
  detect: 'yolo11n.pt',
  segment: 'yolo11n-seg.pt',
  pose: 'yolo11n-pose.pt',
  obb: 'yolo11n-obb.pt',
};

function describeYolo(o: YoloOptions): FormatDescription {
  return {
    kinds: treatments(o),
    splits: true,
    mediaDir: (split) => (split === undefined ? 'images' : `images/${split}`),
    layout: (splits) => [
      `data.yaml (path, train, val${splits?.includes('test') === true ? ', test' : ''}, names${o.task === 'pose' ? ', kpt_shape, flip_idx' : ''}; task ${o.task})`,
      ...(splits ?? [undefined]).map((s) =>
        s === undefined ? 'labels/<image stem>.txt' : `labels/${s}/<image stem>.txt`,
      ),
      ...(splits ?? [undefined]).map((s) =>
        s === undefined
          ? 'images/ (with --save-original-files)'
          : `images/${s}/ (with --save-original-files)`,
      ),
    ],
    owns: ['labels', 'data.yaml'],
    loadHint: (dir) =>
      `ultralytics: YOLO(${JSON.stringify(MODELS[o.task])}).train(data=${JSON.stringify(`${dir}/data.yaml`)})${o.task === 'detect' ? '' : ` (task ${o.task})`}`,
  };
}

/**
 * YOLO in the ultralytics layout: `labels/<split>/<stem>.txt` with one row kind per export
 * (`detect`, `segment`, `pose` or `obb`), 6-decimal normalised numbers clamped to [0, 1],
 * 0-based class ids in class-map order, an empty file for an image without objects, and a
 * `data.yaml` written with a YAML library.
 */
export const yoloFormat: Format<YoloOptions> = defineFormat<YoloOptions>({
  apiVersion: 1,
  id: 'yolo',
  title: 'YOLO',
  description: 'Ultralytics YOLO labels and data.yaml: detect, segment, pose or OBB',
  options: YoloOptionsSchema,
  describe: describeYolo,
  write: (input, to, options, ctx) => writeYolo(input, to.dir, options, ctx),
  read: (at, _options, ctx) => readYolo(at, ctx),
  detect: (at) => detectYolo(at),
});
