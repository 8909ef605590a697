import { defineFormat, type Format } from '@synx/plugin-api';
import { describeCsv } from './describe.js';
import { CSV_MESSAGES, type CsvMessageId } from './messages.js';
import { CsvOptionsSchema, type CsvOptions } from './options.js';
import { detectCsv, readCsv } from './read.js';
import { writeCsv } from './write.js';

/**
 * CSV: one file, one row per annotation (`synx` preset), or the TensorFlow Object Detection and
 * Open Images box layouts. RFC 4180 quoting by csv-stringify; text cells that a spreadsheet
 * would run as a formula are neutralised with a leading `'`.
 */
export const csvFormat: Format<CsvOptions, CsvMessageId> = defineFormat({
  apiVersion: 1,
  id: 'csv',
  title: 'CSV',
  description:
    'CSV, one row per annotation (pandas, spreadsheets), or the TensorFlow Object Detection / Open Images box layouts',
  options: CsvOptionsSchema,
  messages: CSV_MESSAGES,
  describe: describeCsv,
  write: (input, to, options, ctx) => writeCsv(input, to.dir, options, ctx),
  read: (at, options, ctx) => readCsv(at, options, ctx),
  detect: (at) => detectCsv(at),
});
