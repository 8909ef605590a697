import { SynxError } from './errors.js';
import { hash32 } from './hash.js';

/**
 * How synx retries a request that failed for a passing reason: one policy for every request it
 * makes — list pages, single objects, image-header reads and media downloads (ADR 0018).
 */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 8. */
  readonly retries: number;
  /** First backoff step; each further failure doubles it. Default 250 ms. */
  readonly baseDelayMs: number;
  /** Backoff cap. Default 15 s. */
  readonly maxDelayMs: number;
  /** Longest `Retry-After` honoured (a longer one is waited for this long). Default 60 s. */
  readonly maxRetryAfterMs: number;
  /** Most time one request may spend waiting between its attempts, all retries together. Default 3 min. */
  readonly budgetMs: number;
  /** Source of jitter in [0, 1) when no key is given. Default Math.random. */
  readonly random?: () => number;
}

/** The defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 8,
  baseDelayMs: 250,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
  budgetMs: 180_000,
});

/**
 * HTTP statuses worth another try: request timeout, too early, rate limited, and the server or
 * gateway errors that pass (500, 502, 503, 504).
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/** True for a status in {@link RETRYABLE_STATUSES}. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new SynxError('SYNX_INVALID_INPUT', `retry ${name} must be a non-negative number`);
  }
  return value;
}

/** A complete, checked policy from partial settings (missing ones take the defaults). */
export function retryPolicy(settings: Partial<RetryPolicy> = {}): RetryPolicy {
  const d = DEFAULT_RETRY_POLICY;
  return {
    retries: Math.floor(nonNegative(settings.retries, d.retries, 'retries')),
    baseDelayMs: nonNegative(settings.baseDelayMs, d.baseDelayMs, 'baseDelayMs'),
    maxDelayMs: nonNegative(settings.maxDelayMs, d.maxDelayMs, 'maxDelayMs'),
    maxRetryAfterMs: nonNegative(settings.maxRetryAfterMs, d.maxRetryAfterMs, 'maxRetryAfterMs'),
    budgetMs: nonNegative(settings.budgetMs, d.budgetMs, 'budgetMs'),
    ...(settings.random === undefined ? {} : { random: settings.random }),
  };
}

/** Parses a `Retry-After` header (delta seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const v = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (v === undefined || v === '') {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(v)) {
    return Math.round(Number(v) * 1000);
  }
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/**
 * Exponential backoff with "equal jitter": the step doubles from `baseDelayMs` up to
 * `maxDelayMs`, and the delay is drawn in [step/2, step). With a `key` the draw is a hash of
 * (key, failure) — spread across requests yet repeatable; without, `policy.random`.
 */
export function backoffDelay(policy: RetryPolicy, failures: number, key?: string): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  const u =
    key === undefined
      ? (policy.random ?? Math.random)()
      : hash32(`${key}#${failures}`, 0x5eed) / 2 ** 32;
  return Math.round(step / 2 + (u * step) / 2);
}

/** What is known after a failed attempt. */
export interface RetryState {
  /** Failed attempts of this request so far (1 after the first failure). */
  readonly failures: number;
  /** Time already spent waiting between this request's attempts. */
  readonly waitedMs: number;
  /** The server's `Retry-After`, when it sent one (429, 503). */
  readonly retryAfterMs?: number | undefined;
  /** Makes the jitter repeatable per request (e.g. a file id). */
  readonly key?: string | undefined;
}

/**
 * How long to wait before the next attempt, or undefined when the request has used its retries
 * or its time budget. `Retry-After` is honoured (up to `maxRetryAfterMs`) in place of the backoff.
 */
export function retryDelay(policy: RetryPolicy, state: RetryState): number | undefined {
  if (state.failures > policy.retries) {
    return undefined;
  }
  const wait =
    state.retryAfterMs === undefined
      ? backoffDelay(policy, state.failures, state.key)
      : Math.min(state.retryAfterMs, policy.maxRetryAfterMs);
  if (state.waitedMs + wait > policy.budgetMs) {
    return undefined;
  }
  return wait;
}
