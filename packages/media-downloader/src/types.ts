import type { RetryPolicy } from '@synx/model';

/** Checksum algorithms the downloader verifies. */
export type ChecksumAlgorithm = 'sha1' | 'md5' | 'sha256';

/** A file to fetch over HTTP(S), or to decode from a `data:` URI. */
export interface DownloadJob {
  /** Names the file in events and the report, e.g. `"<itemId>/<mediaId>"`. */
  readonly id: string;
  /** `http:`, `https:` or `data:` (base64 or percent-encoded). */
  readonly url: string;
  /** Target path; relative paths are resolved against the downloader's `root`. */
  readonly dest: string;
  /** Expected size in bytes, when known (verified; also used to skip present files). */
  readonly size?: number | undefined;
  /** Expected checksum as hex (verified; also used to skip present files). */
  readonly checksum?: string | undefined;
  /** Inferred from the hex length when absent: 32 md5, 40 sha1, 64 sha256. */
  readonly checksumAlgorithm?: ChecksumAlgorithm | undefined;
  /** Extra request headers (never printed). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Returns a freshly signed URL when the current one is refused (401/403/410), or undefined
   * when there is none. Called at most `maxRefreshes` times per job.
   */
  readonly refresh?: (() => Promise<string | undefined>) | undefined;
  /**
   * Runs once the file is at `dest` (placed now, or found there and verified), before the job
   * counts as done; it may rewrite `dest` (atomically, e.g. re-encode it). When it throws, the
   * file is removed and the job fails with code `finish-failed` and the error's message.
   */
  readonly finish?: ((dest: string) => Promise<void>) | undefined;
  /**
   * True when the file at `dest` is already finished (rewritten by `finish` in an earlier run,
   * so it no longer matches the source's size or checksum): the job is skipped (`verified:
   * 'finished'`) without fetching.
   */
  readonly finished?: ((dest: string) => Promise<boolean>) | undefined;
}

/** How a local file is placed at `dest`. */
export type LocalMode = 'copy' | 'hardlink' | 'symlink';

/** A local file to copy, hard-link or symlink into place. */
export interface LocalJob {
  readonly id: string;
  /** Path of the existing file (resolved against the working directory). */
  readonly source: string;
  readonly dest: string;
  readonly mode: LocalMode;
  readonly size?: number | undefined;
  readonly checksum?: string | undefined;
  readonly checksumAlgorithm?: ChecksumAlgorithm | undefined;
  /**
   * Runs once the file is at `dest` (placed now, or found there and verified), before the job
   * counts as done; it may rewrite `dest` (atomically, e.g. re-encode it). When it throws, the
   * file is removed and the job fails with code `finish-failed` and the error's message.
   */
  readonly finish?: ((dest: string) => Promise<void>) | undefined;
  /**
   * True when the file at `dest` is already finished (rewritten by `finish` in an earlier run,
   * so it no longer matches the source's size or checksum): the job is skipped (`verified:
   * 'finished'`) without fetching.
   */
  readonly finished?: ((dest: string) => Promise<boolean>) | undefined;
}

/** Either kind of job. */
export type MediaJob = DownloadJob | LocalJob;

/** How a job given to `MediaDownloader.fetch` settled. */
export type JobOutcome = 'done' | 'skipped' | 'failed';

/** How existing files at `dest` are verified before they are skipped. */
export type VerifyExisting =
  /** Size (when known) and checksum (when the job gives one). Default. */
  | 'checksum'
  /** Size only (when known); a present file of unknown size is trusted. */
  | 'size';

/** Options of {@link MediaDownloader}. */
export interface MediaDownloaderOptions {
  /** Every job's `dest` must resolve inside this folder (created when missing). */
  readonly root: string;
  /** Files in flight at once. Default 16. */
  readonly concurrency?: number;
  /** Files in flight per host (`protocol//host:port`). Default: `concurrency`. */
  readonly perHost?: number;
  /**
   * Jobs waiting to start before `add` waits. Default `4 × concurrency`. Jobs waiting for a
   * retry are bounded separately, by `4 × queueSize`.
   */
  readonly queueSize?: number;
  /**
   * Retries of a failed attempt (5xx, 408, 425, 429, resets, timeouts, bad bodies): the shared
   * policy of `@synx/model` (`retryPolicy`; 8 retries, backoff from 250 ms to 15 s with jitter,
   * `Retry-After` honoured up to 60 s, at most 3 min of waiting per file).
   */
  readonly retry?: Partial<RetryPolicy> | undefined;
  /** Longest silence while waiting for the response or between body chunks. Default 30 s. */
  readonly idleTimeoutMs?: number;
  /** URL refreshes per job (on 401/403/410). Default: the retry policy's `retries`. */
  readonly maxRefreshes?: number;
  /** Redirects followed per request (http(s) only). Default 5. */
  readonly maxRedirects?: number;
  /** Default `checksum`. */
  readonly verifyExisting?: VerifyExisting;
  readonly userAgent?: string;
  readonly signal?: AbortSignal | undefined;
  /** Receives per-file events and throttled progress. Exceptions it throws are ignored. */
  readonly onEvent?: ((event: DownloadEvent) => void) | undefined;
  /** Interval of `progress` events. Default 500 ms. */
  readonly progressIntervalMs?: number;
}

