// Public surface of @synx/client.
export { parseRetryAfter, type RetryPolicy } from '@synx/model';
export {
  SynapseClient,
  withParams,
  type AuthScheme,
  type CallOptions,
  type ClientLogger,
  type CursorPage,
  type JsonResponse,
  type QueryParams,
  type SynapseClientOptions,
} from './client.js';
export { PagedList, spreadPages, type PageEntry, type PageSample } from './paged-list.js';
export {
  findGroundTruthVersions,
  ProjectCatalog,
  projectMatches,
  type FindGroundTruthOptions,
  type GroundTruthDatasetInfo,
  type GroundTruthVersionInfo,
  type ProjectCatalogOptions,
  type ProjectMatches,
} from './catalog.js';
export {
  GT_NOT_FOUND_HINT,
  PROJECT_NOT_FOUND_HINT,
  SynapseApiError,
  parseErrorBody,
  redact,
  type SynapseApiErrorDetails,
} from './errors.js';
export {
  httpRequest,
  isRetryableTransport,
  TransportError,
  type HttpRequestOptions,
  type HttpResponse,
  type TransportFailure,
} from './http.js';
export {
  DEFAULT_SYNAPSE_HOST,
  defaultConfigPath,
  normalizeHost,
  readSynapseConfig,
  resolveCredentials,
  writeSynapseConfig,
  type CredentialInputs,
  type CredentialSource,
  type LoadedConfig,
  type ResolvedCredentials,
  type SynapseConfigFile,
} from './credentials.js';
export {
  jsonArrayElementSpans,
  jsonMemberSpan,
  rawArrayMember,
  rawMember,
  type JsonSpan,
} from './json-spans.js';
export {
  AgentSchema,
  AssignmentSchema,
  DataUnitSchema,
  FileValueSchema,
  GroundTruthDatasetSchema,
  GroundTruthEventSchema,
  GroundTruthVersionSchema,
  PageEnvelopeSchema,
  ProjectSchema,
  StorageSchema,
  TaskSchema,
  UserSchema,
  type Agent,
  type Assignment,
  type DataUnit,
  type FileValue,
  type GroundTruthDataset,
  type GroundTruthEvent,
  type GroundTruthVersion,
  type Project,
  type Storage,
  type Task,
  type User,
} from './schemas.js';
