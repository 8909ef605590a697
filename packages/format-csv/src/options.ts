import { z } from 'zod';

/** A boolean option: `true`/`false` as given to `--option key=value` (also 1/0, yes/no, on/off). */
const flag = z.union([z.boolean(), z.stringbool()]);

/** Options of the CSV format (`--option key=value`). */
export const CsvOptionsSchema = z.object({
  /**
   * Column layout. `synx` (default): one row per annotation with every column synx knows.
   * `tfod`: the TensorFlow Object Detection API CSV (`filename,width,height,class,xmin,…`).
   * `openimages`: the Open Images box CSV with coordinates normalised to 0..1.
   */
  preset: z
    .enum(['synx', 'tfod', 'openimages'])
    .default('synx')
    .describe(
      'Columns: synx (every column, one row per annotation), tfod (TensorFlow OD API) or openimages (boxes in 0..1).',
    ),
  /** Starts the file with a UTF-8 byte order mark, so Excel reads non-ASCII names correctly. */
  bom: flag
    .default(false)
    .describe('Start the file with a UTF-8 byte order mark, so Excel reads non-ASCII names.'),
  /** Line ending: `lf` (default) or `crlf` (RFC 4180's own). */
  eol: z
    .enum(['lf', 'crlf'])
    .default('lf')
    .describe('Line ending: lf, or crlf as RFC 4180 writes it.'),
  /** Name of the CSV file in the output folder. */
  file: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ., _ and - only')
    .refine((name) => name !== '.' && name !== '..', 'a file name, not . or ..')
    .default('annotations.csv')
    .describe('Name of the CSV file in the output folder.'),
});
export type CsvOptions = z.infer<typeof CsvOptionsSchema>;

/** The column layouts of {@link CsvOptions.preset}. */
export type CsvPreset = CsvOptions['preset'];
