import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedFixture } from '@synx/fake-synapse';
import { cocoFormat } from '@synx/format-coco';
import { encodeJpeg } from '@synx/image-header';
import { classMapFromList } from '@synx/model';
import type { Format } from '@synx/plugin-api';
import { SynapseFolderWriter } from '@synx/synapse-folder';
import { describe, expect, it } from 'vitest';
import { planExport, runExport, type ExportManifest, type ExportProgress } from '../src/index.js';
import { tempDir } from './helpers.js';

const coco = cocoFormat;
const root = tempDir('pipeline');

const box = (id: string, cls: string, x = 1, y = 2, w = 3, h = 4) => ({
  a: { id, tool: 'bounding_box', classification: { class: cls } },
  d: { id, coordinate: { x, y, width: w, height: h } },
});

async function folder(
  name: string,
  items: {
    stem: string;
    anns: { a: object; d?: object }[];
    media?: { name: string; bytes: Buffer } | null;
    raw?: string;
  }[],
  classes: string[] | null = ['car', 'person'],
): Promise<string> {
  const dir = join(root, name);
  const w = new SynapseFolderWriter(dir);
  if (classes !== null) {
    await w.writeProject({
      id: 1,
      title: name,
      configuration: {
        classification: {
          bounding_box: { classification_schema: classes.map((c) => ({ code: c, name: c })) },
        },
      },
    });
  }
  for (const it of items) {
    const data = it.raw ?? {
      annotations: { image_1: it.anns.map((x) => x.a) },
      annotationsData: { image_1: it.anns.flatMap((x) => (x.d === undefined ? [] : [x.d])) },
    };
    const media =
      it.media === null
        ? undefined
        : (it.media ?? { name: `${it.stem}.jpg`, bytes: encodeJpeg({ width: 64, height: 48 }) });
    await w.write({ stem: it.stem, data, ...(media === undefined ? {} : { media }) });
  }
  return dir;
}

function cocoOf(out: string): {
  images: { file_name: string; width: number; height: number }[];
  annotations: { bbox: number[] }[];
} {
  return JSON.parse(
    readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8'),
  ) as never;
}

describe('bad input: reported, the rest exported; --strict makes it fatal', () => {
  it('names the malformed item in the report and exports the others', async () => {
    const dir = await folder('bad', [
      { stem: 'a_ok', anns: [box('A000000001', 'car')] },
      {
        stem: 'b_missing_geometry',
        anns: [
          { a: { id: 'B000000001', tool: 'bounding_box', classification: { class: 'car' } } },
          box('B000000002', 'person'),
        ],
      },
      { stem: 'c_unknown_class', anns: [box('C000000001', 'truck')] },
      { stem: 'd_not_json', anns: [], raw: '{"annotations": ' },
    ]);
    const out = join(root, 'bad-out');
    const summary = await runExport({ source: { kind: 'folder', dir }, format: coco, output: out });
    expect(summary.counts.items).toBe(3);
    const codes = summary.firstIssues.map((i) => [i.code, i.itemId, i.annotationId]);
    expect(codes).toContainEqual(['SYNX_DM_MISSING_DATA', 'b_missing_geometry', 'B000000001']);
    expect(codes).toContainEqual(['SYNX_DM_UNKNOWN_CLASS', 'c_unknown_class', 'C000000001']);
    expect(codes).toContainEqual(['SYNX_ITEM_UNREADABLE', 'd_not_json', undefined]);
    expect(summary.issues.errors).toBe(3);
    const c = cocoOf(out);
    expect(c.images.map((i) => i.file_name)).toEqual([
      'a_ok.jpg',
      'b_missing_geometry.jpg',
      'c_unknown_class.jpg',
    ]);
    expect(c.annotations).toHaveLength(2); // a_ok's car and b's person
    const issuesFile = readFileSync(join(out, 'synx-issues.jsonl'), 'utf8').trim().split('\n');
    expect(issuesFile.map((l) => (JSON.parse(l) as { itemId: string }).itemId)).toContain(
      'b_missing_geometry',
    );
    // every annotation that came in is accounted for
    expect(summary.counts.annotations.in).toEqual({ bbox: 3, other: 1 });
    expect(summary.dropped.map((g) => [g.kind, g.count])).toEqual([
      ['bbox', 1],
      ['other', 1],
    ]);
  });

  it('--strict fails at the first error, and the manifest says so', async () => {
    const dir = join(root, 'bad');
    const out = join(root, 'bad-strict');
    await expect(
      runExport({ source: { kind: 'folder', dir }, format: coco, output: out, strict: true }),
    ).rejects.toMatchObject({
      code: 'SYNX_STRICT',
      message: expect.stringContaining('b_missing_geometry') as string,
    });
    const manifest = JSON.parse(
      readFileSync(join(out, 'synx-export.json'), 'utf8'),
    ) as ExportManifest;
    expect(manifest.status).toBe('failed');
    expect(manifest.error?.code).toBe('SYNX_STRICT');
    expect(existsSync(join(out, 'annotations', 'instances_default.json'))).toBe(false);
  });
});

