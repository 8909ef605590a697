import {
  IMAGE_CLASS_FILES,
  IMAGE_CLASS_TOOLS,
  imageClassLayout,
  imageClassMediaDir,
  imageClassNotes,
  imageClassTreatments,
  parseClassRule,
  type ImageFolderMessageId,
} from '@synx/format-imagefolder';
import type { FormatDescription, SplitName } from '@synx/plugin-api';
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
  classify: 'yolo11n-cls.pt',
};

/**
 * What ultralytics classify lacks in these splits: it trains on `train/` and validates on
 * `val/` (else `test/`); undefined when both are there.
 */
export function classifySplitsProblem(
  splits: readonly SplitName[] | undefined,
): string | undefined {
  if (splits === undefined) {
    return 'ultralytics classify needs train/ and val/ (or test/) folders, and this export is not split: export with --split (e.g. --split 0.8/0.2)';
  }
  const missing = [
    ...(splits.includes('train') ? [] : ['train']),
    ...(splits.includes('val') || splits.includes('test') ? [] : ['val (or test)']),
  ];
  return missing.length === 0
    ? undefined
    : `ultralytics classify needs train/ and val/ (or test/) folders, and this export has no ${missing.join(' and no ')} split (splits: ${splits.join(', ')})`;
}

/**
 * `classify`: the ultralytics classification tree (`<split>/<class>/<image>`, the folder root is
 * `data=`), written by `@synx/format-imagefolder`'s writer: no data.yaml, no labels/.
 */
export function describeClassify(o: YoloOptions): FormatDescription<ImageFolderMessageId> {
  const rule = parseClassRule(o.classFrom ?? 'classification');
  return {
    kinds: imageClassTreatments(rule),
    splits: true,
    mediaDir: imageClassMediaDir(rule),
    classTools: IMAGE_CLASS_TOOLS,
    notes: imageClassNotes(rule),
    layout: (splits) => {
      const problem = classifySplitsProblem(splits);
      return [...imageClassLayout(splits), ...(problem === undefined ? [] : [`(${problem})`])];
    },
    // data.yaml too: a detect export's data.yaml left in the folder would misname it.
    owns: [...IMAGE_CLASS_FILES, 'data.yaml'],
    loadHint: (dir) =>
      `ultralytics: YOLO(${JSON.stringify(MODELS.classify)}).train(data=${JSON.stringify(dir)}) (task classify; class indices: ${dir}/classes.txt)`,
  };
}

/** What YOLO keeps, converts and drops for these options (its task's treatments), and its layout. */
export function describeYolo(o: YoloOptions): FormatDescription<YoloMessageId> {
  if (o.task === 'classify') {
    return describeClassify(o);
  }
  const task = o.task;
  return {
    kinds: { ...commonTreatments(o), ...TASKS[task].treatments(o) },
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