/** How a file came to be at its `dest`. */
export type DoneHow = 'downloaded' | 'resumed' | 'decoded' | 'copied' | 'hardlinked' | 'symlinked';

/** Events for the caller to render. No URL query string ever appears in one. */
export type DownloadEvent =
  | {
      readonly type: 'start';
      readonly id: string;
      readonly dest: string;
      /** The URL without its query string, `data:<type>,…`, or the local source path. */
      readonly source: string;
      /** Bytes already in `<dest>.partial` that a Range request continues from (0 = fresh). */
      readonly resumeFrom: number;
    }
  | {
      readonly type: 'skip';
      readonly id: string;
      readonly dest: string;
      readonly bytes: number;
      /** What was checked: `size+checksum`, `size`, `content`, `link`, `exists` or `finished` (the job's `finished` said so). */
      readonly verified: string;
    }
  | {
      readonly type: 'done';
      readonly id: string;
      readonly dest: string;
      readonly bytes: number;
      readonly how: DoneHow;
      readonly attempts: number;
      /** E.g. why a hard link became a copy. */
      readonly note?: string;
    }
  | {
      readonly type: 'retry';
      readonly id: string;
      /** Failed attempts so far for this file. */
      readonly failures: number;
      readonly code: string;
      readonly reason: string;
      readonly delayMs: number;
    }
  | {
      readonly type: 'refresh';
      readonly id: string;
      readonly code: string;
      readonly reason: string;
      readonly refreshes: number;
    }
  | {
      readonly type: 'restart';
      readonly id: string;
      /** `range-ignored` (200 to a Range request), `range-mismatch`, `range-unsatisfiable`, `partial-invalid`. */
      readonly code: string;
      readonly reason: string;
    }
  | {
      readonly type: 'fail';
      readonly id: string;
      readonly dest: string;
      readonly code: string;
      readonly reason: string;
      readonly attempts: number;
    }
  | ({ readonly type: 'progress' } & DownloadProgress);

/** Aggregate progress. Totals grow as jobs are added and sizes become known. */
export interface DownloadProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Bytes per second written over the last few seconds. */
  readonly rate: number;
  /** Estimated seconds left, undefined while nothing is known. */
  readonly etaS: number | undefined;
}

/** A file that could not be placed. */
export interface FailedFile {
  readonly id: string;
  readonly dest: string;
  /** Stable machine code: `http-404`, `ECONNRESET`, `timeout`, `checksum-mismatch`, … */
  readonly code: string;
  /** One line for people; never contains a URL query string. */
  readonly reason: string;
  /** Requests (or copy attempts) made for the file, refreshes and restarts included. */
  readonly attempts: number;
  /** Last HTTP status, when there was one. */
  readonly status?: number;
}

/** The outcome of a run. */
export interface DownloadReport {
  /** Jobs added. */
  readonly files: number;
  /** Fetched over HTTP or decoded from `data:` URIs (resumed ones included). */
  readonly downloaded: number;
  /** Already present and verified. */
  readonly skipped: number;
  /** Downloads that continued a `.partial` file with a Range request. */
  readonly resumed: number;
  /** Hard-linked or symlinked. */
  readonly linked: number;
  /** Copied (copy mode, and hard links that fell back to a copy). */
  readonly copied: number;
  /** Hard links that became copies (EXDEV and the like); included in `copied`. */
  readonly linkFallbacks: number;
  /** Bytes written this run. */
  readonly bytes: number;
  /** Retries scheduled after failed attempts. */
  readonly retries: number;
  /** URL refreshes. */
  readonly refreshes: number;
  /** Restarts from zero (Range ignored or refused, invalid partial file). */
  readonly restarts: number;
  readonly failed: readonly FailedFile[];
  readonly durationMs: number;
}
