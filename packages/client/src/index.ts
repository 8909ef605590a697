// Public surface of @synx/client.
export { parseRetryAfter, type RetryPolicy } from '@synx/model';
export {
  SynapseClient,
  withParams,
  type AuthScheme,
  type CallOptions,
  type ClientLogger,
  type JsonResponse,
  type QueryParams,
  type SynapseClientOptions,
} from './client.js';
export { PagedList, type PageEntry } from './paged-list.js';
export { SynapseApiError, parseErrorBody, redact, type SynapseApiErrorDetails } from './errors.js';
export {
  httpRequest,
  isRetryableTransport,
  TransportError,
  type HttpRequestOptions,
  type HttpResponse,
  type TransportFailure,
} from './http.js';
export {
  checkHost,
  DEFAULT_SYNAPSE_HOST,
  defaultConfigPath,
  login,
  normalizeHost,
  readSynapseConfig,
  resolveCredentials,
  verifyToken,
  writeSynapseConfig,
  type CredentialInputs,
  type CredentialSource,
  type LoadedConfig,
  type LoginOptions,
  type LoginResult,
  type ResolvedCredentials,
  type SynapseConfigFile,
  type TokenCheck,
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
  type GroundTruthEvent,
  type GroundTruthVersion,
  type Project,
  type Storage,
  type Task,
  type User,
} from './schemas.js';
