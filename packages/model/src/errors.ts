/**
 * Every error synx throws carries one of these stable codes. Codes never change meaning; new
 * codes may be added. The CLI maps codes to exit codes (see `docs/exit-codes.md`).
 */
export const SYNX_ERROR_CODES = [
  /** Input data (a file, a flag value, a class map) is malformed. */
  'SYNX_INVALID_INPUT',
  /** A configuration problem: no host, no token, an unreadable config file. */
  'SYNX_CONFIG',
  /** 401: the token is missing, invalid or expired. */
  'SYNX_AUTH',
  /** 403: the token is valid but lacks permission. */
  'SYNX_PERMISSION',
  /** 404: the requested object does not exist. */
  'SYNX_NOT_FOUND',
  /** 400/422: the server rejected the request parameters. */
  'SYNX_VALIDATION',
  /** 429 after all retries. */
  'SYNX_RATE_LIMITED',
  /** 5xx after all retries. */
  'SYNX_SERVER',
  /** Any other unexpected HTTP status. */
  'SYNX_HTTP',
  /** The connection failed, was reset, or the body was cut short (after all retries). */
  'SYNX_NETWORK',
  /** Connect or read timeout (after all retries). */
  'SYNX_TIMEOUT',
  /** The operation was cancelled through its AbortSignal. */
  'SYNX_ABORTED',
  /** A filesystem operation failed. */
  'SYNX_IO',
  /** No format with the requested id is installed. */
  'SYNX_UNKNOWN_FORMAT',
  /** Two plugins provide the same format id. */
  'SYNX_FORMAT_CONFLICT',
  /** A plugin's manifest or module is invalid. */
  'SYNX_PLUGIN_INVALID',
  /** A format's code failed while writing: it threw, stopped reading, or never finished. */
  'SYNX_PLUGIN_FAILED',
  /** A plugin needs a plugin-API version this synx does not support. */
  'SYNX_PLUGIN_API_MISMATCH',
  /** A requested feature is not available (yet). */
  'SYNX_NOT_SUPPORTED',
  /** `--strict` was given and per-item errors were reported. */
  'SYNX_STRICT',
  /** A required value was not given and cannot be asked for (no terminal). */
  'SYNX_MISSING_INPUT',
  /** The source or its filter matched no items, or nothing the chosen format can hold. */
  'SYNX_NOTHING_TO_EXPORT',
  /** A bug in synx: an invariant did not hold. */
  'SYNX_INTERNAL',
] as const;

export type SynxErrorCode = (typeof SYNX_ERROR_CODES)[number];

/** Options accepted by {@link SynxError}. */
export interface SynxErrorOptions {
  /** The underlying error, if any. */
  readonly cause?: unknown;
  /** One sentence telling a person what to do about it. */
  readonly hint?: string;
  /** Structured, secret-free details for `--json` output. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The single error base of synx. Libraries throw it (or a subclass) with a stable `code`; the
 * CLI renders `message` and `hint` and picks the exit code from `code`.
 *
 * @example
 * throw new SynxError('SYNX_NOT_FOUND', 'project 42 does not exist', { hint: 'check --project' });
 */
export class SynxError extends Error {
  override readonly name: string = 'SynxError';
  readonly code: SynxErrorCode;
  readonly hint: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: SynxErrorCode, message: string, options: SynxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** A JSON-safe view: code, message, hint and details (never the cause's stack). */
  toJSON(): {
    code: SynxErrorCode;
    message: string;
    hint?: string;
    details?: Record<string, unknown>;
  } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: { ...this.details } }),
    };
  }
}

/** True when `value` is a {@link SynxError} (also across package copies, by shape). */
export function isSynxError(value: unknown): value is SynxError {
  if (value instanceof SynxError) {
    return true;
  }
  if (!(value instanceof Error)) {
    return false;
  }
  const code: unknown = (value as Error & { code?: unknown }).code;
  return typeof code === 'string' && (SYNX_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * Turns an abort reason into a `SYNX_ABORTED` error (or rethrows an existing SynxError).
 */
export function abortError(signal: AbortSignal | undefined): SynxError {
  const reason: unknown = signal?.reason;
  if (isSynxError(reason)) {
    return reason;
  }
  return new SynxError('SYNX_ABORTED', 'the operation was cancelled', { cause: reason });
}

/**
 * Waits `ms` milliseconds; rejects with {@link abortError} as soon as `signal` fires (or at once
 * when it already has).
 */
export function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(t);
      reject(abortError(signal));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Throws `SYNX_ABORTED` if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw abortError(signal);
  }
}

