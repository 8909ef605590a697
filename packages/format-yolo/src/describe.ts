import type { FormatDescription } from '@synx/plugin-api';
import type { YoloMessageId } from './messages.js';
import type { YoloOptions } from './options.js';
import { TASKS, type Treatments } from './tasks/index.js';

/** Kinds no YOLO task holds; the writer names the task and the kind (`unsupported`). */
export const UNSUPPORTED_KINDS = [
  'relation',
  'video-segment',
  'named-entity',
  'cuboid',
  'point-segmentation',
  'prompt',
  'answer',
] as const;

function commonTreatments(o: YoloOptions): Treatments {
  return {
    group: {
      action: 'keep',
      note: `one label line per annotation group (crowd regions ${o.crowd === 'skip' ? 'skipped, as ultralytics does' : 'kept'})`,
    },
    polyline: { action: 'drop', messageId: 'polyline' },
    classification: { action: 'drop', messageId: 'imageLabel' },
    ...Object.fromEntries(
      UNSUPPORTED_KINDS.map((k) => [k, { action: 'drop', messageId: 'unsupported' }] as const),
    ),
    other: { action: 'drop', messageId: 'uninterpretable' },
  };
}

/** The pretrained ultralytics model of each task, to start training from. */
const MODELS: Readonly<Record<YoloOptions['task'], string>> = {
  detect: 'yolo11n.pt',
  segment: 'yolo11n-seg.pt',
  pose: 'yolo11n-pose.pt',
  obb: 'yolo11n-obb.pt',
};

/** What YOLO keeps, converts and drops for these options (its task's treatments), and its layout. */
export function describeYolo(o: YoloOptions): FormatDescription<YoloMessageId> {
  return {
    kinds: { ...commonTreatments(o), ...TASKS[o.task].treatments(o) },
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
