import { ANNOTATION_KINDS } from '@synx/model';
import type { AnnotationFeature } from './format.js';

/**
 * Every annotation feature a format may declare a treatment for, in the order synx shows them:
 * the canonical kinds, with `rotated-bbox` after `bbox` and `ungrouped-keypoint` after
 * `keypoint`. A format that keeps one or two features drops "all the others" by filtering this
 * list, so a kind added later is covered without an edit.
 */
export const ANNOTATION_FEATURES: readonly AnnotationFeature[] = ANNOTATION_KINDS.flatMap(
  (k): AnnotationFeature[] =>
    k === 'bbox'
      ? ['bbox', 'rotated-bbox']
      : k === 'keypoint'
        ? ['keypoint', 'ungrouped-keypoint']
        : [k],
);

/**
 * True for a name synx itself keeps at the root of an output folder — its manifest, issues,
 * caches (every `synx-…` name), `report.html` — or a file being written (`….partial`). A reader
 * skips them; a format never gives one of its own files or folders such a name.
 */
export function isHostFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('synx-') || lower === 'report.html' || lower.endsWith('.partial');
}
