import http from 'node:http';
import https from 'node:https';
import { SynxError } from '@synx/model';

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

interface Answer {
  readonly status: number;
  readonly bytes: Buffer;
}

/**
 * One GET with a Range header. Reads at most `want` bytes of the body, then destroys the
 * response if anything is left (a connection is never held while a server streams a body
 * nobody reads, e.g. one that ignores Range).
 */
function rangeRequest(
  url: URL,
  range: string,
  want: number,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
    const req = lib.request(url, { method: 'GET', headers: { range }, agent, signal });
    const fail = (err: Error): void => {
      req.destroy();
      reject(err);
    };
    req.setTimeout(timeoutMs, () => {
      fail(new Error(`no answer for ${timeoutMs} ms`));
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200 && status !== 206) {
        res.resume();
        resolve({ status, bytes: Buffer.alloc(0) });
        return;
      }
      const chunks: Buffer[] = [];
      let got = 0;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        got += chunk.length;
        if (got >= want) {
          res.destroy();
          resolve({ status, bytes: Buffer.concat(chunks) });
        }
      });
      res.on('end', () => {
        resolve({ status, bytes: Buffer.concat(chunks) });
      });
      res.on('error', (err) => {
        if (got >= want) {
          return;
        }
        reject(err);
      });
      res.on('close', () => {
        resolve({ status, bytes: Buffer.concat(chunks) });
      });
    });
    req.end();
  });
}

/**
 * Reads `length` bytes at `offset` of a media URL with an HTTP Range request (no auth header:
 * Synapse media URLs are signed). A server that ignores Range is read only as far as needed.
 * Each attempt gives up after `timeoutMs` without an answer (a header is a few KB: a slow
 * answer is a stuck one). Retries twice on 5xx and network errors; a 401/403/410 (expired URL) throws
 * {@link ExpiredUrlError} at once, so the caller can refresh the URL.
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
    try {
      const { status, bytes } = await rangeRequest(
        target,
        `bytes=${offset}-${offset + length - 1}`,
        offset + length,
        signal,
        timeoutMs,
      );
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
        return bytes.subarray(skip, Math.min(bytes.length, skip + length));
      }
    } catch (err) {
      if (err instanceof SynxError) {
        throw err;
      }
      if (signal?.aborted === true) {
        throw new SynxError('SYNX_ABORTED', 'the operation was cancelled');
      }
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
  throw new SynxError(
    'SYNX_NETWORK',
    `could not read the media header: ${(lastError as Error).message}`,
    { cause: lastError },
  );
}
