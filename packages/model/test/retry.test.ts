import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  retryPolicy,
} from '../src/index.js';

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates', () => {
    const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 2.5 ', now)).toBe(2500);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['3', '4'], now)).toBe(3000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  const policy = retryPolicy({ baseDelayMs: 500, maxDelayMs: 10_000 });
  it('doubles up to the cap with repeatable jitter in [step/2, step)', () => {
    for (let f = 1; f <= 8; f++) {
      const step = Math.min(10_000, 500 * 2 ** (f - 1));
      const d = backoffDelay(policy, f, 'item/1');
      expect(d).toBeGreaterThanOrEqual(step / 2);
      expect(d).toBeLessThanOrEqual(step);
      expect(backoffDelay(policy, f, 'item/1')).toBe(d);
    }
    const wide = retryPolicy({ baseDelayMs: 500, maxDelayMs: 1e5 });
    const spread = new Set(Array.from({ length: 50 }, (_, i) => backoffDelay(wide, 3, `f${i}`)));
    expect(spread.size).toBeGreaterThan(40);
  });

  it('draws from the policy random source without a key', () => {
    const p = retryPolicy({ baseDelayMs: 1000, maxDelayMs: 1000, random: () => 0.5 });
    expect(backoffDelay(p, 1)).toBe(750);
  });
});

describe('retryDelay', () => {
  it('gives up after the retries', () => {
    const p = retryPolicy({ retries: 2, baseDelayMs: 10 });
    expect(retryDelay(p, { failures: 1, waitedMs: 0 })).toBeGreaterThan(0);
    expect(retryDelay(p, { failures: 2, waitedMs: 0 })).toBeGreaterThan(0);
    expect(retryDelay(p, { failures: 3, waitedMs: 0 })).toBeUndefined();
  });

  it('honours Retry-After up to its cap, and never waits past the budget', () => {
    const p = retryPolicy({ maxRetryAfterMs: 5_000, budgetMs: 8_000 });
    expect(retryDelay(p, { failures: 1, waitedMs: 0, retryAfterMs: 2_000 })).toBe(2_000);
    expect(retryDelay(p, { failures: 1, waitedMs: 0, retryAfterMs: 90_000 })).toBe(5_000);
    expect(retryDelay(p, { failures: 2, waitedMs: 5_000, retryAfterMs: 5_000 })).toBeUndefined();
  });

  it('has documented defaults and rejects nonsense', () => {
    expect(retryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
    expect(() => retryPolicy({ retries: -1 })).toThrow(/retries/);
    expect(() => retryPolicy({ budgetMs: Number.NaN })).toThrow(/budgetMs/);
  });
});

describe('isRetryableStatus', () => {
  it('retries passing server faults and rate limits, not client errors', () => {
    for (const s of [408, 425, 429, 500, 502, 503, 504]) {
      expect(isRetryableStatus(s)).toBe(true);
    }
    for (const s of [400, 401, 403, 404, 410, 416, 501, 505]) {
      expect(isRetryableStatus(s)).toBe(false);
    }
  });
});
