import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { startFakeSynapse, writeSyntheticFolder, type FakeSynapse } from '@synx/fake-synapse';
import { cocoFormat } from '@synx/format-coco';
import { csvFormat } from '@synx/format-csv';
import { vocFormat } from '@synx/format-voc';
import { yoloFormat } from '@synx/format-yolo';
import { hashSplit, parseSplitRatios, type SplitName } from '@synx/split';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { SynxError } from '@synx/model';
import { planExport, runExport, type ExportManifest } from '../src/index.js';
import { tempDir, tree } from './helpers.js';

const coco = cocoFormat;
const yolo = yoloFormat;
const voc = vocFormat;
const csv = csvFormat;
const root = tempDir('split');
const THREE = parseSplitRatios('0.8/0.1/0.1');
const TOKEN = 'split-test-token';

/** image file name → split, from a COCO export's instances_<split>.json files. */
function cocoSplits(dir: string): Map<string, SplitName> {
  const out = new Map<string, SplitName>();
  for (const split of ['train', 'val', 'test'] as const) {
    const path = join(dir, 'annotations', `instances_${split}.json`);
    if (existsSync(path)) {
      const data = JSON.parse(readFileSync(path, 'utf8')) as { images: { file_name: string }[] };
      for (const image of data.images) {
        expect(out.has(image.file_name), `${image.file_name} in two splits`).toBe(false);
        out.set(image.file_name, split);
      }
    }
  }
  return out;
}

function manifestOf(dir: string): ExportManifest {
  return JSON.parse(readFileSync(join(dir, 'synx-export.json'), 'utf8')) as ExportManifest;
}

/** The export tree with the manifest's run facts (dates, timings) removed. */
function stableTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, bytes] of tree(dir)) {
    if (path === 'synx-export.json') {
      const m = JSON.parse(bytes.toString('utf8')) as Partial<ExportManifest>;
      delete m.run;
      out.set(path, JSON.stringify(m));
    } else {
      out.set(path, bytes.toString('base64'));
    }
  }
  return out;
}

