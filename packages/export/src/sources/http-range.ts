import { httpRequest, isRetryableTransport, TransportError, type Dispatcher } from '@synx/http';
import {
  abortError,
  delay,
  isRetryableStatus,
  parseRetryAfter,
  redactUrl,
  retryDelay,
  retryPolicy,
  SynxError,
  throwIfAborted,
  type RetryPolicy,
} from '@synx/model';

/** A media URL that is no longer valid (expired signature): the caller may refresh it. */
export class ExpiredUrlError extends SynxError {
  constructor(status: number) {
    super('SYNX_PERMISSION', `media URL answered ${status} (expired or not signed)`);
  }
}

/** Options of {@link fetchRange}. */
export interface FetchRangeOptions {
  readonly signal?: AbortSignal | undefined;
  /** Longest silence while connecting, waiting for the answer or between body chunks. Default 10 s. */
  readonly timeoutMs?: number | undefined;
  /** The export's retry policy (default: `retryPolicy()`). */
  readonly retry?: RetryPolicy | undefined;
  /**
   * Runs each attempt (not the waits between them) within the caller's request budget, e.g. a
   * limiter of 16 requests at once: a read waiting for its retry holds no slot.
   */
  readonly limit?: (<T>(attempt: () => Promise<T>) => Promise<T>) | undefined;
  /** The connection pool (default: `@synx/http`'s shared pool). */
  readonly dispatcher?: Dispatcher | undefined;
}

/**
 * Reads `length` bytes at `offset` of a media URL with an HTTP Range request (no auth header:
 * Synapse media URLs are signed). A server that ignores Range is read only as far as needed,
 * and its connection is then dropped. Passing failures — the statuses of `RETRYABLE_STATUSES`
 * (`Retry-After` honoured), resets, timeouts and bodies cut short — are retried under the shared
 * retry policy; a 401/403/410 (expired URL) throws {@link ExpiredUrlError} at once, so the
 * caller can refresh the URL.
 *
 * @throws SynxError `SYNX_NETWORK`/`SYNX_SERVER` after the retries, `SYNX_HTTP` for other
 * statuses, `SYNX_ABORTED` when the signal fires. Messages never hold the URL's query string.
 */
export async function fetchRange(
  url: string,
  offset: number,
  length: number,
  options: FetchRangeOptions = {},
): Promise<Uint8Array> {
  const { signal } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const policy = options.retry ?? retryPolicy();
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new SynxError('SYNX_INVALID_INPUT', `media URL scheme ${target.protocol} is not http(s)`);
  }
  let waitedMs = 0;
  for (let failures = 1; ; failures++) {
    throwIfAborted(signal);
    let failure: SynxError;
    let retryAfterMs: number | undefined;
    try {
      const attempt = (): ReturnType<typeof httpRequest> =>
        httpRequest({
          method: 'GET',
          url: target,
          headers: {
            range: `bytes=${offset}-${offset + length - 1}`,
            'accept-encoding': 'identity',
          },
          signal,
          readTimeoutMs: timeoutMs,
          dispatcher: options.dispatcher,
          maxBodyBytes: offset + length,
        });
      const { status, headers, body } = await (options.limit?.(attempt) ?? attempt());
      if (status === 416) {
        return new Uint8Array(0);
      }
      if (status === 401 || status === 403 || status === 410) {
        throw new ExpiredUrlError(status);
      }
      if (status === 200 || status === 206) {
        const skip = status === 200 ? offset : 0;
        return body.subarray(skip, Math.min(body.length, skip + length));
      }
      if (!isRetryableStatus(status)) {
        throw new SynxError('SYNX_HTTP', `media URL answered ${status}`);
      }
      failure = new SynxError(
        status === 429 ? 'SYNX_RATE_LIMITED' : 'SYNX_SERVER',
        `media URL answered ${status}`,
      );
      retryAfterMs = parseRetryAfter(headers['retry-after']);
    } catch (err) {
      if (err instanceof SynxError) {
        throw err;
      }
      if (!(err instanceof TransportError)) {
        throw err;
      }
      if (err.failure === 'aborted') {
        throw abortError(signal);
      }
      failure = new SynxError(
        err.failure.endsWith('timeout') ? 'SYNX_TIMEOUT' : 'SYNX_NETWORK',
        `${redactUrl(url)}: ${err.message}`,
        { cause: err },
      );
      if (!isRetryableTransport(err.failure)) {
        throw failure;
      }
    }
    const wait = retryDelay(policy, { failures, waitedMs, retryAfterMs });
    if (wait === undefined) {
      throw new SynxError(failure.code, `${failure.message} (gave up after ${failures} attempts)`, {
        cause: failure.cause ?? failure,
      });
    }
    waitedMs += wait;
    await delay(wait, signal);
  }
}
