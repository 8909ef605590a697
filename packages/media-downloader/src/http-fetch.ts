import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, open as openCb } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { httpOpen, toTransportError, type Dispatcher, type HttpStreamResponse } from '@synx/http';
import { APPEND_FLAGS, errnoOf, hashInto, WRITE_FLAGS } from './files.js';
import type { ChecksumAlgorithm } from './types.js';
import { parseRetryAfter, redactUrl } from '@synx/model';

/** Inputs of one download attempt (redirects included). */
export interface FetchAttempt {
  readonly url: string;
  readonly partial: string;
  /** Bytes already in `partial`; a Range request asks for the rest. */
  readonly offset: number;
  /** Expected size of the whole file, when known. */
  readonly size: number | undefined;
  readonly algorithm: ChecksumAlgorithm | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** The run's connection pool (keep-alive, per-origin limit, the environment's proxy). */
  readonly dispatcher: Dispatcher;
  readonly idleTimeoutMs: number;
  readonly maxRedirects: number;
  readonly signal: AbortSignal;
  /** Called once the response says how big the whole file is. */
  readonly onTotal: (total: number) => void;
  /** Called with each chunk's length as it is written. */
  readonly onBytes: (n: number) => void;
}

/** What one attempt came to. */
export type FetchResult =
  /** The body is in `partial`; `size` bytes in all; `appended` when a 206 continued it. */
  | {
      readonly kind: 'complete';
      readonly size: number;
      readonly digest: string | undefined;
      readonly appended: boolean;
      /** A 200 answered our Range request: the partial file was restarted from zero. */
      readonly rangeIgnored: boolean;
      /** Size of the whole file announced by the server, when it said. */
      readonly total: number | undefined;
    }
  /** A status we do not stream: error statuses, or an unexpected 2xx/3xx. */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly retryAfterMs: number | undefined;
      /** S3-style `<Code>` or a JSON `detail`/`code`, when the body had one. */
      readonly serverCode: string | undefined;
      readonly serverMessage: string | undefined;
    }
  /** 416: `total` from `Content-Range: bytes *\/N` when given. */
  | { readonly kind: 'unsatisfiable'; readonly total: number | undefined }
  /** A 206 whose range does not start where the partial file ends. */
  | { readonly kind: 'range-mismatch'; readonly detail: string }
  /** The server announces a size other than the job's. */
  | { readonly kind: 'size-mismatch'; readonly detail: string }
  /** Connection-level failure; `written` bytes of this response reached the partial file. */
  | {
      readonly kind: 'transport';
      readonly code: string;
      readonly detail: string;
      readonly written: number;
    }
  /** The partial file could not be read or written (disk full, permissions, a symlink). */
  | { readonly kind: 'io'; readonly code: string; readonly detail: string }
  /** A redirect we will not follow. */
  | { readonly kind: 'redirect'; readonly code: string; readonly detail: string }
  | { readonly kind: 'aborted' };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Sends a GET and resolves with the response head (redirects are not followed). */
function send(
  url: URL,
  headers: Readonly<Record<string, string>>,
  dispatcher: Dispatcher,
  idleTimeoutMs: number,
  signal: AbortSignal,
): Promise<HttpStreamResponse> {
  return httpOpen({
    method: 'GET',
    url,
    headers,
    dispatcher,
    readTimeoutMs: idleTimeoutMs,
    signal,
  });
}

/** Closes a body we will not read (and its connection); its errors are of no interest. */
function drop(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Lets a body go without reading it (its errors are of no interest any more). */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.resume();
}

