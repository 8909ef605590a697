import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cocoFormat } from '@synx/format-coco';
import { jsonFormat } from '@synx/format-json';
import { startFakeSynapse, writeSyntheticFolder, type FakeSynapse } from '@synx/fake-synapse';
import { parseSplitRatios } from '@synx/split';
import { SynapseFolderWriter } from '@synx/synapse-folder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openExportSession,
  openFolderSource,
  planExport,
  runExport,
  type ExportRequest,
  type PlanProgress,
} from '../src/index.js';
import { tempDir } from './helpers.js';

const coco = cocoFormat;
const root = tempDir('plan-sample');
const TOKEN = 'plan-sample-token';
const N = 1000;

/** Item i: one box, `car` when i % 5 === 0 else `person`; status and tags by index. */
const classOf = (i: number): string => (i % 5 === 0 ? 'car' : 'person');
const statusOf = (i: number): string => (i % 4 === 0 ? 'rejected' : 'completed');
const tagsOf = (i: number): unknown[] => (i % 10 === 0 ? [{ id: 7, name: 'night' }] : []);
const stemOf = (i: number): string => `item_${String(i).padStart(5, '0')}`;

async function writeFolder(dir: string, n: number): Promise<void> {
  const w = new SynapseFolderWriter(dir);
  await w.writeProject({
    id: 1,
    title: 'sample',
    configuration: {
      classification: {
        bounding_box: {
          classification_schema: [
            { code: 'car', name: 'car' },
            { code: 'person', name: 'person' },
          ],
        },
      },
    },
  });
  for (let i = 0; i < n; i++) {
    const id = `A${String(i).padStart(9, '0')}`;
    await w.write({
      stem: stemOf(i),
      data: {
        annotations: {
          image_1: [{ id, tool: 'bounding_box', classification: { class: classOf(i) } }],
        },
        annotationsData: {
          image_1: [{ id, coordinate: { x: 1, y: 2, width: 3, height: 4 } }],
        },
      },
    });
  }
}

/** Counts of `f(i)` over the indices. */
function tally(indices: number[], f: (i: number) => string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of indices) {
    for (const v of f(i)) {
      m.set(v, (m.get(v) ?? 0) + 1);
    }
  }
  return m;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, k) => from + k);