describe('dry run and output folder', () => {
  it('--dry-run plans and writes nothing', async () => {
    const dir = await folder('plan', [
      {
        stem: 'x',
        anns: [
          box('X000000001', 'car'),
          {
            a: { id: 'L000000001', tool: 'polyline', classification: { class: 'car' } },
            d: {
              id: 'L000000001',
              coordinate: [
                { x: 0, y: 0 },
                { x: 1, y: 1 },
              ],
            },
          },
        ],
      },
      { stem: 'y', anns: [] },
    ]);
    const out = join(root, 'plan-out');
    const plan = await planExport({ source: { kind: 'folder', dir }, format: coco, output: out });
    expect(existsSync(out)).toBe(false);
    expect(plan).toMatchObject({
      items: 2,
      images: 2,
      emptyImages: 1,
      annotations: { bbox: 1, polyline: 1 },
    });
    expect(plan.losses).toEqual([
      {
        feature: 'polyline',
        count: 1,
        treatment: {
          action: 'drop',
          reason: 'COCO segmentation holds closed polygons, not polylines',
        },
      },
    ]);
    // classes count objects in the source, whatever the format keeps (the polyline is a car too)
    expect(plan.classes.map((c) => [c.code, c.count])).toEqual([
      ['car', 2],
      ['person', 0],
    ]);
    expect(plan.layout).toContain('annotations/instances_default.json');
  });

  it('the plan and the run agree on media the format does not hold (a video in COCO)', async () => {
    const dir = await folder('video', [
      { stem: 'img', anns: [box('B000000001', 'car')] },
      {
        stem: 'clip',
        anns: [],
        raw: JSON.stringify({
          annotations: {
            video_1: [
              { id: 'V000000001', tool: 'bounding_box', classification: { class: 'car' } },
              { id: 'V000000002', tool: 'bounding_box', classification: { class: 'person' } },
            ],
          },
          annotationsData: {
            video_1: [
              { id: 'V000000001', coordinate: { x: 1, y: 1, width: 2, height: 2 } },
              { id: 'V000000002', coordinate: { x: 3, y: 3, width: 2, height: 2 } },
            ],
          },
        }),
        media: { name: 'clip.mp4', bytes: Buffer.from('not really a video') },
      },
    ]);
    const request = { source: { kind: 'folder' as const, dir }, format: coco };
    const plan = await planExport({ ...request, output: join(root, 'video-plan') });
    expect(plan.withheld).toEqual([
      { kind: 'video', count: 2, reason: 'COCO holds image media only, not video' },
    ]);
    // the source holds 3 boxes; the format is given the image's one
    expect(plan.annotations).toEqual({ bbox: 3 });
    expect(plan.treatments.map((t) => [t.feature, t.count])).toEqual([['bbox', 1]]);
    const summary = await runExport({ ...request, output: join(root, 'video-out') });
    expect(summary.dropped.map((g) => [g.kind, g.count, g.reason])).toEqual([
      ['bbox', 2, 'COCO holds image media only, not video'],
    ]);
    expect(cocoOf(summary.output).annotations).toHaveLength(1);
  });

  it('refuses a non-empty folder that is not a synx export, and re-exports into its own', async () => {
    const dir = join(root, 'plan');
    const busy = join(root, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'thesis.docx'), 'precious');
    await expect(
      runExport({ source: { kind: 'folder', dir }, format: coco, output: busy }),
    ).rejects.toMatchObject({ code: 'SYNX_INVALID_INPUT' });
    expect(readFileSync(join(busy, 'thesis.docx'), 'utf8')).toBe('precious');
    const out = join(root, 'twice');
    await runExport({ source: { kind: 'folder', dir }, format: coco, output: out });
    await runExport({ source: { kind: 'folder', dir }, format: coco, output: out });
    expect(cocoOf(out).images).toHaveLength(2);
  });
});