/** The downloader's code for a transport failure (`timeout`, `truncated`, `ECONNRESET`, …). */
function transportCode(err: unknown, signal: AbortSignal, inBody = false): string {
  if (signal.aborted) {
    return 'aborted';
  }
  // One classification for every stack (@synx/http); the downloader's codes name it.
  const e = toTransportError(err, inBody);
  switch (e.failure) {
    case 'aborted':
      return 'aborted';
    case 'connect-timeout':
    case 'read-timeout':
      return 'timeout';
    case 'connection-refused':
      return 'ECONNREFUSED';
    case 'connection-reset':
      return 'ECONNRESET';
    case 'truncated':
      return 'truncated';
    case 'proxy':
      return 'proxy';
    case 'dns':
      return e.errno ?? 'ENOTFOUND';
    default:
      return e.errno ?? 'network';
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads at most `limit` bytes of an error body, then lets the rest go. */
async function readSmallBody(res: HttpStreamResponse, limit = 8192): Promise<string> {
  const length = Number(res.headers['content-length'] ?? NaN);
  if (Number.isFinite(length) && length > 64 * 1024) {
    drop(res.body);
    return '';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const b = chunk as Buffer;
      if (size < limit) {
        chunks.push(b);
      }
      size += b.length;
    }
  } catch {
    // a cut-short error body does not change what the status says
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}

/** Pulls `<Code>`/`<Message>` from an S3-style XML error, or `detail`/`code` from JSON. */
export function parseServerError(body: string): { code?: string; message?: string } {
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]{1,300})<\/Message>/.exec(body)?.[1];
  if (code !== undefined || message !== undefined) {
    return {
      ...(code === undefined ? {} : { code: code.trim() }),
      ...(message === undefined ? {} : { message: message.trim() }),
    };
  }
  try {
    const v: unknown = JSON.parse(body);
    if (typeof v === 'object' && v !== null) {
      const r = v as Record<string, unknown>;
      const detail = r['detail'] ?? r['message'];
      const c = r['code'];
      return {
        ...(typeof c === 'string' ? { code: c.slice(0, 100) } : {}),
        ...(typeof detail === 'string' ? { message: detail.slice(0, 300) } : {}),
      };
    }
  } catch {
    // not JSON
  }
  return {};
}

/** `bytes a-b/N` → {start, end, total}; total undefined for `*`. */
function parseContentRange(
  value: string | undefined,
): { start: number; end: number; total: number | undefined } | undefined {
  const m = value === undefined ? null : /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(value.trim());
  if (m?.[1] === undefined || m[2] === undefined || m[3] === undefined) {
    return undefined;
  }
  return {
    start: Number(m[1]),
    end: Number(m[2]),
    total: m[3] === '*' ? undefined : Number(m[3]),
  };
}

function openFd(path: string, flags: number): Promise<number> {
  return new Promise((resolve, reject) => {
    openCb(path, flags, 0o644, (err, fd) => {
      if (err === null) {
        resolve(fd);
      } else {
        reject(err);
      }
    });
  });
}

/**
 * One download attempt: GET (with `Range: bytes=offset-` when continuing), following up to
 * `maxRedirects` http(s) redirects, streaming a 200/206 body into the partial file with
 * `pipeline`. Never retries, never throws for network or HTTP problems (they are results).
 */