describe('planExport against the API: sampled by default, full on request', () => {
  let fake: FakeSynapse;
  const dir = join(root, 'api');
  beforeAll(async () => {
    await writeFolder(dir, N);
    const status: Record<string, string> = {};
    const tags: Record<string, unknown[]> = {};
    for (let i = 0; i < N; i++) {
      status[stemOf(i)] = statusOf(i);
      tags[stemOf(i)] = tagsOf(i);
    }
    writeFileSync(join(dir, 'synapse-fake.json'), JSON.stringify({ status, tags }));
    fake = await startFakeSynapse({ from: dir, token: TOKEN });
  }, 120_000);
  afterAll(async () => {
    await fake.close();
  });

  const request = (extra: Partial<ExportRequest> = {}): ExportRequest => ({
    source: { kind: 'api', host: fake.url, token: TOKEN, target: 'assignment', project: 1 },
    format: coco,
    ...extra,
  });
  const pagesServed = (): string[] =>
    fake.log
      .filter((e) => e.route === 'assignments')
      .map((e) => new URL(e.path, fake.url).searchParams.get('page') ?? '1')
      .sort((a, b) => Number(a) - Number(b));

  it('reads 5 spread pages, reports the list total and the counts of the sampled items', async () => {
    fake.log.length = 0;
    const plan = await planExport(request());
    // 10 pages of 100: page 1 plus 3, 5, 7 and 10, page 1 once
    expect(pagesServed()).toEqual(['1', '3', '5', '7', '10']);
    expect(plan.items).toBe(N);
    expect(plan.sampled).toEqual({ items: 500, of: N, exact: false });
    const seen = [0, 2, 4, 6, 9].flatMap((p) => range(p * 100, p * 100 + 100));
    const classes = tally(seen, (i) => [classOf(i)]);
    expect(plan.classes.map((c) => [c.code, c.count])).toEqual([
      ['car', classes.get('car')],
      ['person', classes.get('person')],
    ]);
    expect(plan.annotations).toEqual({ bbox: 500 });
    const statuses = tally(seen, (i) => [statusOf(i)]);
    expect(plan.statuses).toEqual([
      { value: 'completed', count: statuses.get('completed') },
      { value: 'rejected', count: statuses.get('rejected') },
    ]);
    expect(plan.tags).toEqual([{ value: 'night', count: 50 }]);
  });

  it('full: reads every page, with exact counts and progress', async () => {
    fake.log.length = 0;
    const progress: PlanProgress[] = [];
    const plan = await planExport(request(), {
      full: true,
      onProgress: (p) => progress.push(p),
    });
    expect(pagesServed()).toEqual(range(1, 11).map(String));
    expect(plan.items).toBe(N);
    expect(plan.sampled).toEqual({ items: N, of: N, exact: true });
    expect(plan.classes.map((c) => [c.code, c.count])).toEqual([
      ['car', 200],
      ['person', 800],
    ]);
    expect(plan.statuses).toEqual([
      { value: 'completed', count: 750 },
      { value: 'rejected', count: 250 },
    ]);
    expect(plan.tags).toEqual([{ value: 'night', count: 100 }]);
    expect(progress.map((p) => p.items)).toEqual(range(1, 11).map((k) => k * 100));
    expect(progress.every((p) => p.total === N)).toBe(true);
  });

  it('samplePages sets how many pages are read; as many as the list has gives exact counts', async () => {
    fake.log.length = 0;
    const three = await planExport(request(), { samplePages: 3 });
    expect(pagesServed()).toEqual(['1', '5', '10']);
    expect(three.sampled).toEqual({ items: 300, of: N, exact: false });
    const all = await planExport(request(), { samplePages: 10 });
    expect(all.sampled).toEqual({ items: N, of: N, exact: true });
    expect(all.classes.map((c) => c.count)).toEqual([200, 800]);
  });

  it('estimates per-split items from the sample; exact per-class splits need full', async () => {
    const split = { ratios: parseSplitRatios('0.8/0.1/0.1'), seed: 1 };
    const sampled = await planExport(request({ split }));
    const full = await planExport(request({ split }), { full: true });
    expect(sampled.split?.mode).toBe('hash');
    expect(sampled.split?.classes).toEqual([]);
    expect(sampled.split?.notes.join(' ')).toContain(
      'items per split are estimated from 500 of 1,000 items',
    );
    const est = sampled.split?.items ?? [];
    const exact = full.split?.items ?? [];
    expect(exact.reduce((a, b) => a + b, 0)).toBe(N);
    expect(full.split?.classes.length).toBe(2);
    // scaled-up hash splits of the sample: within a few points of the real split
    est.forEach((v, j) => {
      expect(Math.abs(v - (exact[j] ?? 0))).toBeLessThan(60);
    });
    expect(est[0]).toBeGreaterThan(700);
  });

  it('with --stratify or --group-by in sample mode gives the shares and says why', async () => {
    const ratios = parseSplitRatios('0.8/0.1/0.1');
    const strat = await planExport(request({ split: { ratios, stratify: true } }));
    expect(strat.split?.mode).toBe('stratified');
    expect(strat.split?.items).toEqual([800, 100, 100]);
    expect(strat.split?.notes.join(' ')).toContain(
      'a stratified split is solved over every item: the counts shown are the shares of 1,000 items',
    );
    expect(strat.split?.classes).toEqual([]);
    const grouped = await planExport(request({ split: { ratios, groupBy: 'video' } }));
    expect(grouped.split?.items).toEqual([800, 100, 100]);
    expect(grouped.split?.groups).toBeUndefined();
    expect(grouped.split?.notes.join(' ')).toContain('--group-by keeps groups together');
    // a full read decides them for real: here no item has the meta key
    await expect(
      planExport(request({ split: { ratios, groupBy: 'video' } }), { full: true }),
    ).rejects.toThrow(/none of the 1000 items has "video"/);
  });

  it("keeps each item's raw DM text only for a format that writes it verbatim", async () => {
    const first = async (format: ExportRequest['format']) => {
      const session = await openExportSession(request({ format }));
      try {
        for await (const s of session.source.items({
          signal: undefined,
          isKnownClass: undefined,
        })) {
          return s.item;
        }
        return undefined;
      } finally {
        session.close();
      }
    };
    const forCoco = await first(coco);
    const forJson = await first(jsonFormat);
    expect(forCoco?.raw).toBeUndefined();
    expect(forCoco?.media[0]?.annotations).toHaveLength(1);
    // the raw text is the item's data exactly as the backend sent it
    expect(JSON.parse(forJson?.raw ?? 'null')).toEqual({
      annotations: {
        image_1: [{ id: 'A000000000', tool: 'bounding_box', classification: { class: 'car' } }],
      },
      annotationsData: {
        image_1: [{ id: 'A000000000', coordinate: { x: 1, y: 2, width: 3, height: 4 } }],
      },
    });
  });

  it('a session opened once serves the plan and the run: the project and every page are read once', async () => {
    fake.log.length = 0;
    const out = join(root, 'session-out');
    const session = await openExportSession(request());
    const plan = await planExport({ ...request(), session });
    expect(plan.items).toBe(N);
    const summary = await runExport({ ...request(), session, output: out });
    expect(summary.counts.items).toBe(N);
    expect(fake.log.filter((e) => e.route === 'projects')).toHaveLength(1);
    // the plan's 5 sampled pages are the run's: every page once
    expect(pagesServed()).toEqual(range(1, 11).map(String));
  });
});

