import type { CsvPreset } from './options.js';

/** The columns of the `synx` preset, in file order. */
export const SYNX_COLUMNS = [
  'image',
  'width',
  'height',
  'split',
  'class',
  'class_id',
  'kind',
  'xmin',
  'ymin',
  'xmax',
  'ymax',
  'rotation',
  'points',
  'attributes',
  'item_id',
  'annotation_id',
] as const;

/** The TensorFlow Object Detection API CSV columns (`generate_tfrecord.py`). */
export const TFOD_COLUMNS = [
  'filename',
  'width',
  'height',
  'class',
  'xmin',
  'ymin',
  'xmax',
  'ymax',
] as const;

/** The Open Images box annotation columns (`*-annotations-bbox.csv`). */
export const OPENIMAGES_COLUMNS = [
  'ImageID',
  'Source',
  'LabelName',
  'Confidence',
  'XMin',
  'XMax',
  'YMin',
  'YMax',
  'IsOccluded',
  'IsTruncated',
  'IsGroupOf',
  'IsDepiction',
  'IsInside',
] as const;

/** The header of each preset. */
export const PRESET_COLUMNS: Readonly<Record<CsvPreset, readonly string[]>> = {
  synx: SYNX_COLUMNS,
  tfod: TFOD_COLUMNS,
  openimages: OPENIMAGES_COLUMNS,
};

/**
 * First characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"):
 * `=`, `+`, `-`, `@`, tab and carriage return, plus their full-width forms (`＝＋－＠`), which
 * some spreadsheets normalise to the ASCII ones.
 */
/** A text that needs a `'` in front: a trigger, possibly after quotes the source already had. */
const NEEDS_QUOTE = /^'*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** A cell the writer neutralised: one added `'`, then what {@link NEEDS_QUOTE} matches. */
const NEUTRALISED = /^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * Neutralises a text cell for spreadsheets: a text starting with a formula trigger gets a single
 * quote `'` in front (Excel, LibreOffice and Google Sheets then show it as text). A text that
 * already starts with quotes followed by a trigger gets one more, so that {@link restoreText}
 * gives back every text exactly. Never used for number cells: `-3.5` stays a number.
 */
export function neutralise(text: string): string {
  return NEEDS_QUOTE.test(text) ? `'${text}` : text;
}

/**
 * Reverses {@link neutralise}: removes one leading `'` only when the cell then still starts with
 * quotes and a formula trigger, i.e. only where the writer added it.
 */
export function restoreText(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

/** A number cell written exactly as JavaScript prints it (shortest round-trip form); empty for none. */
export function numberCell(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

/**
 * A number with at most `decimals` decimals, in plain dot-decimal notation (never `1e-7`), with
 * trailing zeros removed: `0.2020000000` → `0.202`, `1.0` → `1`.
 */
export function fixedCell(value: number, decimals: number): string {
  let s = value.toFixed(decimals);
  if (s.includes('.')) {
    s = s.replace(/0+$/, '').replace(/\.$/, '');
  }
  return s === '-0' ? '0' : s;
}

/** For derived values only (hulls of rotated boxes): removes floating-point noise. */
export function roundDerived(value: number): number {
  return Number.isInteger(value) ? value : Math.round(value * 1e6) / 1e6;
}