describe('classes', () => {
  it('without project.json the classes are the sorted names found, with a warning', async () => {
    const dir = await folder(
      'discovered',
      [{ stem: 'a', anns: [box('A000000001', 'zebra'), box('A000000002', 'ant')] }],
      null,
    );
    const out = join(root, 'discovered-out');
    const summary = await runExport({ source: { kind: 'folder', dir }, format: coco, output: out });
    expect(summary.classes).toMatchObject({
      origin: 'discovered',
      entries: [{ code: 'ant' }, { code: 'zebra' }],
    });
    expect(summary.firstIssues[0]).toMatchObject({
      code: 'SYNX_CLASSES_DISCOVERED',
      severity: 'warning',
    });
    expect(summary.firstIssues[0]?.message).toContain('ids may change between exports');
  });

  it('without project.json but with a user class map, no warning that ids may change', async () => {
    const dir = await folder(
      'discovered-mapped',
      [{ stem: 'a', anns: [box('A000000001', 'zebra'), box('A000000002', 'ant')] }],
      null,
    );
    const summary = await runExport({
      source: { kind: 'folder', dir },
      format: coco,
      output: join(root, 'discovered-mapped-out'),
      classMap: classMapFromList([{ name: 'zebra' }, { name: 'ant' }]),
    });
    expect(summary.classes.entries.map((e) => e.code)).toEqual(['zebra', 'ant']);
    expect(summary.firstIssues.map((i) => i.code)).not.toContain('SYNX_CLASSES_DISCOVERED');
  });

  it('a user class map fixes the order; a class outside it gets no id and is reported', async () => {
    const dir = await folder('mapped', [
      { stem: 'a', anns: [box('A000000001', 'car'), box('A000000002', 'person')] },
    ]);
    const out = join(root, 'mapped-out');
    const summary = await runExport({
      source: { kind: 'folder', dir },
      format: coco,
      output: out,
      classMap: classMapFromList([{ name: 'person' }]),
    });
    const c = JSON.parse(
      readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8'),
    ) as { categories: { id: number; name: string }[]; annotations: unknown[] };
    expect(c.categories).toEqual([{ id: 1, name: 'person', supercategory: '' }]);
    expect(c.annotations).toHaveLength(1);
    expect(summary.firstIssues.map((i) => i.code)).toContain('SYNX_DM_UNKNOWN_CLASS');
  });
});

describe('file names', () => {
  it('resolves name collisions deterministically (case-insensitively) and keeps non-ASCII names', async () => {
    const dir = await folder('names', [
      { stem: 'same', anns: [] },
      { stem: 'SAME', anns: [] },
      { stem: '猫_café', anns: [] },
    ]);
    const out = join(root, 'names-out');
    await runExport({ source: { kind: 'folder', dir }, format: coco, output: out });
    // items come in code-unit order of their stems: SAME, same, 猫_café
    expect(cocoOf(out).images.map((i) => i.file_name)).toEqual([
      'SAME.jpg',
      'same__same.jpg',
      '猫_café.jpg',
    ]);
  });
});

