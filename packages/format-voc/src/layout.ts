import type { VocOptions } from './options.js';

/** The VOC root inside the output folder: `VOCdevkit/VOC<year>` (devkit) or `` (flat). */
export function vocRoot(options: Pick<VocOptions, 'layout' | 'year'>): string {
  return options.layout === 'devkit' ? `VOCdevkit/VOC${options.year}` : '';
}

/** A path under the VOC root, with `/` separators. */
export function underRoot(options: Pick<VocOptions, 'layout' | 'year'>, path: string): string {
  const root = vocRoot(options);
  return root === '' ? path : `${root}/${path}`;
}

/** The image-set files written for these splits: one per split, plus `trainval` as VOC has it. */
export function imageSetNames(splits: readonly string[] | undefined): string[] {
  if (splits === undefined || splits.length === 0) {
    return ['trainval'];
  }
  return splits.includes('trainval') ? [...splits] : [...splits, 'trainval'];
}

/** The splits whose images `trainval.txt` lists when it is derived (VOC: train + val). */
export const TRAINVAL_PARTS: ReadonlySet<string> = new Set(['train', 'val']);
