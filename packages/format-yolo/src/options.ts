import { ClassFromSchema } from '@synx/format-imagefolder';
import { z } from 'zod';

/** Options of the YOLO format (`--yolo-task`, `--option key=value`). */
export const YoloOptionsSchema = z
  .object({
    /** The label kind, chosen for the whole export (never inferred per object). */
    task: z
      .enum(['detect', 'segment', 'pose', 'obb', 'classify'])
      .default('detect')
      .describe(
        'The label kind for the whole export (never inferred per object); classify writes the ultralytics classification tree (<split>/<class>/<image>).',
      ),
    /** `classify`: where the class of each image comes from (`classification` or `attribute:<name>`). */
    // No default: the option belongs to classify alone, so the other tasks' manifests do not list it.
    classFrom: ClassFromSchema.unwrap()
      .optional()
      .describe(
        'classify: the class of each image, "classification" (the default: the class of its classification annotations) or "attribute:<name>" (that attribute of its classification annotations).',
      ),
    /** `segment`: an object that only has a box becomes its 4 corners (`polygon`) or is skipped. */
    boxes: z
      .enum(['polygon', 'skip'])
      .default('polygon')
      .describe(
        'segment: an object with only a box becomes its 4 corners (polygon) or is skipped.',
      ),
    /** `segment`: masks are traced to their outline (`trace`) or skipped. */
    masks: z
      .enum(['trace', 'skip'])
      .default('trace')
      .describe('segment: masks are traced to their outline, or skipped.'),
    /** Crowd regions (`iscrowd`): skipped as ultralytics does, or kept as ordinary objects. */
    crowd: z
      .enum(['skip', 'keep'])
      .default('skip')
      .describe(
        'Crowd regions (iscrowd): skipped as ultralytics does, or kept as ordinary objects.',
      ),
    /** `data.yaml` `path`: the output folder's absolute path, or omitted (ultralytics then uses the yaml's folder). */
    yamlPath: z
      .enum(['absolute', 'omit'])
      .default('absolute')
      .describe(
        "data.yaml path: the output folder's absolute path, or omitted (ultralytics then uses the yaml's folder).",
      ),
  })
  .refine((o) => o.classFrom === undefined || o.task === 'classify', {
    message:
      'classFrom is an option of --yolo-task classify only (the other tasks label objects, not images)',
    path: ['classFrom'],
  });
export type YoloOptions = z.infer<typeof YoloOptionsSchema>;
export type YoloTask = YoloOptions['task'];
/** The tasks that write label files (all but `classify`). */
export type YoloLabelTask = Exclude<YoloTask, 'classify'>;
