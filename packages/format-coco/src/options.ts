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
});
export type CocoOptions = z.infer<typeof CocoOptionsSchema>;