/** errno codes of file-system failures, and what a person can do about each. */
const FS_HINTS: Readonly<Record<string, string>> = {
  ENOSPC:
    'the disk is full: free some space (or choose another --output), then run the same command again; it completes the export',
  EDQUOT:
    'the disk quota is used up: free some space (or choose another --output), then run the same command again',
  EACCES: 'permission denied: check the owner and mode of the folder, or choose another --output',
  EPERM: 'the operation is not permitted here: check the folder, or choose another --output',
  EROFS: 'the file system is read-only: choose another --output',
  EMFILE:
    'too many open files: raise the limit (ulimit -n) or lower --concurrency / --media-concurrency',
  ENFILE:
    'the system has too many open files: close other programs or raise the limit, then run again',
  EIO: 'the disk reported an input/output error: check it, then run the same command again',
  ENAMETOOLONG: 'a path is too long for this file system: choose a shorter --output',
  ENOTDIR: 'a part of the path is a file, not a folder: choose another --output',
  EISDIR: 'a folder stands where a file is written: remove it or choose another --output',
  EEXIST: 'a file is in the way: remove it or choose another --output',
};

/** The errno code of a Node file-system error, when `err` is one. */
export function errnoCode(err: unknown): string | undefined {
  const code: unknown = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** True when `err` (or the error it wraps) is a file-system error with an errno code. */
export function isFileSystemError(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e !== undefined && e !== null && !seen.has(e);) {
    seen.add(e);
    if (errnoCode(e) !== undefined && (e as { syscall?: unknown }).syscall !== undefined) {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A `SYNX_IO` error for a file-system failure: names the path (the error's own, else `path`)
 * and the reason in plain words,
 * with a hint for the errno (disk full, permission, read-only, too many open files, …). An
 * existing `SYNX_IO` error keeps its message and gains the hint.
 */
export function fileSystemError(err: unknown, action = 'write', path?: string): SynxError {
  let errno: string | undefined;
  let at: string | undefined;
  const seen = new Set<unknown>();
  for (let e: unknown = err; e !== undefined && e !== null && !seen.has(e);) {
    seen.add(e);
    errno ??= errnoCode(e);
    const p: unknown = (e as { path?: unknown }).path;
    if (at === undefined && typeof p === 'string') {
      at = p;
    }
    e = (e as { cause?: unknown }).cause;
  }
  at ??= path;
  const hint = errno === undefined ? undefined : FS_HINTS[errno];
  const details = {
    ...(errno === undefined ? {} : { errno }),
    ...(at === undefined ? {} : { path: at }),
  };
  const reason =
    errno === 'ENOSPC'
      ? 'no space left on the device'
      : errno === 'EACCES'
        ? 'permission denied'
        : errno === 'EROFS'
          ? 'read-only file system'
          : undefined;
  if (err instanceof SynxError && err.code === 'SYNX_IO') {
    const keep = err.hint ?? hint;
    // Node's "ENOSPC: no space left on device, write" in plain words; a temp name as the file.
    const message = err.message
      .replace(/\.partial\b/g, '')
      .replace(/E[A-Z]+: [^,]*(, [a-z]+)?( '[^']*')?$/, (raw) =>
        reason === undefined || errno === undefined ? raw : `${reason} (${errno})`,
      );
    return new SynxError('SYNX_IO', message, {
      cause: err.cause ?? err,
      ...(keep === undefined ? {} : { hint: keep }),
      details: { ...details, ...(err.details ?? {}) },
    });
  }
  const text =
    reason ?? ((err as Error | undefined)?.message ?? String(err)).replace(/^E[A-Z]+: /, '');
  return new SynxError(
    'SYNX_IO',
    `cannot ${action} ${at ?? 'a file'}: ${text}${errno === undefined ? '' : ` (${errno})`}`,
    { cause: err, ...(hint === undefined ? {} : { hint }), details },
  );
}