describe('planExport on folders', () => {
  const big = join(root, 'big');
  beforeAll(async () => {
    await writeSyntheticFolder({ outDir: big, items: 2500, objectsPerItem: 1, media: 'none' });
  }, 120_000);

  it('a folder of more than 2,000 items is sampled: every 2nd file, the same ones every time', async () => {
    const req: ExportRequest = { source: { kind: 'folder', dir: big }, format: coco };
    const a = await planExport(req);
    const b = await planExport(req);
    expect(a.items).toBe(2500);
    expect(a.sampled).toEqual({ items: 1250, of: 2500, exact: false });
    expect(b).toEqual(a);
    const full = await planExport(req, { full: true });
    expect(full.sampled).toEqual({ items: 2500, of: 2500, exact: true });
    const boxes = (p: typeof a): number => p.annotations.bbox ?? 0;
    expect(boxes(a)).toBeLessThan(boxes(full));
    expect(boxes(a)).toBeGreaterThan(0);
  });

  it('the folder sample reads every k-th stem', async () => {
    const source = await openFolderSource({ dir: big });
    const s = await source.sample?.({ pages: 5, items: 100 }, { sizes: false });
    const all: string[] = [];
    for await (const x of source.items({ sizes: false })) {
      all.push(x.item?.id ?? '');
    }
    expect(s?.of).toBe(2500);
    expect(s?.complete).toBe(false);
    expect(s?.items.map((x) => x.item?.id)).toEqual(all.filter((_, i) => i % 25 === 0));
  });

  it('a small folder is read whole: exact', async () => {
    const small = join(root, 'small');
    await writeFolder(small, 30);
    const plan = await planExport({ source: { kind: 'folder', dir: small }, format: coco });
    expect(plan.sampled).toEqual({ items: 30, of: 30, exact: true });
    expect(plan.classes.map((c) => c.count)).toEqual([6, 24]);
  });
});
