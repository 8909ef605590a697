// Public surface of @synx/model.
export {
  SYNX_ERROR_CODES,
  SynxError,
  abortError,
  delay,
  errnoCode,
  fileSystemError,
  isFileSystemError,
  isSynxError,
  throwIfAborted,
  type SynxErrorCode,
  type SynxErrorOptions,
} from './errors.js';
export {
  IssueCollector,
  IssueSchema,
  type Issue,
  type IssueCollectorOptions,
  type IssueReporter,
  type IssueSummary,
  type IssueSummaryEntry,
} from './issues.js';
export * from './schema.js';
export {
  ClassMap,
  INSTANCE_TOOLS,
  KEYPOINT_TOOLS,
  classMapFromDiscovered,
  classMapFromJsonValue,
  classMapFromList,
  classMapFromProjectConfiguration,
  parseClassMapFile,
  type ClassMapInput,
} from './classes.js';
export {
  DM_ISSUE_CODES,
  DM_TOOLS,
  convertDmV1,
  dmFieldOf,
  mediaKindOf,
  toDmV1,
  type DmV1ConvertOptions,
  type DmV1Converted,
} from './dm-v1.js';
export { parseDmJson, putKey, quoteNonFiniteTokens } from './dm-json.js';
export { buildJsonSchema } from './json-schema.js';
export {
  boxOnlyInstance,
  keypointVisibility,
  instancesOf,
  unknownClassReason,
  type Instance,
  type InstanceSplit,
} from './instances.js';
export { hash32 } from './hash.js';
export {
  MAX_COORDINATE,
  MAX_IMAGE_SIDE,
  MAX_PIXEL_INDEX,
  coordinateProblem,
  geometryProblem,
  type GeometryProblem,
} from './limits.js';
export {
  DEFAULT_RETRY_POLICY,
  RETRYABLE_STATUSES,
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  retryPolicy,
  type RetryPolicy,
  type RetryState,
} from './retry.js';
export { hasUserInfo, redactText, redactUrl, urlSecrets } from './redact.js';
export { dmParagraphOf } from './dm-text.js';
