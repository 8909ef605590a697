import { z } from 'zod';
import { ClassFromSchema } from './class-rule.js';

/** Options of the ImageFolder format (`--option classFrom=…`). */
export const ImageFolderOptionsSchema = z.object({
  classFrom: ClassFromSchema,
});
export type ImageFolderOptions = z.infer<typeof ImageFolderOptionsSchema>;
