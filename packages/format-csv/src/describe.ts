import type { FormatDescription } from '@synx/plugin-api';
import { csvFileFor } from './files.js';
import type { CsvMessageId } from './messages.js';
import type { CsvOptions } from './options.js';

type Kinds = FormatDescription<CsvMessageId>['kinds'];

/** Kinds no CSV layout holds. */
const NOWHERE: Kinds = {
  relation: { action: 'drop', messageId: 'noGeometry' },
  'video-segment': { action: 'drop', messageId: 'noGeometry' },
  'named-entity': { action: 'drop', messageId: 'noGeometry' },
  cuboid: { action: 'drop', messageId: 'noGeometry' },
  'point-segmentation': { action: 'drop', messageId: 'noGeometry' },
  prompt: { action: 'drop', messageId: 'noGeometry' },
  answer: { action: 'drop', messageId: 'noGeometry' },
  other: { action: 'drop', messageId: 'uninterpretable' },
};

const SYNX_KINDS: Kinds = {
  bbox: { action: 'keep', note: 'xmin,ymin,xmax,ymax = x, y, x+width, y+height, exactly' },
  'rotated-bbox': {
    action: 'keep',
    note: 'xmin..ymax are the unrotated box; the angle (radians, about the centre) is in the rotation column',
  },
  polygon: {
    action: 'keep',
    note: 'vertices in the points column as JSON [[x,y],…]; xmin..ymax are their extent',
  },
  polyline: {
    action: 'keep',
    note: 'vertices in the points column as JSON [[x,y],…]; xmin..ymax are their extent',
  },
  keypoint: { action: 'keep', note: 'one row each: xmin=xmax=x, ymin=ymax=y, points [[x,y]]' },
  'ungrouped-keypoint': { action: 'keep', note: 'a row like any keypoint' },
  mask: { action: 'convert', to: 'extent box (kind mask)', messageId: 'maskRow' },
  classification: {
    action: 'keep',
    note: 'a row of kind classification with class, class_id and attributes; geometry cells empty',
  },
  group: { action: 'convert', to: 'its members’ rows', messageId: 'groupNotStored' },
  ...NOWHERE,
};

/** The box presets' treatments; `{{title}}` in their messages is the preset's title. */
const BOX_KINDS: Kinds = {
  bbox: { action: 'keep' },
  'rotated-bbox': { action: 'convert', to: 'axis-aligned box', messageId: 'rotated' },
  polygon: { action: 'convert', to: 'extent box', messageId: 'polygon' },
  mask: { action: 'convert', to: 'extent box', messageId: 'mask' },
  polyline: { action: 'drop', messageId: 'polyline' },
  keypoint: { action: 'drop', messageId: 'keypoint' },
  'ungrouped-keypoint': { action: 'drop', messageId: 'keypoint' },
  classification: { action: 'drop', messageId: 'classification' },
  group: {
    action: 'keep',
    note: 'one object: its boxes, or else one box around its polygons and masks; the group gets no row of its own',
  },
  ...NOWHERE,
};

const imagesDir = (split: string | undefined): string =>
  split === undefined ? 'images' : `images/${split}`;

/** `pandas.read_csv` of the (first) file written. */
function pandasHint(
  options: CsvOptions,
  dir: string,
  splits: readonly string[] | undefined,
): string {
  const perSplit = options.preset !== 'synx' && splits !== undefined && splits.length > 0;
  const file = csvFileFor(options, perSplit ? splits[0] : undefined);
  return `pandas: pd.read_csv(${JSON.stringify(`${dir}/${file}`)})${perSplit && splits.length > 1 ? ' (one file per split)' : ''}`;
}

/** A box preset: one row per object box, one file per split. */
function boxPreset(options: CsvOptions, columns: string): FormatDescription<CsvMessageId> {
  return {
    kinds: BOX_KINDS,
    splits: true,
    mediaDir: imagesDir,
    layout: (splits) => [...presetFiles(options, splits, columns), ...imageLines(splits)],
    owns: presetOwns(options.file),
    loadHint: (dir, splits) => pandasHint(options, dir, splits),
  };
}

/** What CSV keeps, converts and drops for these options, and its layout. */
export function describeCsv(options: CsvOptions): FormatDescription<CsvMessageId> {
  const file = options.file;
  switch (options.preset) {
    case 'tfod':
      return boxPreset(
        options,
        'filename,width,height,class,xmin,ymin,xmax,ymax; absolute pixels; one row per object box',
      );
    case 'openimages':
      return boxPreset(
        options,
        'ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside; coordinates normalised to 0..1; one row per object box',
      );
    default:
      return {
        kinds: SYNX_KINDS,
        splits: true,
        mediaDir: imagesDir,
        layout: (splits) => [
          `${file} (one row per annotation, one for each image without any; ${splits === undefined ? 'split column empty' : 'the split column names the split'})`,
          ...imageLines(splits),
        ],
        owns: [file],
        loadHint: (dir, splits) => pandasHint(options, dir, splits),
      };
  }
}

/** The box presets have no split column: one file per split, `train_<file>` and so on. */
function presetFiles(
  options: CsvOptions,
  splits: readonly string[] | undefined,
  columns: string,
): string[] {
  return (splits ?? [undefined]).map(
    (s) => `${csvFileFor(options, s)} (${columns}${s === undefined ? '' : `; split ${s}`})`,
  );
}

/** Files the box presets may write: the file, or one per split name. */
function presetOwns(file: string): string[] {
  return [file, ...['train', 'val', 'test'].map((s) => `${s}_${file}`)];
}

function imageLines(splits: readonly string[] | undefined): string[] {
  return (splits ?? [undefined]).map((s) =>
    s === undefined
      ? 'images/ (with --save-original-files)'
      : `images/${s}/ (with --save-original-files)`,
  );
}
