import http from 'node:http';
import https from 'node:https';
import { gunzipSync, inflateSync } from 'node:zlib';

/** Why a request failed below the HTTP level. */
export type TransportFailure =
  | 'connect-timeout'
  | 'read-timeout'
  | 'connection-refused'
  | 'connection-reset'
  | 'dns'
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
 * short): a retry may succeed. DNS failures and cancellations are final.
 */
export function isRetryableTransport(failure: TransportFailure): boolean {
  return RETRYABLE_TRANSPORT.has(failure);
}

/** A failure of the connection, not an HTTP status. Carries no request headers. */
export class TransportError extends Error {
  override readonly name: string = 'TransportError';
  readonly failure: TransportFailure;
  readonly errno: string | undefined;
  constructor(failure: TransportFailure, message: string, errno?: string) {
    super(message);
    this.failure = failure;
    this.errno = errno;
  }
}

/** One HTTP exchange's result. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Options of {@link httpRequest}. */
export interface HttpRequestOptions {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  readonly signal?: AbortSignal | undefined;
  readonly connectTimeoutMs: number;
  /** Longest silence while waiting for the response or between body chunks. */
  readonly readTimeoutMs: number;
  readonly agent?: http.Agent | undefined;
  /**
   * Stop after this many body bytes: the response is destroyed (its connection is not reused)
   * and what was read is returned. For reads of a prefix, e.g. an image header, where a server
   * that ignores Range would otherwise send the whole file. Send `accept-encoding: identity`.
   */
  readonly maxBodyBytes?: number | undefined;
}

function classify(err: NodeJS.ErrnoException): TransportFailure {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'UND_ERR_SOCKET':
      return 'connection-reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns';
    default:
      return err.message.includes('socket hang up') ? 'connection-reset' : 'other';
  }
}

/**
 * Performs one HTTP request with separate connect and read timeouts and an AbortSignal, and
 * reads the whole body (decompressing gzip/deflate), or its first `maxBodyBytes`. Never retries;
 * never logs.
 */
export function httpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const { url } = options;
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const done = (err: Error | undefined, res?: HttpResponse): void => {
      if (settled) {
        return;
      }
      settled = true;
      if (connectTimer !== undefined) {
        clearTimeout(connectTimer);
      }
      options.signal?.removeEventListener('abort', onAbort);
      if (err !== undefined) {
        reject(err);
      } else if (res !== undefined) {
        resolve(res);
      }
    };
    const onAbort = (): void => {
      req.destroy();
      done(new TransportError('aborted', 'the request was cancelled'));
    };
    const req = lib.request(url, {
      method: options.method,
      headers: { 'accept-encoding': 'gzip, deflate', ...options.headers },
      agent: options.agent,
    });
    if (options.signal?.aborted === true) {
      req.destroy();
      done(new TransportError('aborted', 'the request was cancelled'));
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('socket', (socket) => {
      // A reused keep-alive socket is already connected; only new connections get the timer.
      if (socket.connecting) {
        connectTimer = setTimeout(() => {
          req.destroy();
          done(
            new TransportError(
              'connect-timeout',
              `could not connect within ${options.connectTimeoutMs} ms`,
            ),
          );
        }, options.connectTimeoutMs);
        socket.once('connect', () => {
          if (connectTimer !== undefined) {
            clearTimeout(connectTimer);
            connectTimer = undefined;
          }
        });
      }
    });
    req.setTimeout(options.readTimeoutMs, () => {
      req.destroy();
      done(new TransportError('read-timeout', `no response data for ${options.readTimeoutMs} ms`));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      done(new TransportError(classify(err), err.message, err.code));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (options.maxBodyBytes !== undefined && received >= options.maxBodyBytes) {
          // Settle first: destroying the response emits 'aborted' at once.
          done(undefined, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
          res.destroy();
        }
      });
      res.on('aborted', () => {
        done(
          new TransportError(
            'truncated',
            `the connection closed after ${received} bytes of the response`,
          ),
        );
      });
      res.on('error', (err: NodeJS.ErrnoException) => {
        done(
          new TransportError(
            'truncated',
            `the response was cut short after ${received} bytes (${err.message})`,
            err.code,
          ),
        );
      });
      res.on('end', () => {
        const expected = res.headers['content-length'];
        if (!res.complete || (expected !== undefined && Number(expected) !== received)) {
          done(
            new TransportError(
              'truncated',
              `the response was cut short: ${received} of ${expected ?? 'unknown'} bytes`,
            ),
          );
          return;
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
          done(
            new TransportError(
              'truncated',
              `the compressed response could not be decoded (${(err as Error).message})`,
            ),
          );
          return;
        }
        done(undefined, { status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    if (options.body !== undefined) {
      req.end(options.body);
    } else {
      req.end();
    }
  });
}
