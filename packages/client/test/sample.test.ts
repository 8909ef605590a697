import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSynapse, writeSyntheticFolder, type FakeSynapse } from '@synx/fake-synapse';
import { SynapseClient, spreadPages } from '../src/index.js';
import { tempDir, tinyServer } from './helpers.js';

const TOKEN = 'syn_sample_token_1234';
const dir = tempDir('client-sample');
let fake: FakeSynapse;

beforeAll(async () => {
  await writeSyntheticFolder({
    outDir: dir,
    items: 2450,
    objectsPerItem: 1,
    media: 'none',
    seed: 4,
  });
  fake = await startFakeSynapse({ from: dir, token: TOKEN, seed: 2 });
}, 120_000);
afterAll(async () => {
  await fake.close();
});

function client(prefetch = 8, host = fake.url): SynapseClient {
  return new SynapseClient({
    host,
    token: TOKEN,
    prefetch,
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5 },
  });
}

/** The page numbers of the assignment list requests the fake served, in order. */
function pagesServed(): number[] {
  return fake.log
    .filter((e) => e.route === 'assignments')
    .map((e) => Number(new URL(e.path, fake.url).searchParams.get('page') ?? '1'));
}

describe('spreadPages', () => {
  it('spreads evenly from the first to the last page', () => {
    expect(spreadPages(5, 1000)).toEqual([1, 250, 500, 750, 1000]);
    expect(spreadPages(5, 25)).toEqual([1, 7, 13, 19, 25]);
    expect(spreadPages(3, 4)).toEqual([1, 2, 4]);
    expect(spreadPages(1, 40)).toEqual([1]);
  });

  it('gives every page when asked for as many or more, and nothing for an empty list', () => {
    expect(spreadPages(5, 3)).toEqual([1, 2, 3]);
    expect(spreadPages(5, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(spreadPages(0, 7)).toEqual([1]);
    expect(spreadPages(5, 0)).toEqual([]);
  });
});

describe('PagedList.sample against the fake backend (2,450 items, 25 pages)', () => {
  it('reads page 1 once (shared with count()) and 4 evenly spread pages', async () => {
    fake.setFaults({});
    fake.log.length = 0;
    const c = client();
    const list = c.listAssignments({ project: 1 });
    expect(await list.count()).toBe(2450);
    const s = await list.sample(5);
    c.close();
    expect(s.count).toBe(2450);
    expect(s.pageSize).toBe(100);
    expect(s.totalPages).toBe(25);
    expect(s.pagesRead).toEqual([1, 7, 13, 19, 25]);
    expect(s.complete).toBe(false);
    expect(pagesServed().sort((a, b) => a - b)).toEqual([1, 7, 13, 19, 25]);
    // 4 full pages and the last one (50 items), in page order
    expect(s.entries).toHaveLength(450);
    const ids = fake.dataset.units.map((u) => u.assignmentIds[0]);
    const expected = [0, 6, 12, 18, 24].flatMap((p) => ids.slice(p * 100, p * 100 + 100));
    expect(s.entries.map((e) => e.value.id)).toEqual(expected);
  });

  it('a listing after the sample asks for no page twice, in server order; the next lists again', async () => {
    fake.setFaults({});
    fake.log.length = 0;
    const c = client();
    const list = c.listAssignments({ project: 1 });
    await list.sample(5);
    const first: string[] = [];
    for await (const e of list.entries()) {
      first.push(e.value.id as unknown as string);
    }
    const ids = fake.dataset.units.map((u) => u.assignmentIds[0]);
    expect(first).toEqual(ids);
    const served = pagesServed();
    expect(served).toHaveLength(25);
    expect(new Set(served).size).toBe(25);
    // the sample's pages are taken once: a second listing fetches all 25 again
    fake.log.length = 0;
    let again = 0;
    for await (const _ of list.entries()) {
      again++;
    }
    c.close();
    expect(again).toBe(2450);
    expect(pagesServed().sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
  });

  it('is deterministic: the same pages every time', async () => {
    const c = client();
    const a = await c.listAssignments({ project: 1 }).sample(4);
    const b = await c.listAssignments({ project: 1 }).sample(4);
    c.close();
    expect(a.pagesRead).toEqual([1, 9, 17, 25]);
    expect(b.pagesRead).toEqual(a.pagesRead);
    expect(b.entries.map((e) => e.raw)).toEqual(a.entries.map((e) => e.raw));
  });

  it('fetches the spread pages concurrently', async () => {
    const latencyMs = 200;
    fake.setFaults({ routes: { assignments: { latencyMs } } });
    fake.log.length = 0;
    const c = client();
    const t0 = performance.now();
    const s = await c.listAssignments({ project: 1 }).sample(5);
    const ms = performance.now() - t0;
    c.close();
    fake.setFaults({});
    expect(s.pagesRead).toHaveLength(5);
    // page 1, then the 4 others together: 2 round trips, not 5 (1,000 ms)
    expect(ms).toBeGreaterThanOrEqual(2 * latencyMs - 20);
    expect(ms).toBeLessThan(4 * latencyMs);
  });

  it('with prefetch 1 reads the same pages one at a time', async () => {
    const latencyMs = 100;
    fake.setFaults({ routes: { assignments: { latencyMs } } });
    const c = client(1);
    const t0 = performance.now();
    const s = await c.listAssignments({ project: 1 }).sample(5);
    const ms = performance.now() - t0;
    c.close();
    fake.setFaults({});
    expect(s.pagesRead).toEqual([1, 7, 13, 19, 25]);
    expect(ms).toBeGreaterThanOrEqual(5 * latencyMs - 20);
  });

  it('reads every page of a list no longer than the sample', async () => {
    fake.log.length = 0;
    const c = client();
    const all = await c.listAssignments({ project: 1 }).sample(30);
    c.close();
    expect(all.pagesRead).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(all.entries).toHaveLength(2450);
    expect(all.complete).toBe(true);
    expect(pagesServed()).toHaveLength(25);
  });
});

describe('PagedList.sample fallbacks', () => {
  /** A list of `total` rows in pages of 10; `mode` decides the envelope and links. */
  async function server(
    total: number,
    mode: 'no-count' | 'cursor' | 'shrunk',
  ): Promise<{ url: string; close: () => Promise<void>; seen: string[] }> {
    const seen: string[] = [];
    const s = await tinyServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push(url.search);
      const size = 10;
      const at =
        mode === 'cursor'
          ? Number(url.searchParams.get('cursor') ?? '0')
          : (Number(url.searchParams.get('page') ?? '1') - 1) * size;
      if (mode === 'shrunk' && at >= total - size) {
        // the last page is gone since page 1 was read
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"detail":"Invalid page."}');
        return;
      }
      const rows = Array.from({ length: Math.max(0, Math.min(size, total - at)) }, (_, k) => ({
        id: at + k + 1,
        data: {},
      }));
      const nextAt = at + size;
      const next =
        nextAt >= total
          ? null
          : mode === 'cursor'
            ? `${s.url}${url.pathname}?project=1&cursor=${String(nextAt)}`
            : `${s.url}${url.pathname}?project=1&page=${String(nextAt / size + 1)}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          count: mode === 'no-count' ? null : total,
          next,
          previous: null,
          results: rows,
        }),
      );
    });
    return { ...s, seen };
  }

  it('without a count follows next for the number of pages asked', async () => {
    const s = await server(100, 'no-count');
    const c = client(8, s.url);
    const got = await c.listAssignments({ project: 1 }).sample(3);
    c.close();
    await s.close();
    expect(got.count).toBeUndefined();
    expect(got.totalPages).toBeUndefined();
    expect(got.pagesRead).toEqual([1, 2, 3]);
    expect(got.complete).toBe(false);
    expect(got.entries.map((e) => e.value.id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(s.seen).toHaveLength(3);
  });

  it('without a count, a list shorter than the sample is complete', async () => {
    const s = await server(25, 'no-count');
    const c = client(8, s.url);
    const got = await c.listAssignments({ project: 1 }).sample(5);
    c.close();
    await s.close();
    expect(got.pagesRead).toEqual([1, 2, 3]);
    expect(got.entries).toHaveLength(25);
    expect(got.complete).toBe(true);
  });

  it('with links that are not page-numbered follows next', async () => {
    const s = await server(100, 'cursor');
    const c = client(8, s.url);
    const got = await c.listAssignments({ project: 1 }).sample(2);
    c.close();
    await s.close();
    expect(got.count).toBe(100);
    expect(got.pagesRead).toEqual([1, 2]);
    expect(got.entries.map((e) => e.value.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(s.seen.map((q) => new URLSearchParams(q).get('cursor'))).toEqual([null, '10']);
  });

  it('with links that are not page-numbered, a listing after the sample takes the pages it followed', async () => {
    const s = await server(100, 'cursor');
    const c = client(8, s.url);
    const list = c.listAssignments({ project: 1 });
    await list.sample(3);
    const ids: unknown[] = [];
    for await (const e of list.entries()) {
      ids.push(e.value.id);
    }
    c.close();
    await s.close();
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const cursors = s.seen.map((q) => new URLSearchParams(q).get('cursor'));
    expect(cursors).toEqual([null, '10', '20', '30', '40', '50', '60', '70', '80', '90']);
  });

  it('skips a spread page that is gone (404: the list shrank)', async () => {
    const s = await server(100, 'shrunk');
    const c = client(8, s.url);
    const got = await c.listAssignments({ project: 1 }).sample(4);
    c.close();
    await s.close();
    expect(got.totalPages).toBe(10);
    // asked for 1, 4, 7, 10; page 10 answered 404
    expect(got.pagesRead).toEqual([1, 4, 7]);
    expect(got.complete).toBe(false);
    expect(got.entries.map((e) => e.value.id)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => i + 1),
      ...Array.from({ length: 10 }, (_, i) => i + 31),
      ...Array.from({ length: 10 }, (_, i) => i + 61),
    ]);
  });
});
