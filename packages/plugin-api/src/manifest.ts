import { z } from 'zod';

/** One format entry of a plugin's `"synx"` manifest. */
export const FormatManifestEntrySchema = z.object({
  /** Lower-case kebab id (`coco`, `yolo`, `pascal-voc`, `labelme`). */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case kebab case'),
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
});
export type FormatManifestEntry = z.infer<typeof FormatManifestEntrySchema>;

/** The `"synx"` key of a format plugin's package.json, read without importing any code. */
export const PluginManifestSchema = z.object({
  apiVersion: z.number().int().positive(),
  formats: z.array(FormatManifestEntrySchema).min(1),
});
export type PluginManifest = z.infer<typeof PluginManifestSchema>;
