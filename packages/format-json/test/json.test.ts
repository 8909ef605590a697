import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classMapFromList, convertDmV1, IssueCollector, type Item } from '@synx/model';
import type { AnnotationOutcome, ExportItem, FormatContext } from '@synx/plugin-api';
import { afterAll, describe, expect, it } from 'vitest';
import { recordingContext } from '@synx/format-testkit';
import { jsonFormat } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'synx-json-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const ctx = (outcomes: AnnotationOutcome[] = []): FormatContext =>
  recordingContext({ outcomes }).ctx;

// Unusual but valid JSON text: Python-style indentation, unicode escapes, a trailing space.
const RAW =
  '{\n    "annotations": {\n        "image_1": [{"id": "A", "tool": "polyline", "classification": {"class": "l\\u00e4ne"}}]\n    },\n    "annotationsData": {"image_1": [{"id": "A", "coordinate": [{"x": 1.50, "y": 2}, {"x": 3e0, "y": 4}]}]}\n} ';

function item(stem: string, raw: string): Item {
  const { media, dmKeys } = convertDmV1(JSON.parse(raw), {
    itemId: stem,
    reporter: new IssueCollector(),
  });
  return { id: stem, sourceKind: 'folder', key: stem, stem, media, dmKeys, raw };
}

describe('raw JSON format', () => {
  it("writes each item's DM v1 text byte-for-byte and accounts every annotation as written", async () => {
    const dir = join(root, 'plain');
    const outcomes: AnnotationOutcome[] = [];
    const items = [item('a', RAW), item('b', '{}')];
    async function* gen(): AsyncGenerator<ExportItem> {
      for (const it of items) {
        yield { item: it, split: undefined, images: [], stem: it.stem };
      }
    }
    const cmap = classMapFromList([]);
    const result = await jsonFormat.write!(
      {
        classes: cmap,
        keypointNames: [],
        items: gen(),
        splits: undefined,
      },
      { dir },
      {},
      ctx(outcomes),
    );
    expect(result.files).toBe(2);
    expect(readFileSync(join(dir, 'json', 'a.json'), 'utf8')).toBe(RAW);
    expect(readFileSync(join(dir, 'json', 'b.json'), 'utf8')).toBe('{}');
    expect(outcomes.map((o) => [o.annotation.kind, o.outcome])).toEqual([['polyline', 'written']]);
  });

  it("lays splits out as <split>/json/ like the SDK's categorised folders", async () => {
    const dir = join(root, 'split');
    async function* gen(): AsyncGenerator<ExportItem> {
      yield { item: item('a', '{}'), split: 'train', images: [], stem: 'a' };
      yield { item: item('b', '{}'), split: 'val', images: [], stem: 'b' };
    }
    const cmap = classMapFromList([]);
    await jsonFormat.write!(
      {
        classes: cmap,
        keypointNames: [],
        items: gen(),
        splits: ['train', 'val'],
      },
      { dir },
      {},
      ctx(),
    );
    expect(readFileSync(join(dir, 'train', 'json', 'a.json'), 'utf8')).toBe('{}');
    expect(readFileSync(join(dir, 'val', 'json', 'b.json'), 'utf8')).toBe('{}');
    expect(jsonFormat.describe({}).layout(['train', 'val'])).toContain('val/json/<stem>.json');
  });

  it('names each json/ folder with its item files, images and annotations, and how to load them', async () => {
    const dir = join(root, 'outputs');
    const two =
      '{"annotations": {"image_1": [{"id": "A", "tool": "polyline"}, {"id": "B", "tool": "polyline"}]}, "annotationsData": {"image_1": [{"id": "A", "coordinate": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}, {"id": "B", "coordinate": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}]}}';
    async function* gen(): AsyncGenerator<ExportItem> {
      yield { item: item('a', RAW), split: 'train', images: [], stem: 'a' };
      yield { item: item('b', two), split: 'train', images: [], stem: 'b' };
      yield { item: item('c', '{}'), split: 'val', images: [], stem: 'c' };
    }
    const cmap = classMapFromList([]);
    const result = await jsonFormat.write!(
      {
        classes: cmap,
        keypointNames: [],
        items: gen(),
        splits: ['train', 'val'],
      },
      { dir },
      {},
      ctx(),
    );
    /** Files, image media and annotations found in a folder of DM v1 files. */
    const counted = (folder: string) => {
      const docs = readdirSync(folder).map(
        (f) =>
          JSON.parse(readFileSync(join(folder, f), 'utf8')) as {
            annotations?: Record<string, unknown[]>;
          },
      );
      const media = docs.flatMap((d) => Object.entries(d.annotations ?? {}));
      return {
        files: docs.length,
        images: media.filter(([id]) => id.startsWith('image_')).length,
        annotations: media.reduce((sum, [, list]) => sum + list.length, 0),
      };
    };
    const train = counted(join(dir, 'train', 'json'));
    expect(train).toEqual({ files: 2, images: 2, annotations: 3 });
    expect(result.outputs).toEqual([
      { path: 'train/json/', ...train, split: 'train' },
      { path: 'val/json/', ...counted(join(dir, 'val', 'json')), split: 'val' },
    ]);
    expect(jsonFormat.describe({}).loadHint?.('out', ['train', 'val'])).toBe(
      'python: [json.load(open(p)) for p in Path("out").glob("*/json/*.json")] (Synapse DM v1, one file per item)',
    );
    expect(jsonFormat.describe({}).loadHint?.('out', undefined)).toContain('glob("json/*.json")');
  });

  it('reads a raw folder back, with discovered classes', async () => {
    const dir = join(root, 'read');
    mkdirSync(join(dir, 'json'), { recursive: true });
    writeFileSync(join(dir, 'json', 'a.json'), RAW);
    expect(await jsonFormat.detect!({ dir }, ctx())).toBe(60);
    const ds = await jsonFormat.read!({ dir }, {}, ctx());
    expect(ds.header.classes.entries.map((e) => e.code)).toEqual(['läne']);
    const got: Item[] = [];
    for await (const it of ds.items()) {
      got.push(it);
    }
    expect(got[0]?.raw).toBe(RAW);
    expect(got[0]?.media[0]?.annotations[0]).toMatchObject({
      kind: 'polyline',
      points: [
        { x: 1.5, y: 2 },
        { x: 3, y: 4 },
      ],
    });
  });

  it("reads classes in project.json's configured order and reports each item's issues once", async () => {
    const dir = join(root, 'read-project');
    mkdirSync(join(dir, 'json'), { recursive: true });
    writeFileSync(
      join(dir, 'project.json'),
      JSON.stringify({
        id: 7,
        configuration: {
          classification: {
            polyline: {
              classification_schema: [
                { code: 'zebra', name: 'Zebra' },
                { code: 'läne', name: 'Lane' },
              ],
            },
          },
        },
      }),
    );
    // An annotation without geometry: one SYNX_DM_MISSING_DATA issue.
    writeFileSync(
      join(dir, 'json', 'a.json'),
      '{"annotations": {"image_1": [{"id": "A", "tool": "polyline", "classification": {"class": "läne"}}]}}',
    );
    const reported: string[] = [];
    const c: FormatContext = {
      ...ctx(),
      report: (i) => reported.push(`${i.code} ${i.itemId ?? ''}`),
    };
    const ds = await jsonFormat.read!({ dir }, {}, c);
    expect(ds.header.classes.origin).toBe('project');
    expect(ds.header.classes.entries.map((e) => e.code)).toEqual(['zebra', 'läne']);
    const got: Item[] = [];
    for await (const it of ds.items()) {
      got.push(it);
    }
    expect(got.map((i) => i.id)).toEqual(['a']);
    expect(reported).toEqual(['SYNX_DM_MISSING_DATA a']);
  });
});
