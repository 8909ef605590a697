import type { ExportProgress } from '@synx/export';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgress, eta } from '../src/lib/progress.js';

/** A stderr stand-in that records what is written. */
function fakeStream(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = {
    isTTY: tty,
    columns: 160,
    write: (chunk: string | Uint8Array): boolean => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

const write = (
  items: number,
  total: number | undefined,
  annotations = items * 4,
): ExportProgress => ({
  phase: 'write',
  items,
  total,
  annotations,
});

describe('progress in lines mode (no terminal)', () => {
  let clock = 0;
  const now = (): number => clock;
  beforeEach(() => {
    clock = 1_000_000;
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('prints a line every 500 items, with counts, rate and an ETA from the total', () => {
    const { stream, text } = fakeStream(false);
    const p = createProgress({ stream, mode: 'lines', now });
    p.onProgress({ phase: 'open', items: 0, total: undefined, annotations: 0 });
    // 100 items per 0.1 s = 1,000 items/s
    for (let items = 100; items <= 1_200; items += 100) {
      clock += 100;
      p.onProgress(write(items, 5_000));
    }
    const lines = text().trimEnd().split('\n');
    expect(lines).toEqual([
      'synx: export 500/5,000 items · 2,000 annotations · 1,000 items/s · ETA 5s',
      'synx: export 1,000/5,000 items · 4,000 annotations · 1,000 items/s · ETA 4s',
    ]);
    p.stop();
  });

  it('prints a line after 10 s without one, even when no progress arrives, with the media', () => {
    const { stream, text } = fakeStream(false);
    const p = createProgress({ stream, mode: 'lines', now });
    clock += 1_000;
    p.onProgress(write(10, undefined));
    p.onMedia({
      type: 'progress',
      filesDone: 412,
      filesTotal: 420,
      bytesDone: 18_200_000,
      bytesTotal: 0,
      rate: 0,
      etaS: undefined,
    });
    expect(text()).toBe('');
    clock += 9_500;
    vi.advanceTimersByTime(1_000);
    // 10.5 s since the start: one line; no total, so no ETA
    expect(text()).toBe('synx: export 10 items · 40 annotations · 412/420 files 18.2 MB\n');
    clock += 5_000;
    vi.advanceTimersByTime(5_000);
    expect(text().split('\n')).toHaveLength(2);
    p.stop();
    clock += 60_000;
    vi.advanceTimersByTime(60_000);
    expect(text().split('\n')).toHaveLength(2);
  });

  it('prints a last line at finish, once', () => {
    const { stream, text } = fakeStream(false);
    const p = createProgress({ stream, mode: 'lines', now });
    clock += 16_000;
    p.onProgress({ phase: 'finish', items: 5_000, total: 5_000, annotations: 21_000 });
    p.onProgress({ phase: 'finish', items: 5_000, total: 5_000, annotations: 21_000 });
    expect(text()).toBe('synx: export done 5,000/5,000 items · 21,000 annotations · in 16.0 s\n');
    p.stop();
  });

  it('takes the total given up front when the source does not say', () => {
    const { stream, text } = fakeStream(false);
    const p = createProgress({ stream, mode: 'lines', total: 2_000, now });
    clock += 100;
    p.onProgress(write(0, undefined));
    clock += 500;
    p.onProgress(write(500, undefined));
    // 500 items in 0.5 s: 1,500 left at 1,000/s
    expect(text()).toBe(
      'synx: export 500/2,000 items · 2,000 annotations · 1,000 items/s · ETA 2s\n',
    );
    p.stop();
  });
});

describe('progress, quiet and tty', () => {
  it('quiet prints nothing', () => {
    const { stream, text } = fakeStream(true);
    const p = createProgress({ stream, mode: 'quiet' });
    p.onProgress(write(1_000, 5_000));
    p.onProgress({ phase: 'finish', items: 5_000, total: 5_000, annotations: 1 });
    p.stop();
    expect(text()).toBe('');
  });

  it('tty draws a bar with the status and clears the line on stop', () => {
    const { stream, text } = fakeStream(true);
    const p = createProgress({ stream, mode: 'tty' });
    p.onProgress(write(2_500, 5_000));
    expect(text()).toContain('██████████░░░░░░░░░░ export 2,500/5,000 items · 10,000 annotations');
    p.stop();
    // the last thing written moves to column 1 and erases the line
    expect(text().endsWith('\u001b[1G\u001b[2K')).toBe(true);
    const written = text().length;
    p.onProgress(write(3_000, 5_000));
    expect(text().length).toBe(written);
  });

  it('eta is short and readable', () => {
    expect([eta(11.4), eta(185), eta(7_800)]).toEqual(['11s', '3m 05s', '2h 10m']);
  });
});
