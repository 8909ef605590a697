import { z } from 'zod';

const KEBAB = /^[a-z0-9][a-z0-9-]*$/;

/**
 * A CLI flag that sets one of the format's options: `--yolo-task segment` is
 * `--option task=segment`. Declared in the manifest so the CLI knows it without importing the
 * format's code.
 */
export const FlagAliasSchema = z.object({
  /** The option the flag sets (a key of the format's options). */
  option: z.string().min(1),
  /** One line for `--help`-style listings (`synx formats show <id>`). */
  description: z.string().optional(),
  /** The flag may be repeated; each value is one more value of the option. */
  multiple: z.boolean().optional(),
  /**
   * The guided export asks for this option with this question (e.g. `YOLO task:`), offering
   * the option's allowed values ranked by what each keeps of the source.
   */
  ask: z.string().min(1).optional(),
});
export type FlagAlias = z.infer<typeof FlagAliasSchema>;

/** One format entry of a plugin's `"synx"` manifest. */
export const FormatManifestEntrySchema = z.object({
  /** Lower-case kebab id (`coco`, `yolo`, `pascal-voc`, `labelme`). */
  id: z.string().regex(KEBAB, 'must be lower-case kebab case'),
  title: z.string().min(1),
  description: z.string().optional(),
  /** Module path relative to the package root, e.g. `./dist/index.js`. */
  module: z.string().min(1),
  /** Named export holding the Format (default `default`). */
  export: z.string().optional(),
  /** File extensions the format reads/writes, for detection. */
  extensions: z.array(z.string()).optional(),
  capabilities: z.array(z.enum(['detect', 'read', 'write'])).optional(),
  /** Canonical annotation kinds the format writes without loss. */
  annotationKinds: z.array(z.string()).optional(),
  /** CLI flags for options, by flag name without `--` (kebab case, e.g. `yolo-task`). */
  flags: z
    .record(z.string().regex(KEBAB, 'a flag name is lower-case kebab case'), FlagAliasSchema)
    .optional(),
});
export type FormatManifestEntry = z.infer<typeof FormatManifestEntrySchema>;

/** The `"synx"` key of a format plugin's package.json, read without importing any code. */
export const PluginManifestSchema = z
  .object({
    apiVersion: z.number().int().positive(),
    formats: z.array(FormatManifestEntrySchema).min(1),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    for (const [i, f] of m.formats.entries()) {
      if (seen.has(f.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['formats', i, 'id'],
          message: `the id "${f.id}" is declared twice`,
        });
      }
      seen.add(f.id);
    }
  });
export type PluginManifest = z.infer<typeof PluginManifestSchema>;
