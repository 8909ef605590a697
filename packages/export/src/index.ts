// Public surface of @synx/export.
export { runExport } from './run.js';
export {
  defaultOutput,
  openExportSession,
  openSource,
  resolveClasses,
  type ExportSession,
} from './session.js';
export type { ExportProgress, ExportRequest, ExportSummary, SourceRequest } from './request.js';
export { ExportRecorder, type ManifestParts, type Outcome } from './recorder.js';
export { MediaSaver } from './media-saver.js';
export { HandOver, checkedOutputs, type Written } from './hand-over.js';
export { exportItems, observeAll, type PipelineContext } from './pipeline.js';
export {
  allMissing,
  mediaJob,
  mediaSummary,
  type MediaRequest,
  type MediaSummary,
  type MissingMedia,
} from './media.js';
export {
  GroundTruthSplit,
  HashSplit,
  itemLabels,
  splitStrategy,
  StratifiedSplit,
  type SplitRequest,
  type SplitStrategy,
  type SplitSummary,
} from './splits.js';
export {
  DEFAULT_SAMPLE_PAGES,
  planExport,
  type ExportPlan,
  type PlanClass,
  type PlanOptions,
  type PlanProgress,
  type PlanTreatment,
  type PlanValueCount,
  type PlanWithheld,
} from './plan.js';
export { ISSUES_FILE, MANIFEST_FILE, writeManifest, type ExportManifest } from './manifest.js';
export { ExportStats, type ExportCounts, type KindCounts, type OutcomeGroup } from './stats.js';
export { createLimiter, mapOrdered, type Limiter } from './concurrency.js';
export { fitToImage, type Unfit } from './fit.js';
export { featureOf, groupedIds } from './features.js';
export { openFolderSource, type FolderSourceOptions } from './sources/folder.js';
// The live-API pieces load the HTTP client: they are at `@synx/export/api`, so exporting a
// local folder (and every CLI start) does not load it.
export type { ApiSourceOptions, ExportTarget } from './sources/api.js';
export { sizeFromMeta, sizeImages, type SizeOptions } from './sources/media.js';
export {
  FOLDER_SAMPLE_ITEMS,
  type ItemReadOptions,
  type SampleSpec,
  type Source,
  type SourcedItem,
  type SourceSample,
} from './sources/source.js';
export { resolveTreatment, resolveTreatments, type ResolvedTreatment } from './treatments.js';
export { TEXT_CACHE_DIR } from './texts.js';
