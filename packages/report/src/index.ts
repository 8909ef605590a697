// Public surface of @synx/report.
export {
  REPORT_FILE,
  type Histogram,
  type ReportClass,
  type ReportData,
  type ReportDataClass,
  type ReportDataSplit,
  type ReportKindCounts,
  type ReportMediaRef,
  type ReportOptions,
  type ReportOutcomeGroup,
  type ReportSplitName,
  type ReportSummary,
  type ReportTextData,
  type SampleEntity,
  type SampleEntry,
  type SampleMedia,
  type SampleShape,
  type SampleText,
  type SplitCounts,
  type Thumbnail,
} from './types.js';
export { namedSkeleton, ReportCollector } from './collector.js';
export { renderReport } from './render.js';
export { makeThumbnail } from './thumbnail.js';
export { writeReport } from './write.js';
export {
  MANIFEST_FILE,
  collectFromDataset,
  exportLocator,
  readExportManifest,
  regenerateReport,
  reportOptionsFromManifest,
  type ExportLayout,
  type ExportLocator,
  type RegenerateOptions,
  type RegenerateResult,
  type ReportManifest,
} from './read-back.js';
