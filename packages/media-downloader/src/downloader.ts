import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { readFile, rename, realpath, writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createDispatcher, type Dispatcher } from '@synx/http';
import {
  fileSystemError,
  isRetryableStatus,
  redactText,
  redactUrl,
  retryDelay,
  retryPolicy,
  SynxError,
  urlSecrets,
  type RetryPolicy,
} from '@synx/model';
import { decodeDataUri } from './data-uri.js';
import {
  errnoOf,
  hashFile,
  isMissing,
  lstatOrUndefined,
  removeFile,
  statOrUndefined,
  WRITE_FLAGS,
} from './files.js';
import { fetchToPartial, type FetchResult } from './http-fetch.js';
import { placeLocal } from './local.js';
import type {
  ChecksumAlgorithm,
  DoneHow,
  DownloadEvent,
  DownloadJob,
  DownloadProgress,
  DownloadReport,
  FailedFile,
  LocalJob,
  MediaDownloaderOptions,
  MediaJob,
  VerifyExisting,
  JobOutcome,
} from './types.js';
import { isWithin, normalizeChecksum, resolveInside } from './util.js';

/**
 * errno codes that mean the destination cannot take more files (disk full, quota, read-only):
 * every further file would fail the same way, so the downloader stops and `finish()` throws
 * SYNX_IO instead of reporting each file as missing.
 */
const FATAL_ERRNO = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

/** Statuses after which the job's `refresh()` is asked for a new URL. */
const REFRESH_STATUS = new Set([401, 403, 410]);
/** Restarts from zero allowed per file before it fails (a server that keeps breaking ranges). */
const MAX_RESTARTS = 3;
/** Window of the moving transfer rate. */
const RATE_WINDOW_MS = 5_000;

interface Task {
  readonly kind: 'http' | 'data' | 'local';
  readonly job: MediaJob;
  readonly id: string;
  readonly dest: string;
  readonly partial: string;
  url: string;
  hostKey: string;
  readonly checksum: { algorithm: ChecksumAlgorithm; hex: string } | undefined;
  size: number | undefined;
  /** Bytes this task added to `bytesTotal` / `bytesDone`. */
  sizeCounted: number;
  sizeKnown: boolean;
  credited: number;
  attempts: number;
  failures: number;
  /** Time this file has waited between attempts (bounded by the retry budget). */
  waitedMs: number;
  refreshes: number;
  restarts: number;
  appended: boolean;
  started: boolean;
  checkedPresent: boolean;
  lastStatus: number | undefined;
  readonly secrets: string[];
}

type Step = { readonly kind: 'end' } | { readonly kind: 'wait'; readonly ms: number };

const END: Step = { kind: 'end' };

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 1) {
    throw new SynxError('SYNX_CONFIG', `${name} must be a positive number, got ${String(value)}`);
  }
  return Math.floor(v);
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0) {
    throw new SynxError('SYNX_CONFIG', `${name} must be zero or more, got ${String(value)}`);
  }
  return v;
}

function isLocalJob(job: MediaJob): job is LocalJob {
  return 'source' in job;
}

function hostKeyOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '';
  }
}

/**
 * Downloads media files to disk: bounded concurrency with per-host limits, retries with
 * backoff and `Retry-After`, resumable `.partial` files continued with HTTP Range, size and
 * checksum verification, expiring URLs refreshed through the job, `data:` URIs, and local
 * copy/hard-link/symlink. Jobs are added with back-pressure; nothing holds the whole list.
 * Never prints; reports through `onEvent` and the final {@link DownloadReport}.
 *
 * @example
 * const dl = new MediaDownloader({ root: out, onEvent: render });
 * for await (const job of jobs) await dl.add(job);
 * const report = await dl.finish();
 */
export class MediaDownloader {
  readonly root: string;
  readonly #concurrency: number;
  readonly #perHost: number;
  readonly #queueSize: number;
  readonly #retry: RetryPolicy;
  readonly #idleTimeoutMs: number;
  readonly #maxRefreshes: number;
  readonly #maxRedirects: number;
  readonly #verifyExisting: VerifyExisting;
  readonly #userAgent: string;
  readonly #onEvent: ((event: DownloadEvent) => void) | undefined;
  readonly #progressIntervalMs: number;
  readonly #controller = new AbortController();
  /** A destination failure that stopped every download (see FATAL_ERRNO). */
  #fatal: SynxError | undefined;
  readonly #userSignal: AbortSignal | undefined;

  readonly #queue: Task[] = [];
  readonly #ready: Task[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #hostActive = new Map<string, number>();
  readonly #inFlight = new Set<string>();
  #dispatcher: Dispatcher | undefined;
  /** Callers of `fetch()` waiting for their job to settle. */
  readonly #settleWaiters = new Map<
    MediaJob,
    { resolve: (outcome: JobOutcome) => void; reject: (err: unknown) => void }
  >();
  readonly #dirs = new Set<string>();
  readonly #roomWaiters: Waiter[] = [];
  #waiting = 0;
  #active = 0;
  #closed = false;
  #finished = false;
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;
  #realRoot: Promise<string> | undefined;
  #progressTimer: NodeJS.Timeout | undefined;
  #abortListener: (() => void) | undefined;
  readonly #started = performance.now();
  readonly #samples: [number, number][] = [];

