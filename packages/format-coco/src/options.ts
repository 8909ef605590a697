import { z } from 'zod';

/** Options of the COCO format (`--option key=value`). */
export const CocoOptionsSchema = z.object({
  /**
   * `sequential` (default): category ids 1…N in class-map order. `map`: the ids of the user's
   * class map (`--class-map`), e.g. COCO's own non-contiguous 1…90.
   */
  categoryIds: z
    .enum(['sequential', 'map'])
    .default('sequential')
    .describe(
      "Category ids: sequential 1…N in class-map order, or map: the ids of --class-map (e.g. COCO's 1…90).",
    ),
  /** Category names: the class `code` used in the annotation data (default) or its display `name`. */
  names: z
    .enum(['code', 'name'])
    .default('code')
    .describe('Category names: the class code used in the annotation data, or its display name.'),
  /** File name part when the export is not split: `annotations/instances_<setName>.json`. */
  setName: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, _, . and - only')
    .default('default')
    .describe('File name part when not split: annotations/instances_<setName>.json.'),
  /**
   * `polygon` (default): an object with no polygon and no mask (a plain box, a rotated box, a
   * keypoint instance) gets its box as a 4-point polygon segmentation (a rotated box its exact
   * corners), as pycocotools' own `loadRes` does for box results, so `annToMask` and segm
   * evaluation work on every annotation. `empty`: `"segmentation": []` for such objects.
   * `bbox` and `area` are the same either way (ADR 0025).
   */
  boxSegmentation: z
    .enum(['polygon', 'empty'])
    .default('polygon')
    .describe(
      'Segmentation of objects with only a box: polygon (the box as 4 points; pycocotools annToMask works) or empty ([]).',
    ),
});
export type CocoOptions = z.infer<typeof CocoOptionsSchema>;