export async function fetchToPartial(a: FetchAttempt): Promise<FetchResult> {
  let url: URL;
  try {
    url = new URL(a.url);
  } catch {
    return { kind: 'redirect', code: 'bad-url', detail: 'the URL is not valid' };
  }
  const headers: Record<string, string> = {
    'accept-encoding': 'identity',
    ...a.headers,
    ...(a.offset > 0 ? { range: `bytes=${a.offset}-` } : {}),
  };
  // The bytes already there are hashed before asking for the rest, so that a long hash does not
  // keep a response waiting past the idle timeout.
  let prefixHash: Hash | undefined;
  if (a.offset > 0 && a.algorithm !== undefined) {
    prefixHash = createHash(a.algorithm);
    try {
      await hashInto(prefixHash, a.partial, a.offset);
    } catch (err) {
      const code = errnoOf(err) ?? 'io';
      return { kind: 'io', code, detail: `cannot read the partial file (${code})` };
    }
  }
  let exchange: HttpStreamResponse | undefined;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return {
        kind: 'redirect',
        code: 'unsupported-scheme',
        detail: `will not fetch a ${url.protocol} URL`,
      };
    }
    if (a.signal.aborted) {
      return { kind: 'aborted' };
    }
    try {
      exchange = await send(url, headers, a.dispatcher, a.idleTimeoutMs, a.signal);
    } catch (err) {
      const code = transportCode(err, a.signal);
      return code === 'aborted'
        ? { kind: 'aborted' }
        : { kind: 'transport', code, detail: messageOf(err), written: 0 };
    }
    const status = exchange.status;
    const location = exchange.headers.location;
    if (!REDIRECTS.has(status) || location === undefined) {
      break;
    }
    discard(exchange.body);
    if (hop >= a.maxRedirects) {
      return {
        kind: 'redirect',
        code: 'too-many-redirects',
        detail: `more than ${a.maxRedirects} redirects (last to ${redactUrl(location)})`,
      };
    }
    try {
      url = new URL(location, url);
    } catch {
      return { kind: 'redirect', code: 'bad-redirect', detail: 'the redirect target is not a URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return {
        kind: 'redirect',
        code: 'bad-redirect',
        detail: `refused a redirect to a ${url.protocol} URL`,
      };
    }
  }
  const res = exchange;
  const status = res.status;

  if (status === 416) {
    discard(res.body);
    const m = /^bytes\s+\*\/(\d+)$/i.exec((res.headers['content-range'] ?? '').trim());
    return { kind: 'unsatisfiable', total: m?.[1] === undefined ? undefined : Number(m[1]) };
  }
  if (status !== 200 && status !== 206) {
    const body = status >= 400 ? await readSmallBody(res) : '';
    if (status < 400) {
      discard(res.body);
    }
    const parsed = parseServerError(body);
    return {
      kind: 'status',
      status,
      retryAfterMs: parseRetryAfter(res.headers['retry-after']),
      serverCode: parsed.code,
      serverMessage: parsed.message,
    };
  }

  const lengthHeader = res.headers['content-length'];
  const length = lengthHeader === undefined ? undefined : Number(lengthHeader);
  let start = 0;
  let total: number | undefined;
  if (status === 206) {
    const range = parseContentRange(res.headers['content-range']);
    if (range?.start !== a.offset) {
      drop(res.body);
      return {
        kind: 'range-mismatch',
        detail:
          range === undefined
            ? 'the 206 response has no usable Content-Range'
            : `asked for bytes from ${a.offset}, got ${range.start}-${range.end}`,
      };
    }
    start = range.start;
    total = range.total;
  } else if (length !== undefined && Number.isFinite(length)) {
    total = length;
  }
  if (total !== undefined && a.size !== undefined && total !== a.size) {
    drop(res.body);
    return {
      kind: 'size-mismatch',
      detail: `the server announces ${total} bytes, the job expects ${a.size}`,
    };
  }
  if (total !== undefined) {
    a.onTotal(total);
  }

  const rangeIgnored = status === 200 && a.offset > 0;
  const hash =
    a.algorithm === undefined ? undefined : start > 0 ? prefixHash : createHash(a.algorithm);
  let fd: number;
  try {
    fd = await openFd(a.partial, start > 0 ? APPEND_FLAGS : WRITE_FLAGS);
  } catch (err) {
    drop(res.body);
    const code = errnoOf(err) ?? 'io';
    return { kind: 'io', code, detail: `cannot write the partial file (${code})` };
  }
  let received = 0;
  let sourceError: unknown;
  const onBytes = a.onBytes;
  // The body is read by a generator rather than piped: when the connection breaks, the bytes
  // received so far are still written out (the file stream ends instead of being destroyed
  // with its buffer), so the next attempt continues from there.
  async function* body(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of res.body) {
        const b = chunk as Buffer;
        hash?.update(b);
        received += b.length;
        onBytes(b.length);
        yield b;
      }
    } catch (err) {
      sourceError = err;
    }
  }
  const ws = createWriteStream('', { fd, autoClose: true });
  let writeError: unknown;
  try {
    await pipeline(body, ws);
  } catch (err) {
    writeError = err;
    drop(res.body);
  }
  if (!ws.closed) {
    // Every write has landed before the next attempt looks at the file's size.
    await new Promise<void>((resolve) =>
      ws.once('close', () => {
        resolve();
      }),
    );
  }
  if (writeError !== undefined) {
    const code = errnoOf(writeError) ?? 'io';
    return { kind: 'io', code, detail: `cannot write the partial file (${code})` };
  }
  const failure = sourceError;
  const cut = failure !== undefined || (length !== undefined && received !== length);
  if (cut) {
    const code = failure === undefined ? 'truncated' : transportCode(failure, a.signal, true);
    if (code === 'aborted') {
      return { kind: 'aborted' };
    }
    return {
      kind: 'transport',
      code: code === 'ECONNRESET' && received > 0 ? 'truncated' : code,
      detail:
        code === 'timeout'
          ? `no data for ${a.idleTimeoutMs} ms after ${received} bytes`
          : `the body was cut short after ${received}${length === undefined ? '' : ` of ${length}`} bytes`,
      written: received,
    };
  }
  return {
    kind: 'complete',
    size: start + received,
    digest: hash?.digest('hex'),
    appended: start > 0,
    rangeIgnored,
    total,
  };
}
