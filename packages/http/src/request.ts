import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { createDispatcher } from './dispatcher.js';

let shared: Dispatcher | undefined;

/**
 * The process's default pool (created on first use; idle connections keep nothing alive): up to
 * 256 connections per origin, for callers that bound their requests themselves (header reads).
 */
export function sharedDispatcher(): Dispatcher {
  shared ??= createDispatcher({ connectionsPerOrigin: 256 });
  return shared;
}

/** Why a request failed below the HTTP level. */
export type TransportFailure =
  | 'connect-timeout'
  | 'read-timeout'
  | 'connection-refused'
  | 'connection-reset'
  | 'dns'
  | 'proxy'
  | 'truncated'
  | 'aborted'
  | 'other';

const RETRYABLE_TRANSPORT: ReadonlySet<TransportFailure> = new Set([
  'connect-timeout',
  'read-timeout',
  'connection-refused',
  'connection-reset',
  'truncated',
]);

/**
 * True for the transport failures that pass (timeouts, refused or reset connections, bodies cut
 * short): a retry may succeed. DNS failures, a proxy's refusal and cancellations are final.
 */
export function isRetryableTransport(failure: TransportFailure): boolean {
  return RETRYABLE_TRANSPORT.has(failure);
}

/** A failure of the connection, not an HTTP status. Carries no URL and no request headers. */
export class TransportError extends Error {
  override readonly name: string = 'TransportError';
  readonly failure: TransportFailure;
  /** The underlying code (`ECONNREFUSED`, `UND_ERR_SOCKET`, …), when there was one. */
  readonly errno: string | undefined;
  constructor(failure: TransportFailure, message: string, errno?: string) {
    super(message);
    this.failure = failure;
    this.errno = errno;
  }
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Classifies an error thrown by undici (or by a socket under it). `inBody`: it came while the
 * body was being read, so a reset there is a body cut short.
 */
export function transportFailureOf(err: unknown, inBody = false): TransportFailure {
  const code = codeOf(err) ?? codeOf((err as { cause?: unknown } | null)?.cause);
  const name = (err as { name?: unknown } | null)?.name;
  // undici aborts a tunnel the proxy refused ("Proxy response (407) !== 200 when HTTP Tunneling").
  if (/^proxy response/i.test(messageOf(err))) {
    return 'proxy';
  }
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') {
    return 'aborted';
  }
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return inBody ? 'read-timeout' : 'connect-timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'read-timeout';
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return 'truncated';
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return inBody ? 'truncated' : 'connection-reset';
    default:
      break;
  }
  const message = messageOf(err);
  if (/proxy/i.test(message)) {
    return 'proxy';
  }
  if (/socket hang up|other side closed|terminated/i.test(message)) {
    return inBody ? 'truncated' : 'connection-reset';
  }
  return 'other';
}

/** A {@link TransportError} for an undici error, with a message that names no URL. */
export function toTransportError(err: unknown, inBody = false): TransportError {
  if (err instanceof TransportError) {
    return err;
  }
  const failure = transportFailureOf(err, inBody);
  const code = codeOf(err) ?? codeOf((err as { cause?: unknown } | null)?.cause);
  const detail = messageOf(err);
  const message =
    failure === 'aborted'
      ? 'the request was cancelled'
      : failure === 'proxy'
        ? `the proxy refused the connection (${detail})`
        : detail;
  return new TransportError(failure, message, code);
}

/** True once `signal` has fired (a function, so that a check made earlier does not narrow it). */
function cancelled(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The head of a response and its body as a stream. */
export interface HttpStreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body; errors with the transport's error when it is cut short or times out. */
  readonly body: Readable;
}

