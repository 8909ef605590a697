import { describe, expect, it } from 'vitest';
import {
  IssueCollector,
  SynxError,
  SYNX_ERROR_CODES,
  abortError,
  delay,
  isSynxError,
  throwIfAborted,
} from '../src/index.js';

describe('SynxError', () => {
  it('carries a stable code, a hint and JSON-safe details', () => {
    const err = new SynxError('SYNX_NOT_FOUND', 'project 42 does not exist', {
      hint: 'check --project',
      details: { project: 42 },
    });
    expect(err).toBeInstanceOf(Error);
    expect(isSynxError(err)).toBe(true);
    expect(err.toJSON()).toEqual({
      code: 'SYNX_NOT_FOUND',
      message: 'project 42 does not exist',
      hint: 'check --project',
      details: { project: 42 },
    });
  });

  it('codes are unique and all start with SYNX_', () => {
    expect(new Set(SYNX_ERROR_CODES).size).toBe(SYNX_ERROR_CODES.length);
    expect(SYNX_ERROR_CODES.every((c) => c.startsWith('SYNX_'))).toBe(true);
  });

  it('recognises SynxError-shaped errors from another package copy', () => {
    const foreign = Object.assign(new Error('x'), { code: 'SYNX_AUTH' });
    expect(isSynxError(foreign)).toBe(true);
    expect(isSynxError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
  });

  it('abort helpers produce SYNX_ABORTED', () => {
    const ac = new AbortController();
    expect(() => {
      throwIfAborted(ac.signal);
    }).not.toThrow();
    ac.abort();
    expect(() => {
      throwIfAborted(ac.signal);
    }).toThrow(expect.objectContaining({ code: 'SYNX_ABORTED' }) as Error);
    expect(abortError(ac.signal).code).toBe('SYNX_ABORTED');
  });
});

describe('IssueCollector', () => {
  it('counts every issue, keeps a bounded number, and summarises by code', () => {
    const seen: string[] = [];
    const c = new IssueCollector({ keep: 2, examplesPerCode: 2, sink: (i) => seen.push(i.code) });
    c.report({ code: 'B', severity: 'warning', message: 'b1', itemId: '1' });
    c.report({ code: 'A', severity: 'error', message: 'a1', itemId: '1' });
    c.report({ code: 'A', severity: 'error', message: 'a2', itemId: '2' });
    c.report({ code: 'A', severity: 'error', message: 'a3', itemId: '3' });
    expect(c.total).toBe(4);
    expect(c.errors).toBe(3);
    expect(c.warnings).toBe(1);
    expect(c.kept).toHaveLength(2);
    expect(seen).toEqual(['B', 'A', 'A', 'A']);
    expect(c.summary().byCode).toEqual([
      { code: 'A', severity: 'error', count: 3, example: 'a1', items: ['1', '2'] },
      { code: 'B', severity: 'warning', count: 1, example: 'b1', items: ['1'] },
    ]);
  });
});

describe('delay', () => {
  it('waits, and rejects with the signal reason as soon as the signal fires', async () => {
    const t0 = Date.now();
    await delay(30, undefined);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);

    const ac = new AbortController();
    const reason = new SynxError('SYNX_ABORTED', 'interrupted (Ctrl-C)');
    const waiting = delay(60_000, ac.signal);
    setTimeout(() => {
      ac.abort(reason);
    }, 10);
    const started = Date.now();
    await expect(waiting).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(5_000);

    await expect(delay(10, ac.signal)).rejects.toMatchObject({ code: 'SYNX_ABORTED' });
  });
});