describe('EXIF orientation: sizes are the image as a browser displays it', () => {
  it('swaps width and height for orientation 6 (generated JPEG)', async () => {
    const dir = await folder('exif', [
      {
        stem: 'rot',
        anns: [box('R000000001', 'car', 10, 10, 100, 20)],
        media: { name: 'rot.jpg', bytes: encodeJpeg({ width: 300, height: 200, orientation: 6 }) },
      },
      {
        stem: 'up',
        anns: [],
        media: { name: 'up.jpg', bytes: encodeJpeg({ width: 300, height: 200, orientation: 1 }) },
      },
    ]);
    const out = join(root, 'exif-out');
    const summary = await runExport({ source: { kind: 'folder', dir }, format: coco, output: out });
    expect(cocoOf(out).images.map((i) => [i.file_name, i.width, i.height])).toEqual([
      ['rot.jpg', 200, 300],
      ['up.jpg', 300, 200],
    ]);
    expect(summary.counts.orientedImages).toBe(1);
  });

  const exif = sharedFixture('exif-orientation');
  it.skipIf(exif === undefined)(
    'reads the real Landscape_1/Landscape_6 photos as 1800×1200 both',
    async () => {
      const dir = join(root, 'exif-real');
      const w = new SynapseFolderWriter(dir);
      for (const n of ['Landscape_1', 'Landscape_6']) {
        await w.write({
          stem: n,
          data: { annotations: { image_1: [] } },
          media: { name: `${n}.jpg`, copyFrom: join(exif ?? '', `${n}.jpg`) },
        });
      }
      const out = join(root, 'exif-real-out');
      await runExport({ source: { kind: 'folder', dir }, format: coco, output: out });
      expect(cocoOf(out).images.map((i) => [i.file_name, i.width, i.height])).toEqual([
        ['Landscape_1.jpg', 1800, 1200],
        ['Landscape_6.jpg', 1800, 1200],
      ]);
    },
  );
});

describe('outputs, class counts and progress', () => {
  it("carries the writer's outputs and the class counts into the summary and the manifest", async () => {
    const dir = await folder('outputs', [
      { stem: 'a', anns: [box('A1', 'car'), box('A2', 'car'), box('A3', 'person')] },
      { stem: 'b', anns: [box('B1', 'car'), box('B2', 'truck')] },
    ]);
    const out = join(root, 'outputs-out');
    const progress: ExportProgress[] = [];
    const summary = await runExport({
      source: { kind: 'folder', dir },
      format: coco,
      output: out,
      onProgress: (p) => progress.push(p),
    });
    const c = cocoOf(out);
    expect(summary.outputs).toEqual([
      {
        path: 'annotations/instances_default.json',
        images: c.images.length,
        annotations: c.annotations.length,
      },
      { path: 'classes.json' },
    ]);
    // the unknown class is not in the class map and reached no output
    expect(summary.classes.entries.map((e) => [e.code, e.annotations])).toEqual([
      ['car', 3],
      ['person', 1],
    ]);
    expect(summary.loadHint).toBe(`pycocotools: COCO("${out}/annotations/instances_default.json")`);
    const manifest = JSON.parse(
      readFileSync(join(out, 'synx-export.json'), 'utf8'),
    ) as ExportManifest;
    expect(manifest.outputs).toEqual(summary.outputs);
    expect(manifest.classes).toEqual(summary.classes);
    // the last progress event counts every annotation handed to the format
    expect(progress.at(-1)).toEqual({ phase: 'finish', items: 2, total: 2, annotations: 5 });
  });

  it('a writer that gives no outputs gets an empty list; bad entries are left out with a warning', async () => {
    const dir = await folder('no-outputs', [{ stem: 'a', anns: [box('A1', 'car')] }]);
    const lines = (outputs?: unknown): Format<unknown> => ({
      apiVersion: 1,
      id: 'lines',
      title: 'Lines',
      describe: () => ({ kinds: {}, splits: false, layout: () => [], owns: [] }),
      write: async (input, _to, _o, ctx) => {
        for await (const e of input.items) {
          for (const m of e.item.media) {
            for (const a of m.annotations) {
              ctx.account({ item: e.item, media: m, annotation: a, outcome: 'written' });
            }
          }
        }
        return { files: 0, ...(outputs === undefined ? {} : { outputs }) } as never;
      },
    });
    const none = await runExport({
      source: { kind: 'folder', dir },
      format: lines(),
      output: join(root, 'no-outputs-1'),
    });
    expect(none.outputs).toEqual([]);
    expect(none.loadHint).toBeUndefined();
    const bad = await runExport({
      source: { kind: 'folder', dir },
      format: lines([
        { path: 'ok.txt', annotations: 1 },
        { path: '../escape.txt' },
        { path: '/abs.txt' },
        { path: 'half.txt', images: -1 },
      ]),
      output: join(root, 'no-outputs-2'),
    });
    expect(bad.outputs).toEqual([{ path: 'ok.txt', annotations: 1 }]);
    expect(bad.status).toBe('complete');
    expect(
      bad.firstIssues.filter((i) => i.code === 'SYNX_PLUGIN_INVALID').map((i) => i.severity),
    ).toEqual(['warning', 'warning', 'warning']);
  });
});
