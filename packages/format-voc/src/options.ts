import { z } from 'zod';

/** The per-object VOC fields synx fills from annotation attributes. */
export const VOC_FIELDS = ['pose', 'truncated', 'difficult', 'occluded'] as const;
export type VocField = (typeof VOC_FIELDS)[number];

const PAIR = /^(pose|truncated|difficult|occluded)\s*[:=]\s*(\S(?:.*\S)?)$/i;

/** `field:attribute` pairs from one string (comma-separated) or a repeated option. */
function pairsOf(value: string | readonly string[] | undefined): string[] {
  const list: readonly string[] =
    value === undefined ? [] : typeof value === 'string' ? [value] : value;
  return list
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function mappingOf(
  value: string | readonly string[] | undefined,
): Partial<Record<VocField, string>> {
  const out: Partial<Record<VocField, string>> = {};
  for (const pair of pairsOf(value)) {
    const m = PAIR.exec(pair);
    const field = m?.[1]?.toLowerCase() as VocField | undefined;
    const attribute = m?.[2];
    if (field !== undefined && attribute !== undefined) {
      out[field] = attribute;
    }
  }
  return out;
}

/** Options of the Pascal VOC format (`--option key=value`; values arrive as strings). */
export const VocOptionsSchema = z.object({
  /**
   * `devkit` (default): `VOCdevkit/VOC<year>/{Annotations,ImageSets/Main,JPEGImages}`, the tree
   * torchvision's `VOCDetection(root, year)` and Detectron2 read. `flat`: the same folders at
   * the output root (CVAT / Datumaro style).
   */
  layout: z
    .enum(['devkit', 'flat'])
    .default('devkit')
    .describe(
      'devkit: VOCdevkit/VOC<year>/\u2026 as torchvision and Detectron2 read it; flat: the same folders at the output root (CVAT, Datumaro).',
    ),
  /** The devkit folder is `VOC<year>`; also written in each file's `<folder>`. */
  year: z.coerce
    .string()
    .regex(/^\d{4}$/, 'a four-digit year, e.g. 2012')
    .default('2012')
    .describe("The devkit folder is VOC<year>; also each file's <folder>."),
  /**
   * `one-based` (default): the VOC devkit convention, 1-based inclusive pixel indices
   * (`xmin = round(x) + 1`, `xmax = round(x + width)`). `zero-based`: the numbers as continuous
   * pixel coordinates (`xmin = round(x)`, `xmax = round(x + width)`), as CVAT reads them.
   */
  coordinates: z
    .enum(['one-based', 'zero-based'])
    .default('one-based')
    .describe(
      "one-based: the devkit's 1-based pixel indices; zero-based: continuous coordinates, as CVAT reads them.",
    ),
  /**
   * Where the VOC flags come from: `field:attribute` (or `field=attribute`, as `--voc-attr`
   * passes it) pairs (`attr=difficult:hard`), repeated or comma-separated. Without a pair a field comes from the attribute of its own name (any case).
   */
  attr: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .refine((v) => pairsOf(v).every((p) => PAIR.test(p)), {
      message:
        'write attr as field:attribute with field pose, truncated, difficult or occluded (e.g. attr=difficult:hard)',
    })
    .transform(mappingOf)
    .describe(
      'Take a VOC field from another attribute: field:attribute (e.g. difficult:hard), repeated or comma-separated.',
    ),
});
export type VocOptions = z.infer<typeof VocOptionsSchema>;