describe('--split on a folder', () => {
  const big = join(root, 'grown');
  const small = join(root, 'before');
  beforeAll(async () => {
    await writeSyntheticFolder({ outDir: big, items: 440, objectsPerItem: 3, seed: 21 });
    // the project before it grew by 10%: the first 400 items
    mkdirSync(join(small, 'json'), { recursive: true });
    mkdirSync(join(small, 'origin_files'), { recursive: true });
    cpSync(join(big, 'project.json'), join(small, 'project.json'));
    const stems = readdirSync(join(big, 'json')).sort().slice(0, 400);
    for (const f of stems) {
      cpSync(join(big, 'json', f), join(small, 'json', f));
      const stem = f.replace(/\.json$/, '');
      cpSync(join(big, 'origin_files', `${stem}.jpg`), join(small, 'origin_files', `${stem}.jpg`));
    }
  });

  it('gives byte-identical output for the same seed, another split for another seed', async () => {
    const run = async (name: string, seed: number) => {
      const out = join(root, name);
      await runExport({
        source: { kind: 'folder', dir: small },
        format: coco,
        output: out,
        split: { ratios: THREE, seed },
      });
      return out;
    };
    const a = await run('same-a', 7);
    const b = await run('same-b', 7);
    const ta = stableTree(a);
    expect([...ta.keys()]).toContain('annotations/instances_val.json');
    expect(stableTree(b)).toEqual(ta);
    const c = await run('other-seed', 8);
    expect(cocoSplits(c)).not.toEqual(cocoSplits(a));
    // the split of every image is the documented hash of its key (the stem for folders)
    for (const [file, split] of cocoSplits(a)) {
      expect(split).toBe(hashSplit(7, file.replace(/\.jpg$/, ''), THREE));
    }
    const m = manifestOf(a);
    expect(m.split).toMatchObject({ mode: 'hash', seed: 7, names: ['train', 'val', 'test'] });
    expect(m.split?.items.reduce((x, y) => x + y, 0)).toBe(400);
  });

  it('keeps every old item in its split when the project grows by 10%', async () => {
    const before = join(root, 'growth-before');
    const after = join(root, 'growth-after');
    for (const [dir, out] of [
      [small, before],
      [big, after],
    ] as const) {
      await runExport({
        source: { kind: 'folder', dir },
        format: coco,
        output: out,
        split: { ratios: THREE, seed: 1 },
      });
    }
    const old = cocoSplits(before);
    const grown = cocoSplits(after);
    expect(old.size).toBe(400);
    expect(grown.size).toBe(440);
    for (const [file, split] of old) {
      expect(grown.get(file), file).toBe(split);
    }
  });

  it('stratifies: per-split class counts in the plan and manifest, closer to the target than hashing', async () => {
    const request = (stratify: boolean) => ({
      source: { kind: 'folder' as const, dir: big },
      format: coco,
      split: { ratios: THREE, seed: 2, stratify },
    });
    const plain = await planExport(request(false));
    const strat = await planExport(request(true));
    expect(strat.split?.mode).toBe('stratified');
    expect(strat.split?.items).toEqual([352, 44, 44]);
    const worst = (p: typeof strat) =>
      Math.max(...(p.split?.classes ?? []).map((c) => c.maxDeviation));
    expect(worst(strat)).toBeLessThan(worst(plain));
    expect(worst(strat)).toBeLessThan(0.02);
    expect(strat.split?.notes.join(' ')).toContain('may move items');
    // the export follows the plan, and the manifest records the same figures
    const out = join(root, 'stratified');
    const summary = await runExport({ ...request(true), output: out });
    expect(summary.split?.classes).toEqual(strat.split?.classes);
    expect(manifestOf(out).split?.maxDeviation).toEqual(strat.split?.maxDeviation);
    const counts = new Map<SplitName, number>();
    for (const split of cocoSplits(out).values()) {
      counts.set(split, (counts.get(split) ?? 0) + 1);
    }
    expect([counts.get('train'), counts.get('val'), counts.get('test')]).toEqual([352, 44, 44]);
  });

  it('every format writes per split', async () => {
    const split = { ratios: THREE, seed: 5 };
    const source = { kind: 'folder' as const, dir: small };
    const expected = new Map<string, SplitName>();
    for (const f of readdirSync(join(small, 'json'))) {
      const stem = f.replace(/\.json$/, '');
      expected.set(stem, hashSplit(5, stem, THREE));
    }
    const stemsIn = (split: SplitName) =>
      [...expected]
        .filter(([, s]) => s === split)
        .map(([stem]) => stem)
        .sort();

    const y = join(root, 'per-split-yolo');
    await runExport({ source, format: yolo, output: y, split });
    const data = parseYaml(readFileSync(join(y, 'data.yaml'), 'utf8')) as Record<string, unknown>;
    expect([data['train'], data['val'], data['test']]).toEqual([
      'images/train',
      'images/val',
      'images/test',
    ]);
    for (const s of ['train', 'val', 'test'] as const) {
      expect(
        readdirSync(join(y, 'labels', s))
          .map((f) => f.replace(/\.txt$/, ''))
          .sort(),
      ).toEqual(stemsIn(s));
    }

    const v = join(root, 'per-split-voc');
    await runExport({ source, format: voc, output: v, split });
    for (const s of ['train', 'val', 'test'] as const) {
      const list = readFileSync(
        join(v, 'VOCdevkit', 'VOC2012', 'ImageSets', 'Main', `${s}.txt`),
        'utf8',
      )
        .trim()
        .split('\n')
        .sort();
      expect(list).toEqual(stemsIn(s));
    }

    const c = join(root, 'per-split-csv');
    await runExport({ source, format: csv, output: c, split });
    const rows: string[][] = parseCsv(readFileSync(join(c, 'annotations.csv'), 'utf8'));
    for (const row of rows.slice(1)) {
      expect(row[3], row[0]).toBe(expected.get((row[0] ?? '').replace(/\.jpg$/, '')));
    }
  });

  it('small data: non-empty splits within one item of the shares, by default (12 and 35 items)', async () => {
    const two = parseSplitRatios('0.8/0.2');
    for (const n of [12, 35, 6, 3]) {
      const dir = join(root, `small-${n}`);
      await writeSyntheticFolder({ outDir: dir, items: n, objectsPerItem: 1, seed: 4 });
      const request = {
        source: { kind: 'folder' as const, dir },
        format: yolo,
        output: join(root, `small-${n}-out`),
        split: { ratios: two },
      };
      const plan = await planExport(request);
      const expected = plan.split?.items ?? [];
      expect(expected.reduce((a, b) => a + b, 0)).toBe(n);
      expected.forEach((c, i) => {
        expect(c, `${n}: ${String(expected)}`).toBeGreaterThan(0);
        expect(
          Math.abs(c - n * (two.ratios[i] ?? 0)),
          `${n}: ${String(expected)}`,
        ).toBeLessThanOrEqual(1);
      });
      const { manifestPath } = await runExport(request);
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ExportManifest;
      expect(manifest.split?.items, `${n} manifest`).toEqual(expected);
      // what the files say, not only the counts
      const listed = ['train', 'val'].map(
        (s) => readdirSync(join(request.output, 'labels', s)).length,
      );
      expect(listed, `${n} files`).toEqual(expected);
    }
  });

  it('stops before writing anything when the items cannot fill every split, with a hint that differs from the ratios', async () => {
    const tiny = join(root, 'tiny');
    await writeSyntheticFolder({ outDir: tiny, items: 2, objectsPerItem: 1, seed: 4 });
    const out = join(root, 'tiny-out');
    const request = {
      source: { kind: 'folder' as const, dir: tiny },
      format: yolo,
      output: out,
      split: { ratios: THREE },
    };
    const plan = await planExport(request);
    expect(plan.split?.empty.length).toBe(1);
    const err = await runExport(request).then(
      () => undefined,
      (e: unknown) => e as SynxError,
    );
    expect(err?.message).toMatch(/split "(val|test)" would get no item \(2 items/);
    expect(err?.hint).toBe(
      '2 items can fill at most 2 splits: give 2 shares (e.g. --split 0.5/0.5), or export more items',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('--group-by on a folder without data-unit meta says why it cannot group', async () => {
    await expect(
      planExport({
        source: { kind: 'folder', dir: small },
        format: coco,
        split: { ratios: THREE, groupBy: 'video' },
      }),
    ).rejects.toThrow(/none of the 400 items has "video" in its data-unit meta/);
  });
});

describe('--split against the API', () => {
  let fake: FakeSynapse;
  const dir = join(root, 'api-src');
  beforeAll(async () => {
    await writeSyntheticFolder({ outDir: dir, items: 120, objectsPerItem: 2, seed: 8 });
    const stems = readdirSync(join(dir, 'json'))
      .map((f) => f.replace(/\.json$/, ''))
      .sort();
    // 12 videos of 10 frames; one frame without a video; GT categories of the version
    const dataUnitMeta: Record<string, Record<string, unknown>> = {};
    const gtCategories: Record<string, string> = {};
    stems.forEach((stem, i) => {
      if (i !== 0) {
        dataUnitMeta[stem] = { source: { video: `v${String(i % 12)}` } };
      }
      gtCategories[stem] = i % 4 === 0 ? 'validation' : 'train';
    });
    writeFileSync(join(dir, 'synapse-fake.json'), JSON.stringify({ dataUnitMeta, gtCategories }));
    fake = await startFakeSynapse({ from: dir, token: TOKEN, projectId: 5, assignmentsPerTask: 2 });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('--group-by never splits a group, and two assignments of one data unit share a split', async () => {
    const out = join(root, 'api-grouped');
    const summary = await runExport({
      source: {
        kind: 'api',
        host: fake.url,
        token: TOKEN,
        target: 'assignment',
        project: fake.projectId,
      },
      format: csv,
      output: out,
      split: { ratios: parseSplitRatios('0.5/0.5'), seed: 3, groupBy: 'source.video' },
    });
    expect(summary.counts.items).toBe(240);
    expect(summary.split).toMatchObject({ groups: 12, ungrouped: 2 });
    const rows: string[][] = parseCsv(readFileSync(join(out, 'annotations.csv'), 'utf8'));
    const byVideo = new Map<string, Set<string>>();
    const byImage = new Map<string, Set<string>>();
    const stems = readdirSync(join(dir, 'json'))
      .map((f) => f.replace(/\.json$/, ''))
      .sort();
    for (const row of rows.slice(1)) {
      const image = (row[0] ?? '').replace(/(__\d+)?\.jpg$/, '');
      const i = stems.indexOf(image);
      expect(i, image).toBeGreaterThanOrEqual(0);
      const video = i === 0 ? 'none' : `v${String(i % 12)}`;
      byVideo.set(video, (byVideo.get(video) ?? new Set()).add(row[3] ?? ''));
      byImage.set(image, (byImage.get(image) ?? new Set()).add(row[3] ?? ''));
    }
    expect(byVideo.size).toBe(13);
    for (const [video, splits] of byVideo) {
      expect(splits.size, video).toBe(1);
    }
    for (const [image, splits] of byImage) {
      expect(splits.size, image).toBe(1);
    }
    expect(new Set([...byVideo.values()].map((s) => [...s][0]))).toEqual(new Set(['train', 'val']));
  });

  it("keeps a ground-truth version's categories as splits, unless --split is given", async () => {
    const gt = {
      kind: 'api' as const,
      host: fake.url,
      token: TOKEN,
      target: 'ground_truth' as const,
      gtVersion: 1,
    };
    const out = join(root, 'gt');
    const summary = await runExport({ source: gt, format: coco, output: out });
    expect(summary.split).toMatchObject({
      mode: 'ground-truth',
      names: ['train', 'val'],
      items: [90, 30],
    });
    expect(readdirSync(join(out, 'annotations')).sort()).toEqual([
      'instances_train.json',
      'instances_val.json',
    ]);
    const plan = await planExport({ source: gt, format: coco, split: { ratios: THREE } });
    expect(plan.split?.mode).toBe('hash');
    expect(plan.split?.notes.join(' ')).toContain('categories are not used: --split decides');
  });
});
