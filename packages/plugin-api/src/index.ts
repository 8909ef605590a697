// Public surface of @synx/plugin-api.
export {
  PLUGIN_API_VERSION,
  SUPPORTED_API_VERSIONS,
  defineFormat,
  type AnyFormat,
  type AnnotationFeature,
  type AnnotationOutcome,
  type DatasetLocation,
  type ExportImage,
  type ExportItem,
  type ExportText,
  type Format,
  type FormatContext,
  type FormatDescription,
  type KindTreatment,
  type Logger,
  type MessageData,
  type OutputFile,
  type SplitName,
  type WriteInput,
  type WriteResult,
} from './format.js';
export type { StandardSchemaV1 } from '@standard-schema/spec';
export { KIT_MESSAGES, REPORTED_AT_SOURCE, messageText, type KitMessageId } from './messages.js';
export {
  WriterKit,
  type AnnotationScope,
  type MediaEncoders,
  type ObjectScope,
  type WriterKitOptions,
} from './kit.js';
export { TextFileWriter } from './text-writer.js';
export { ANNOTATION_FEATURES, isHostFileName } from './features.js';
export { readFileHead } from './file-head.js';
export {
  partialPathOf,
  writeFileAtomic,
  writeFileAtomicSync,
  writeError,
  type AtomicWriteOptions,
} from './atomic.js';
export { GEOMETRY_INVALID, imageSide, writableMedia } from './geometry.js';
