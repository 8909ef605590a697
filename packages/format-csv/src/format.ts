import {
  defineFormat,
  type AnnotationFeature,
  type Format,
  type FormatDescription,
  type KindTreatment,
} from '@synx/plugin-api';
import { CsvOptionsSchema, type CsvOptions } from './options.js';
import { detectCsv, readCsv } from './read.js';
import { csvFileFor, NO_2D_GEOMETRY, NOT_INTERPRETABLE, writeCsv } from './write.js';

type Kinds = Partial<Record<AnnotationFeature, KindTreatment>>;

/** Kinds no CSV layout holds. */
const NOWHERE: Kinds = {
  relation: { action: 'drop', reason: NO_2D_GEOMETRY },
  'video-segment': { action: 'drop', reason: NO_2D_GEOMETRY },
  'named-entity': { action: 'drop', reason: NO_2D_GEOMETRY },
  cuboid: { action: 'drop', reason: NO_2D_GEOMETRY },
  'point-segmentation': { action: 'drop', reason: NO_2D_GEOMETRY },
  prompt: { action: 'drop', reason: NO_2D_GEOMETRY },
  answer: { action: 'drop', reason: NO_2D_GEOMETRY },
  other: { action: 'drop', reason: NOT_INTERPRETABLE },
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
  mask: {
    action: 'convert',
    to: 'extent box (kind mask)',
    note: "the row holds the mask's tight extent box with kind mask; its pixels are not stored (needs the image size)",
  },
  classification: {
    action: 'keep',
    note: 'a row of kind classification with class, class_id and attributes; geometry cells empty',
  },
  group: {
    action: 'convert',
    to: 'its members’ rows',
    note: 'the group gets no row of its own; its members get theirs, and which rows belong together is not stored',
  },
  ...NOWHERE,
};

function boxKinds(title: string): Kinds {
  return {
    bbox: { action: 'keep' },
    'rotated-bbox': {
      action: 'convert',
      to: 'axis-aligned box',
      note: 'a rotated box becomes its axis-aligned hull; the angle is not stored',
    },
    polygon: {
      action: 'convert',
      to: 'extent box',
      note: 'an object without a box gets one row, the extent of its polygons and masks; with a box, only the box is written',
    },
    mask: {
      action: 'convert',
      to: 'extent box',
      note: 'an object without a box gets one row, the extent of its polygons and masks (needs the image size); with a box, only the box is written',
    },
    polyline: {
      action: 'drop',
      reason: `${title} are object boxes; a polyline outlines no object`,
    },
    keypoint: {
      action: 'drop',
      reason: `${title} are object boxes; keypoints have no place in them`,
    },
    'ungrouped-keypoint': {
      action: 'drop',
      reason: `${title} are object boxes; keypoints have no place in them`,
    },
    classification: {
      action: 'drop',
      reason: `${title} are object boxes; image-level labels have no place in them`,
    },
    group: {
      action: 'keep',
      note: 'one object: its boxes, or else one box around its polygons and masks; the group gets no row of its own',
    },
    ...NOWHERE,
  };
}

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
function boxPreset(options: CsvOptions, title: string, columns: string): FormatDescription {
  return {
    kinds: boxKinds(title),
    splits: true,
    mediaDir: imagesDir,
    layout: (splits) => [...presetFiles(options, splits, columns), ...imageLines(splits)],
    owns: presetOwns(options.file),
    loadHint: (dir, splits) => pandasHint(options, dir, splits),
  };
}

function describeCsv(options: CsvOptions): FormatDescription {
  const file = options.file;
  switch (options.preset) {
    case 'tfod':
      return boxPreset(
        options,
        'TensorFlow Object Detection CSV rows',
        'filename,width,height,class,xmin,ymin,xmax,ymax; absolute pixels; one row per object box',
      );
    case 'openimages':
      return boxPreset(
        options,
        'Open Images CSV rows',
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

/**
 * CSV: one file, one row per annotation (`synx` preset), or the TensorFlow Object Detection and
 * Open Images box layouts. RFC 4180 quoting by csv-stringify; text cells that a spreadsheet
 * would run as a formula are neutralised with a leading `'`.
 */
export const csvFormat: Format<CsvOptions> = defineFormat<CsvOptions>({
  apiVersion: 1,
  id: 'csv',
  title: 'CSV',
  description:
    'CSV, one row per annotation (pandas, spreadsheets), or the TensorFlow Object Detection / Open Images box layouts',
  options: CsvOptionsSchema,
  describe: describeCsv,
  write: (input, to, options, ctx) => writeCsv(input, to.dir, options, ctx),
  read: (at, options, ctx) => readCsv(at, options, ctx),
  detect: (at) => detectCsv(at),
});
