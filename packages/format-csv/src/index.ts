// Public surface of @synx/format-csv.
export { csvFormat } from './format.js';
export { CsvOptionsSchema, type CsvOptions, type CsvPreset } from './options.js';
export { csvFileFor, GROUP_NOT_STORED, writeCsv } from './write.js';
export { CSV_MESSAGES, type CsvMessageId } from './messages.js';
export { readCsv, detectCsv, findCsv, layoutOf, type CsvFile, type CsvLayout } from './read.js';
export {
  neutralise,
  restoreText,
  SYNX_COLUMNS,
  TFOD_COLUMNS,
  OPENIMAGES_COLUMNS,
} from './cells.js';
