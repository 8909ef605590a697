import type { CsvOptions } from './options.js';

/** File of a split: the file itself, or `<split>_<file>` for the box presets when splitting. */
export function csvFileFor(options: CsvOptions, split: string | undefined): string {
  return split === undefined || options.preset === 'synx'
    ? options.file
    : `${split}_${options.file}`;
}