/** One HTTP exchange's result, its body read. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Options of {@link httpOpen} and {@link httpRequest}. */
export interface HttpRequestOptions {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  readonly signal?: AbortSignal | undefined;
  /**
   * The pool the request goes through (see `createDispatcher`). Default: one pool shared by
   * the process, with the environment's proxy settings.
   */
  readonly dispatcher?: Dispatcher | undefined;
  /** Longest silence while waiting for the response head, or between body chunks. */
  readonly readTimeoutMs: number;
  /**
   * Stop after this many body bytes: the response is destroyed (its connection is not reused)
   * and what was read is returned. For reads of a prefix, e.g. an image header, where a server
   * that ignores Range would otherwise send the whole file. Send `accept-encoding: identity`.
   */
  readonly maxBodyBytes?: number | undefined;
}

/**
 * Sends one request and resolves with the response head; the body is left to the caller (read
 * it, `resume()` it or `destroy()` it). Redirects are not followed. Never retries; never logs.
 *
 * @throws TransportError for failures before the response head.
 */
export async function httpOpen(options: HttpRequestOptions): Promise<HttpStreamResponse> {
  const { url } = options;
  if (options.signal?.aborted === true) {
    throw new TransportError('aborted', 'the request was cancelled');
  }
  try {
    const res = await (options.dispatcher ?? sharedDispatcher()).request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: options.method,
      headers: options.headers,
      ...(options.body === undefined ? {} : { body: options.body }),
      signal: options.signal,
      headersTimeout: options.readTimeoutMs,
      bodyTimeout: options.readTimeoutMs,
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      body: res.body,
    };
  } catch (err) {
    // undici rejects with the signal's reason, whatever it is: a cancellation is a cancellation.
    throw cancelled(options.signal)
      ? new TransportError('aborted', 'the request was cancelled')
      : toTransportError(err);
  }
}

/**
 * Performs one HTTP request with a read timeout and an AbortSignal, and reads the whole body
 * (decompressing gzip/deflate), or its first `maxBodyBytes`. Never retries; never logs.
 *
 * @throws TransportError for a failed connection, a timeout or a body cut short.
 */
export async function httpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const res = await httpOpen({
    ...options,
    headers: { 'accept-encoding': 'gzip, deflate', ...options.headers },
  });
  const chunks: Buffer[] = [];
  let received = 0;
  // A body that ends at the limit anyway is read to its end: its connection stays reusable.
  const declared = Number(res.headers['content-length'] ?? NaN);
  const cutAt =
    options.maxBodyBytes !== undefined &&
    !(Number.isFinite(declared) && declared <= options.maxBodyBytes)
      ? options.maxBodyBytes
      : undefined;
  try {
    for await (const chunk of res.body) {
      const b = chunk as Buffer;
      chunks.push(b);
      received += b.length;
      if (cutAt !== undefined && received >= cutAt) {
        res.body.on('error', () => undefined);
        res.body.destroy();
        return { status: res.status, headers: res.headers, body: Buffer.concat(chunks) };
      }
    }
  } catch (err) {
    if (cancelled(options.signal)) {
      throw new TransportError('aborted', 'the request was cancelled');
    }
    const e = toTransportError(err, true);
    if (e.failure === 'aborted' || e.failure === 'read-timeout') {
      throw e;
    }
    throw new TransportError(
      'truncated',
      `the response was cut short after ${received} bytes (${e.message})`,
      e.errno,
    );
  }
  const expected = res.headers['content-length'];
  const bodiless = options.method === 'HEAD' || res.status === 204 || res.status === 304;
  if (expected !== undefined && !bodiless && Number(expected) !== received) {
    throw new TransportError(
      'truncated',
      `the response was cut short: ${received} of ${expected} bytes`,
    );
  }
  let body = Buffer.concat(chunks);
  const encoding = res.headers['content-encoding'];
  try {
    if (encoding === 'gzip') {
      body = gunzipSync(body);
    } else if (encoding === 'deflate') {
      body = inflateSync(body);
    }
  } catch (err) {
    throw new TransportError(
      'truncated',
      `the compressed response could not be decoded (${messageOf(err)})`,
    );
  }
  return { status: res.status, headers: res.headers, body };
}
