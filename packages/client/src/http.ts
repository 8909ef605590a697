// The transport is @synx/http's (one HTTP layer for the client, header reads and downloads);
// re-exported here for the client's callers.
export {
  httpRequest,
  isRetryableTransport,
  TransportError,
  type HttpRequestOptions,
  type HttpResponse,
  type TransportFailure,
} from '@synx/http';
