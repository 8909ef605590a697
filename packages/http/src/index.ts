// Public surface of @synx/http: one HTTP layer for everything synx fetches.
export {
  createDispatcher,
  proxySettings,
  type DispatcherOptions,
  type ProxySettings,
} from './dispatcher.js';
export {
  httpOpen,
  httpRequest,
  isRetryableTransport,
  sharedDispatcher,
  toTransportError,
  TransportError,
  transportFailureOf,
  type HttpRequestOptions,
  type HttpResponse,
  type HttpStreamResponse,
  type TransportFailure,
} from './request.js';
export type { Dispatcher } from 'undici';
