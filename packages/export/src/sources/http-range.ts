import http from 'node:http';
import https from 'node:https';
import { httpRequest, TransportError } from '@synx/client';
import { abortError, delay, SynxError, throwIfAborted } from '@synx/model';

/** Keep-alive agents per protocol, shared by every header read of the process. */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

/** A media URL that is no longer valid (expired signature): the caller may refresh it. */
export class ExpiredUrlError extends SynxError {
  constructor(status: number) {
    super('SYNX_PERMISSION', `media URL answered ${status} (expired or not signed)`);
  }
}

/**
 * Reads `length` bytes at `offset` of a media URL with an HTTP Range request (no auth header:
 * Synapse media URLs are signed). A server that ignores Range is read only as far as needed,
 * and its connection is then dropped. Each attempt gives up after `timeoutMs` without data (a
 * header is a few KB: a slow answer is a stuck one). Retries twice on 5xx, 429 and network
 * errors; a 401/403/410 (expired URL) throws {@link ExpiredUrlError} at once, so the caller can
 * refresh the URL.
 */
export async function fetchRange(
  url: string,
  offset: number,
  length: number,
  signal?: AbortSignal,
  timeoutMs = 5_000,
): Promise<Uint8Array> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new SynxError('SYNX_INVALID_INPUT', `media URL scheme ${target.protocol} is not http(s)`);
  }
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    throwIfAborted(signal);
    try {
      const { status, body } = await httpRequest({
        method: 'GET',
        url: target,
        headers: { range: `bytes=${offset}-${offset + length - 1}`, 'accept-encoding': 'identity' },
        signal,
        connectTimeoutMs: timeoutMs,
        readTimeoutMs: timeoutMs,
        agent: target.protocol === 'https:' ? agents['https:'] : agents['http:'],
        maxBodyBytes: offset + length,
      });
      if (status === 416) {
        return new Uint8Array(0);
      }
      if (status === 401 || status === 403 || status === 410) {
        throw new ExpiredUrlError(status);
      }
      if (status >= 500 || status === 429) {
        lastError = new SynxError('SYNX_SERVER', `media URL answered ${status}`);
      } else if (status !== 200 && status !== 206) {
        throw new SynxError('SYNX_HTTP', `media URL answered ${status}`);
      } else {
        const skip = status === 200 ? offset : 0;
        return body.subarray(skip, Math.min(body.length, skip + length));
      }
    } catch (err) {
      if (err instanceof SynxError) {
        throw err;
      }
      if (err instanceof TransportError && err.failure === 'aborted') {
        throw abortError(signal);
      }
      lastError = err;
    }
    await delay(200 * attempt, signal);
  }
  throw new SynxError(
    'SYNX_NETWORK',
    `could not read the media header: ${(lastError as Error).message}`,
    { cause: lastError },
  );
}