  // report counters
  #files = 0;
  #downloaded = 0;
  #skipped = 0;
  #resumed = 0;
  #linked = 0;
  #copied = 0;
  #linkFallbacks = 0;
  #moved = 0;
  #retriesDone = 0;
  #refreshesDone = 0;
  #restartsDone = 0;
  readonly #failed: FailedFile[] = [];
  // progress
  #filesDone = 0;
  #bytesDone = 0;
  #bytesTotal = 0;
  #sizedFiles = 0;
  #unknownOpen = 0;

  constructor(options: MediaDownloaderOptions) {
    if (typeof options.root !== 'string' || options.root === '') {
      throw new SynxError('SYNX_CONFIG', 'the downloader needs a root folder');
    }
    this.root = resolve(options.root);
    this.#concurrency = positiveInt(options.concurrency, 16, 'concurrency');
    this.#perHost = Math.min(
      this.#concurrency,
      positiveInt(options.perHost, this.#concurrency, 'perHost'),
    );
    this.#queueSize = positiveInt(options.queueSize, this.#concurrency * 4, 'queueSize');
    this.#retry = retryPolicy(options.retry);
    this.#idleTimeoutMs = positiveInt(options.idleTimeoutMs, 30_000, 'idleTimeoutMs');
    // One budget: an expired URL is signed again as often as a failed request is retried.
    this.#maxRefreshes = Math.floor(
      nonNegative(options.maxRefreshes, this.#retry.retries, 'maxRefreshes'),
    );
    this.#maxRedirects = Math.floor(nonNegative(options.maxRedirects, 5, 'maxRedirects'));
    this.#verifyExisting = options.verifyExisting ?? 'checksum';
    this.#userAgent = options.userAgent ?? 'synx-media-downloader';
    this.#onEvent = options.onEvent;
    this.#progressIntervalMs = positiveInt(options.progressIntervalMs, 500, 'progressIntervalMs');
    this.#userSignal = options.signal;
    this.#samples.push([this.#started, 0]);
    // Every request in flight listens to the signal.
    setMaxListeners(this.#concurrency * 2 + 10, this.#controller.signal);
    const signal = options.signal;
    if (signal?.aborted === true) {
      this.#controller.abort(signal.reason);
    } else if (signal !== undefined) {
      this.#abortListener = (): void => {
        this.#controller.abort(signal.reason);
        this.#onAbort();
      };
      signal.addEventListener('abort', this.#abortListener, { once: true });
    }
  }

  /**
   * Queues a job. Resolves once the job has a place in the bounded queue (back-pressure: a
   * producer that awaits each `add` never holds more than `queueSize` jobs). A job that cannot
   * run (dest outside root, bad URL or checksum) is reported as failed, not thrown.
   *
   * @throws SynxError SYNX_ABORTED once the signal fired; SYNX_INTERNAL after `finish()`.
   */
  async add(job: MediaJob): Promise<void> {
    if (this.#closed) {
      throw new SynxError('SYNX_INTERNAL', 'MediaDownloader.add() was called after finish()');
    }
    this.#throwIfAborted();
    while (!this.#hasRoom()) {
      await new Promise<void>((resolve, reject) => {
        this.#roomWaiters.push({ resolve, reject });
      });
      this.#throwIfAborted();
    }
    this.#startProgress();
    const task = this.#createTask(job);
    if (task !== undefined) {
      this.#queue.push(task);
      this.#pump();
    }
  }

  /**
   * Queues a job like {@link add} and resolves once it has settled: `done` (the file is in place,
   * downloaded, copied or linked), `skipped` (a verified copy was already there) or `failed`
   * (reported like any failure). For a caller that needs the bytes before it goes on, e.g. to read
   * an image's size from the file it saved instead of asking the server a second time.
   *
   * @throws SynxError SYNX_ABORTED once the signal fired; SYNX_INTERNAL after `finish()`.
   */
  async fetch(job: MediaJob): Promise<JobOutcome> {
    const settled = new Promise<JobOutcome>((resolve, reject) => {
      this.#settleWaiters.set(job, { resolve, reject });
    });
    try {
      await this.add(job);
    } catch (err) {
      this.#settleWaiters.delete(job);
      throw err;
    }
    return settled;
  }

  /**
   * Waits for every added job to settle, frees the keep-alive sockets and returns the report.
   *
   * @throws SynxError SYNX_ABORTED (with the report so far in `details.report`) when the signal
   * fired; `.partial` files stay for the next run to continue.
   */
  async finish(): Promise<DownloadReport> {
    this.#closed = true;
    if (!this.#isIdle()) {
      this.#idle ??= (() => {
        let resolveIdle = (): void => undefined;
        const promise = new Promise<void>((r) => {
          resolveIdle = r;
        });
        return { promise, resolve: resolveIdle };
      })();
      this.#pump();
      await this.#idle.promise;
    }
    this.#finished = true;
    if (this.#abortListener !== undefined) {
      this.#userSignal?.removeEventListener('abort', this.#abortListener);
      this.#abortListener = undefined;
    }
    if (this.#progressTimer !== undefined) {
      clearInterval(this.#progressTimer);
      this.#progressTimer = undefined;
    }
    if (this.#dispatcher !== undefined) {
      void this.#dispatcher.close().catch(() => undefined);
      this.#dispatcher = undefined;
    }
    this.#emitProgress();
    const report = this.report();
    if (this.#fatal !== undefined) {
      throw this.#fatal;
    }
    if (this.#controller.signal.aborted) {
      throw new SynxError('SYNX_ABORTED', 'the download was cancelled', {
        cause: this.#userSignal?.reason,
        hint: 'run it again: complete files are skipped and .partial files are continued',
        details: { report },
      });
    }
    return report;
  }

  /** The report so far (final once `finish()` resolved). */
  report(): DownloadReport {
    return {
      files: this.#files,
      downloaded: this.#downloaded,
      skipped: this.#skipped,
      resumed: this.#resumed,
      linked: this.#linked,
      copied: this.#copied,
      linkFallbacks: this.#linkFallbacks,
      bytes: this.#moved,
      retries: this.#retriesDone,
      refreshes: this.#refreshesDone,
      restarts: this.#restartsDone,
      failed: [...this.#failed],
      durationMs: Math.round(performance.now() - this.#started),
    };
  }

  /** Aggregate progress now. */
  progress(): DownloadProgress {
    const now = performance.now();
    const samples = this.#samples;
    while (samples.length > 1 && (samples[1]?.[0] ?? now) <= now - RATE_WINDOW_MS) {
      samples.shift();
    }
    const [t0, b0] = samples[0] ?? [this.#started, 0];
    const dt = (now - t0) / 1000;
    const rate = dt > 0 ? Math.max(0, (this.#moved - b0) / dt) : 0;
    const open = this.#files - this.#filesDone;
    let etaS: number | undefined;
    if (open === 0) {
      etaS = this.#files > 0 ? 0 : undefined;
    } else if (rate > 0) {
      const average = this.#sizedFiles > 0 ? this.#bytesTotal / this.#sizedFiles : 0;
      const remaining =
        Math.max(0, this.#bytesTotal - this.#bytesDone) + this.#unknownOpen * average;
      etaS = Math.round((remaining / rate) * 10) / 10;
    }
    return {
      filesDone: this.#filesDone,
      filesTotal: this.#files,
      bytesDone: this.#bytesDone,
      bytesTotal: this.#bytesTotal,
      rate: Math.round(rate),
      etaS,
    };
  }

  // ───────────────────────────── scheduling ─────────────────────────────

  /**
   * Room for one more job: fewer than `queueSize` waiting to start, and fewer than
   * 4 × `queueSize` waiting for a retry (so a wave of failures does not stall the producer, yet
   * memory stays bounded).
   */
  #hasRoom(): boolean {
    return (
      this.#queue.length + this.#ready.length < this.#queueSize &&
      this.#waiting < this.#queueSize * 4
    );
  }

  #pending(): number {
    return this.#queue.length + this.#ready.length + this.#waiting;
  }

  #isIdle(): boolean {
    return this.#active === 0 && this.#pending() === 0;
  }

  #throwIfAborted(): void {
    if (this.#fatal !== undefined) {
      throw this.#fatal;
    }
    if (this.#controller.signal.aborted) {
      throw new SynxError('SYNX_ABORTED', 'the download was cancelled', {
        cause: this.#userSignal?.reason,
      });
    }
  }

  #onAbort(): void {
    for (const t of this.#timers) {
      clearTimeout(t);
    }
    this.#timers.clear();
    this.#waiting = 0;
    this.#queue.length = 0;
    this.#ready.length = 0;
    this.#inFlight.clear();
    const err =
      this.#fatal ??
      new SynxError('SYNX_ABORTED', 'the download was cancelled', {
        cause: this.#userSignal?.reason,
      });
    for (const w of this.#roomWaiters.splice(0)) {
      w.reject(err);
    }
    for (const w of this.#settleWaiters.values()) {
      w.reject(err);
    }
    this.#settleWaiters.clear();
    this.#pump();
  }

  #take(): Task | undefined {
    for (const list of [this.#ready, this.#queue]) {
      for (let i = 0; i < list.length; i++) {
        const t = list[i];
        if (
          t !== undefined &&
          (t.hostKey === '' || (this.#hostActive.get(t.hostKey) ?? 0) < this.#perHost)
        ) {
          list.splice(i, 1);
          return t;
        }
      }
    }
    return undefined;
  }

  #pump(): void {
    if (!this.#controller.signal.aborted) {
      while (this.#active < this.#concurrency) {
        const t = this.#take();
        if (t === undefined) {
          break;
        }
        this.#run(t);
      }
      if (this.#hasRoom()) {
        // Wake as many producers as there are free places; each checks again when it runs.
        let room = this.#queueSize - this.#queue.length - this.#ready.length;
        while (room > 0 && this.#roomWaiters.length > 0) {
          this.#roomWaiters.shift()?.resolve();
          room--;
        }
      }
    }
    if (this.#idle !== undefined && this.#isIdle()) {
      this.#idle.resolve();
    }
  }

  #run(t: Task): void {
    const host = t.hostKey;
    this.#active++;
    if (host !== '') {
      this.#hostActive.set(host, (this.#hostActive.get(host) ?? 0) + 1);
    }
    void this.#step(t)
      .catch(async (err: unknown): Promise<Step> => {
        // Filesystem trouble outside an attempt (mkdir, rename, hashing a present file).
        await removeFile(t.partial).catch(() => undefined);
        const code = errnoOf(err) ?? 'internal';
        this.#fail(t, code, (err instanceof Error ? err.message : String(err)).slice(0, 300));
        return END;
      })
      .then((step) => {
        this.#active--;
        if (host !== '') {
          const n = (this.#hostActive.get(host) ?? 1) - 1;
          if (n <= 0) {
            this.#hostActive.delete(host);
          } else {
            this.#hostActive.set(host, n);
          }
        }
        if (step.kind === 'wait' && !this.#controller.signal.aborted) {
          this.#waiting++;
          const timer = setTimeout(() => {
            this.#timers.delete(timer);
            this.#waiting--;
            this.#ready.push(t);
            this.#pump();
          }, step.ms);
          this.#timers.add(timer);
        } else {
          this.#inFlight.delete(t.dest);
        }
        this.#pump();
      });
  }

  // ───────────────────────────── tasks ─────────────────────────────

  #createTask(job: MediaJob): Task | undefined {
    this.#files++;
    const id = typeof job.id === 'string' ? job.id : String(job.id);
    const rawDest = typeof job.dest === 'string' ? job.dest : '';
    const local = isLocalJob(job);
    const url = local ? '' : typeof job.url === 'string' ? job.url : '';
    const secrets = local ? [] : urlSecrets(url);
    const early = (code: string, reason: string): void => {
      this.#filesDone++;
      this.#failed.push({
        id,
        dest: rawDest,
        code,
        reason: redactText(reason, secrets),
        attempts: 0,
      });
      this.#emit({
        type: 'fail',
        id,
        dest: rawDest,
        code,
        reason: redactText(reason, secrets),
        attempts: 0,
      });
      this.#settle(job, 'failed');
    };
    const dest = rawDest === '' ? undefined : resolveInside(this.root, rawDest);
    if (dest === undefined) {
      early(
        'outside-root',
        `the destination ${rawDest === '' ? '(empty)' : JSON.stringify(rawDest)} is not inside ${this.root}`,
      );
      return undefined;
    }
    if (this.#inFlight.has(dest)) {
      early('duplicate-dest', `another job is already writing ${dest}`);
      return undefined;
    }
    let kind: Task['kind'] = 'local';
    if (local) {
      if (!['copy', 'hardlink', 'symlink'].includes(job.mode)) {
        early('bad-job', `unknown local mode ${JSON.stringify(job.mode)}`);
        return undefined;
      }
      if (typeof job.source !== 'string' || job.source === '') {
        early('bad-job', 'a local job needs a source path');
        return undefined;
      }
    } else if (/^data:/i.test(url)) {
      kind = 'data';
    } else if (/^https?:\/\//i.test(url)) {
      kind = 'http';
      try {
        new URL(url);
      } catch {
        early('bad-url', `the URL ${redactUrl(url)} is not valid`);
        return undefined;
      }
    } else {
      early(
        'unsupported-scheme',
        `only http(s) and data: URLs can be downloaded, got ${redactUrl(url)}`,
      );
      return undefined;
    }
    let checksum: Task['checksum'];
    if (job.checksum !== undefined && job.checksum !== '') {
      const c = normalizeChecksum(job.checksum, job.checksumAlgorithm);
      if ('error' in c) {
        early('bad-checksum', c.error);
        return undefined;
      }
      checksum = c;
    }
    const size =
      typeof job.size === 'number' && Number.isFinite(job.size) && job.size >= 0
        ? job.size
        : undefined;
    const t: Task = {
      kind,
      job,
      id,
      dest,
      partial: `${dest}.partial`,
      url,
      hostKey: kind === 'http' ? hostKeyOf(url) : '',
      checksum,
      size,
      sizeCounted: 0,
      sizeKnown: false,
      credited: 0,
      attempts: 0,
      failures: 0,
      waitedMs: 0,
      refreshes: 0,
      restarts: 0,
      appended: false,
      started: false,
      checkedPresent: false,
      lastStatus: undefined,
      secrets,
    };
    if (size === undefined) {
      this.#unknownOpen++;
    } else {
      this.#learnSize(t, size);
    }
    this.#inFlight.add(dest);
    return t;
  }

  async #step(t: Task): Promise<Step> {
    if (!(await this.#ensureDir(dirname(t.dest)))) {
      this.#fail(t, 'outside-root', `the folder of ${t.dest} resolves outside ${this.root}`);
      return END;
    }
    if (!t.checkedPresent && t.job.finished !== undefined && (await t.job.finished(t.dest))) {
      // rewritten by `finish` in an earlier run: nothing to fetch or to verify against the source
      this.#skip(t, (await statOrUndefined(t.dest))?.size ?? 0, 'finished');
      return END;
    }
    switch (t.kind) {
      case 'local':
        return this.#stepLocal(t, t.job as LocalJob);
      case 'data':
        return this.#stepData(t);
      default:
        return this.#stepHttp(t);
    }
  }

  async #stepLocal(t: Task, job: LocalJob): Promise<Step> {
    t.attempts++;
    const out = await placeLocal({
      source: job.source,
      dest: t.dest,
      partial: t.partial,
      mode: job.mode,
      size: t.size,
      checksum: t.checksum,
      verifyChecksum: this.#verifyExisting === 'checksum',
      onSize: (size) => {
        this.#learnSize(t, size);
      },
      onStart: (source) => {
        this.#emit({ type: 'start', id: t.id, dest: t.dest, source, resumeFrom: 0 });
      },
    });
    if (out.kind === 'skip') {
      if (await this.#finish(t)) {
        this.#skip(t, out.bytes, out.verified);
      }
    } else if (out.kind === 'fail') {
      this.#fail(t, out.code, out.reason);
    } else {
      if (out.how === 'copied') {
        this.#moved += out.bytes;
      }
      if (out.fallback) {
        this.#linkFallbacks++;
      }
      if (await this.#finish(t)) {
        this.#complete(t, out.how, out.bytes, out.note);
      }
    }
    return END;
  }

  async #stepData(t: Task): Promise<Step> {
    t.attempts++;
    const decoded = decodeDataUri(t.url);
    if ('error' in decoded) {
      this.#fail(t, 'bad-data-uri', decoded.error);
      return END;
    }
    const bytes = decoded.bytes;
    if (t.size !== undefined && bytes.length !== t.size) {
      this.#fail(
        t,
        'size-mismatch',
        `the data: URI holds ${bytes.length} bytes, the job expects ${t.size}`,
      );
      return END;
    }
    this.#learnSize(t, bytes.length);
    if (t.checksum !== undefined) {
      const digest = createHash(t.checksum.algorithm).update(bytes).digest('hex');
      if (digest !== t.checksum.hex) {
        this.#fail(
          t,
          'checksum-mismatch',
          `the data: URI's ${t.checksum.algorithm} is ${digest}, the job expects ${t.checksum.hex}`,
        );
        return END;
      }
    }
    const st = await statOrUndefined(t.dest);
    if (st?.isFile() === true && st.size === bytes.length) {
      const present = await readFile(t.dest);
      if (present.equals(bytes)) {
        if (await this.#finish(t)) {
          this.#skip(t, bytes.length, 'content');
        }
        return END;
      }
    }
    this.#emit({
      type: 'start',
      id: t.id,
      dest: t.dest,
      source: redactUrl(t.url),
      resumeFrom: 0,
    });
    await writeFile(t.partial, bytes, { flag: WRITE_FLAGS });
    await rename(t.partial, t.dest);
    this.#moved += bytes.length;
    if (await this.#finish(t)) {
      this.#complete(t, 'decoded', bytes.length, undefined);
    }
    return END;
  }

  /** The present file at dest, when it passes the checks `verifyExisting` asks for. */
  async #presentVerified(t: Task): Promise<{ bytes: number; verified: string } | undefined> {
    const st = await statOrUndefined(t.dest);
    if (st?.isFile() !== true) {
      return undefined;
    }
    if (t.size !== undefined && st.size !== t.size) {
      return undefined;
    }
    if (t.checksum !== undefined && this.#verifyExisting === 'checksum') {
      const digest = await hashFile(t.dest, t.checksum.algorithm);
      return digest === t.checksum.hex ? { bytes: st.size, verified: 'size+checksum' } : undefined;
    }
    return { bytes: st.size, verified: t.size === undefined ? 'exists' : 'size' };
  }

  /** Bytes in the partial file (0 when absent; removed when it is not a regular file). */
  async #partialSize(t: Task): Promise<number> {
    const st = await lstatOrUndefined(t.partial);
    if (st === undefined) {
      return 0;
    }
    if (!st.isFile()) {
      await removeFile(t.partial);
      return 0;
    }
    return st.size;
  }

  async #stepHttp(t: Task): Promise<Step> {
    if (!t.checkedPresent) {
      t.checkedPresent = true;
      const present = await this.#presentVerified(t);
      if (present !== undefined) {
        if (await this.#finish(t)) {
          this.#skip(t, present.bytes, present.verified);
        }
        return END;
      }
    }
    const signal = this.#controller.signal;
    for (;;) {
      if (signal.aborted) {
        return END;
      }
      let offset = await this.#partialSize(t);
      if (t.size !== undefined && offset >= t.size && offset > 0) {
        if (offset === t.size && (await this.#partialVerifies(t))) {
          t.appended = true;
          return this.#promote(t, t.size);
        }
        await this.#restart(
          t,
          'partial-invalid',
          `the partial file does not match (${offset} bytes)`,
        );
        if (t.restarts > MAX_RESTARTS) {
          return END;
        }
        offset = 0;
      }
      this.#credit(t, offset);
      if (!t.started) {
        t.started = true;
        this.#emit({
          type: 'start',
          id: t.id,
          dest: t.dest,
          source: redactUrl(t.url),
          resumeFrom: offset,
        });
      }
      t.attempts++;
      const job = t.job as DownloadJob;
      const r: FetchResult = await fetchToPartial({
        url: t.url,
        partial: t.partial,
        offset,
        size: t.size,
        algorithm: t.checksum?.algorithm,
        headers: { 'user-agent': this.#userAgent, ...(job.headers ?? {}) },
        dispatcher: this.#pool(),
        idleTimeoutMs: this.#idleTimeoutMs,
        maxRedirects: this.#maxRedirects,
        signal,
        onTotal: (total) => {
          this.#learnSize(t, total);
        },
        onBytes: (n) => {
          this.#moved += n;
          this.#bytesDone += n;
          t.credited += n;
        },
      });
      switch (r.kind) {
        case 'aborted':
          return END;
        case 'complete': {
          if (r.rangeIgnored) {
            this.#restartsDone++;
            t.restarts++;
            this.#emit({
              type: 'restart',
              id: t.id,
              code: 'range-ignored',
              reason: `the server answered the Range request from byte ${offset} with the whole file (200)`,
            });
          }
          if (r.total !== undefined && r.size < r.total && r.size > offset) {
            // A 206 that stopped short of the end: continue from where it stopped.
            t.appended = true;
            continue;
          }
          if (t.size !== undefined && r.size !== t.size) {
            await removeFile(t.partial);
            this.#credit(t, 0);
            return this.#retryable(
              t,
              'size-mismatch',
              `received ${r.size} bytes, the job expects ${t.size}`,
              undefined,
            );
          }
          if (t.checksum !== undefined && r.digest !== t.checksum.hex) {
            await removeFile(t.partial);
            this.#credit(t, 0);
            return this.#retryable(
              t,
              'checksum-mismatch',
              `the ${t.checksum.algorithm} of the ${r.size} bytes received is ${r.digest ?? '?'}, the job expects ${t.checksum.hex}`,
              undefined,
            );
          }
          if (r.appended) {
            t.appended = true;
          }
          return this.#promote(t, r.size);
        }
        case 'status': {
          t.lastStatus = r.status;
          const what = `HTTP ${r.status}${r.serverCode === undefined ? '' : ` ${r.serverCode}`}${
            r.serverMessage === undefined ? '' : `: ${r.serverMessage}`
          }`;
          const code = `http-${r.status}`;
          if (REFRESH_STATUS.has(r.status)) {
            const refreshed = await this.#refresh(t, code, what);
            if (refreshed === 'refreshed') {
              continue;
            }
            if (refreshed === 'no') {
              this.#fail(
                t,
                code,
                t.refreshes > 0 ? `${what} (after ${t.refreshes} URL refreshes)` : what,
              );
            }
            return END;
          }
          if (isRetryableStatus(r.status)) {
            return this.#retryable(t, code, what, r.retryAfterMs);
          }
          this.#fail(t, code, what);
          return END;
        }
        case 'unsatisfiable': {
          t.lastStatus = 416;
          if (offset === 0) {
            this.#fail(t, 'http-416', 'HTTP 416 for a request without a Range header');
            return END;
          }
          if (r.total !== undefined && offset === r.total) {
            this.#learnSize(t, r.total);
            if (await this.#partialVerifies(t)) {
              t.appended = true;
              return this.#promote(t, offset);
            }
          }
          await this.#restart(
            t,
            'range-unsatisfiable',
            `the server refused the Range request from byte ${offset} (416)`,
          );
          if (t.restarts > MAX_RESTARTS) {
            return END;
          }
          continue;
        }
        case 'range-mismatch':
          await this.#restart(t, 'range-mismatch', r.detail);
          if (t.restarts > MAX_RESTARTS) {
            return END;
          }
          continue;
        case 'size-mismatch':
          await removeFile(t.partial);
          this.#credit(t, 0);
          return this.#retryable(t, 'size-mismatch', r.detail, undefined);
        case 'transport':
          if (r.written > 0) {
            // Bytes landed and the next attempt continues from them: progress, not a lost try.
            // (Each such attempt moves the file forward, so this ends.)
            t.failures = 0;
          }
          return this.#retryable(t, r.code, r.detail, undefined);
        case 'io':
          await removeFile(t.partial).catch(() => undefined);
          this.#fail(t, r.code, r.detail);
          return END;
        case 'redirect':
          this.#fail(t, r.code, r.detail);
          return END;
      }
    }
  }

  /** True when the partial file, as long as the whole file, has the job's checksum (if any). */
  async #partialVerifies(t: Task): Promise<boolean> {
    if (t.checksum === undefined) {
      return true;
    }
    return (await hashFile(t.partial, t.checksum.algorithm)) === t.checksum.hex;
  }

  async #promote(t: Task, size: number): Promise<Step> {
    await rename(t.partial, t.dest);
    if (t.appended) {
      this.#resumed++;
    }
    if (await this.#finish(t)) {
      this.#complete(t, t.appended ? 'resumed' : 'downloaded', size, undefined);
    }
    return END;
  }

  /**
   * The job's `finish` step on the placed file; false (the job failed, `finish-failed`) when it
   * throws. The file it could not finish is removed, so a rerun places it again.
   */
  async #finish(t: Task): Promise<boolean> {
    const finish = t.job.finish;
    if (finish === undefined) {
      return true;
    }
    try {
      await finish(t.dest);
      return true;
    } catch (err) {
      await removeFile(t.dest);
      this.#fail(t, 'finish-failed', err instanceof Error ? err.message : String(err));
      return false;
    }
  }

  async #restart(t: Task, code: string, reason: string): Promise<void> {
    await removeFile(t.partial);
    this.#credit(t, 0);
    t.restarts++;
    this.#restartsDone++;
    if (t.restarts > MAX_RESTARTS) {
      this.#fail(t, code, `${reason}; gave up after ${MAX_RESTARTS} restarts`);
      return;
    }
    this.#emit({ type: 'restart', id: t.id, code, reason: redactText(reason, t.secrets) });
  }

  #retryable(t: Task, code: string, reason: string, retryAfterMs: number | undefined): Step {
    t.failures++;
    const delayMs = retryDelay(this.#retry, {
      failures: t.failures,
      waitedMs: t.waitedMs,
      retryAfterMs,
      key: t.id,
    });
    if (delayMs === undefined) {
      this.#fail(
        t,
        code,
        `${reason} (gave up after ${t.failures} failed attempt${t.failures === 1 ? '' : 's'})`,
      );
      return END;
    }
    t.waitedMs += delayMs;
    this.#retriesDone++;
    this.#emit({
      type: 'retry',
      id: t.id,
      failures: t.failures,
      code,
      reason: redactText(reason, t.secrets),
      delayMs,
    });
    return { kind: 'wait', ms: delayMs };
  }

  async #refresh(t: Task, code: string, reason: string): Promise<'refreshed' | 'no' | 'failed'> {
    const job = t.job as DownloadJob;
    if (job.refresh === undefined || t.refreshes >= this.#maxRefreshes) {
      return 'no';
    }
    t.refreshes++;
    let next: string | undefined;
    try {
      next = await job.refresh();
    } catch (err) {
      this.#fail(
        t,
        'refresh-failed',
        `${reason}; refreshing the URL failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      return 'failed';
    }
    if (typeof next !== 'string' || next === '') {
      return 'no';
    }
    for (const s of urlSecrets(next)) {
      if (!t.secrets.includes(s)) {
        t.secrets.push(s);
      }
    }
    if (!/^https?:\/\//i.test(next)) {
      this.#fail(t, 'unsupported-scheme', `the refreshed URL is not http(s): ${redactUrl(next)}`);
      return 'failed';
    }
    t.url = next;
    t.hostKey = hostKeyOf(next);
    this.#refreshesDone++;
    this.#emit({
      type: 'refresh',
      id: t.id,
      code,
      reason: redactText(reason, t.secrets),
      refreshes: t.refreshes,
    });
    return 'refreshed';
  }

  // ───────────────────────────── bookkeeping ─────────────────────────────

  #learnSize(t: Task, size: number): void {
    if (!t.sizeKnown) {
      t.sizeKnown = true;
      this.#sizedFiles++;
      if (t.size === undefined) {
        this.#unknownOpen--;
      }
    }
    this.#bytesTotal += size - t.sizeCounted;
    t.sizeCounted = size;
  }

  #credit(t: Task, bytes: number): void {
    this.#bytesDone += bytes - t.credited;
    t.credited = bytes;
  }

  #settleSize(t: Task): void {
    if (!t.sizeKnown) {
      t.sizeKnown = true;
      this.#unknownOpen--;
    }
  }

  #complete(t: Task, how: DoneHow, bytes: number, note: string | undefined): void {
    this.#filesDone++;
    this.#settleSize(t);
    this.#learnSize(t, bytes);
    this.#credit(t, bytes);
    if (how === 'downloaded' || how === 'resumed' || how === 'decoded') {
      this.#downloaded++;
    } else if (how === 'copied') {
      this.#copied++;
    } else {
      this.#linked++;
    }
    this.#emit({
      type: 'done',
      id: t.id,
      dest: t.dest,
      bytes,
      how,
      attempts: t.attempts,
      ...(note === undefined ? {} : { note }),
    });
    this.#settle(t.job, 'done');
  }

  #skip(t: Task, bytes: number, verified: string): void {
    this.#filesDone++;
    this.#skipped++;
    this.#settleSize(t);
    this.#learnSize(t, bytes);
    this.#credit(t, bytes);
    this.#emit({ type: 'skip', id: t.id, dest: t.dest, bytes, verified });
    this.#settle(t.job, 'skipped');
  }

  #fail(t: Task, code: string, reason: string): void {
    if (FATAL_ERRNO.has(code) && this.#fatal === undefined) {
      // Partial files stay: a rerun after freeing space continues them.
      this.#fatal = fileSystemError(
        Object.assign(new Error(reason), { code, syscall: 'write', path: t.partial }),
        'write',
        t.dest,
      );
      this.#controller.abort(this.#fatal);
      this.#onAbort();
    }
    this.#filesDone++;
    this.#settleSize(t);
    this.#credit(t, 0);
    this.#bytesTotal -= t.sizeCounted;
    t.sizeCounted = 0;
    const clean = redactText(reason, t.secrets);
    this.#failed.push({
      id: t.id,
      dest: t.dest,
      code,
      reason: clean,
      attempts: t.attempts,
      ...(t.lastStatus === undefined ? {} : { status: t.lastStatus }),
    });
    this.#emit({ type: 'fail', id: t.id, dest: t.dest, code, reason: clean, attempts: t.attempts });
    this.#settle(t.job, 'failed');
  }

  #settle(job: MediaJob, outcome: JobOutcome): void {
    const w = this.#settleWaiters.get(job);
    if (w !== undefined) {
      this.#settleWaiters.delete(job);
      w.resolve(outcome);
    }
  }

  #emit(event: DownloadEvent): void {
    if (this.#onEvent === undefined) {
      return;
    }
    try {
      this.#onEvent(event);
    } catch {
      // A renderer's bug must not break the downloads.
    }
  }

  #startProgress(): void {
    if (this.#onEvent === undefined || this.#progressTimer !== undefined || this.#finished) {
      return;
    }
    this.#progressTimer = setInterval(() => {
      this.#emitProgress();
    }, this.#progressIntervalMs);
    this.#progressTimer.unref();
  }

  #emitProgress(): void {
    if (this.#onEvent === undefined) {
      return;
    }
    this.#samples.push([performance.now(), this.#moved]);
    this.#emit({ type: 'progress', ...this.progress() });
  }

  // ───────────────────────────── resources ─────────────────────────────

  /** One connection pool for the run: keep-alive, `perHost` per origin, the env's proxy. */
  #pool(): Dispatcher {
    this.#dispatcher ??= createDispatcher({ connectionsPerOrigin: this.#perHost });
    return this.#dispatcher;
  }

  /**
   * Creates `dir` (cached) after checking that it, and its nearest existing ancestor, resolve
   * inside the real root: a symlinked folder cannot lead a file out of the root.
   */
  async #ensureDir(dir: string): Promise<boolean> {
    if (this.#dirs.has(dir)) {
      return true;
    }
    this.#realRoot ??= mkdir(this.root, { recursive: true }).then(() => realpath(this.root));
    const root = await this.#realRoot;
    let probe = dir;
    for (;;) {
      try {
        if (!isWithin(root, await realpath(probe))) {
          return false;
        }
        break;
      } catch (err) {
        if (!isMissing(err) || dirname(probe) === probe) {
          throw err;
        }
        probe = dirname(probe);
      }
    }
    if (probe !== dir) {
      await mkdir(dir, { recursive: true });
      if (!isWithin(root, await realpath(dir))) {
        return false;
      }
    }
    if (this.#dirs.size >= 10_000) {
      this.#dirs.clear();
    }
    this.#dirs.add(dir);
    return true;
  }
}

/**
 * Downloads every job of an (async) iterable with one {@link MediaDownloader}, adding them with
 * back-pressure, and returns the report.
 *
 * @throws SynxError SYNX_ABORTED when the signal fired (report in `details.report`).
 */
export async function downloadAll(
  jobs: Iterable<MediaJob> | AsyncIterable<MediaJob>,
  options: MediaDownloaderOptions,
): Promise<DownloadReport> {
  const downloader = new MediaDownloader(options);
  try {
    for await (const job of jobs) {
      await downloader.add(job);
    }
  } catch (err) {
    // Settle what is in flight (closing files) before passing the error on.
    await downloader.finish().catch(() => undefined);
    throw err;
  }
  return downloader.finish();
}
