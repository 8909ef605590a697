import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Annotation, Dataset, Item, Media } from '@synx/model';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  exportLocator,
  regenerateReport,
  renderReport,
  namedSkeleton,
  ReportCollector,
  writeReport,
  type ReportData,
  type ReportOptions,
  type ReportSummary,
} from '../src/index.js';

const base = { attributes: {}, tool: 'x' } as const;

function box(
  id: string,
  cls: string | null,
  x: number,
  y: number,
  w: number,
  h: number,
  rotation?: number,
): Annotation {
  return {
    ...base,
    id,
    kind: 'bbox',
    classCode: cls,
    x,
    y,
    width: w,
    height: h,
    ...(rotation === undefined ? {} : { rotation }),
  };
}

function image(annotations: Annotation[], width = 640, height = 480, name = 'a.jpg'): Media {
  return { id: 'image_1', kind: 'image', file: { name }, width, height, annotations };
}

function item(id: string, annotations: Annotation[], media?: Media): Item {
  return {
    id,
    key: `key-${id}`,
    stem: id,
    sourceKind: 'folder',
    media: [media ?? image(annotations, 640, 480, `${id}.jpg`)],
  };
}

const CLASSES = [
  { index: 0, code: 'car', name: 'Car' },
  { index: 1, code: 'person', name: 'Person' },
];

const OPTIONS: ReportOptions = {
  classes: CLASSES,
  keypointNames: ['nose', 'left_eye', 'right_eye'],
  skeleton: [
    [0, 1],
    [0, 2],
  ],
  splits: ['train', 'val'],
  ratios: [0.8, 0.2],
};

const SUMMARY: ReportSummary = {
  status: 'complete',
  project: { title: 'Streets' },
  format: { id: 'coco', title: 'COCO' },
  counts: {
    items: 3,
    images: 3,
    annotations: { in: { bbox: 4, polyline: 1 }, written: { bbox: 4 }, dropped: { polyline: 1 } },
  },
  converted: [],
  dropped: [
    {
      kind: 'polyline',
      outcome: 'dropped',
      reason: 'COCO holds no polylines',
      count: 1,
      items: ['b'],
    },
  ],
  issues: { errors: 0, warnings: 1, infos: 0, byCode: [] },
};

function threeItems(): ReportCollector {
  const c = new ReportCollector(OPTIONS);
  c.add(
    item('a', [box('1', 'car', 10, 20, 30, 40), box('2', 'person', 100, 100, 50, 120)]),
    'train',
    [],
  );
  c.add(item('b', [box('3', 'car', 0, 0, 64, 32)]), 'train', []);
  c.add(item('c', [box('4', 'car', 5, 5, 10, 10)]), 'val', []);
  return c;
}

describe('ReportCollector', () => {
  it('counts items, images and objects per split and class', () => {
    const data = threeItems().data();
    expect(data.splits.map((s) => s.name)).toEqual(['train', 'val']);
    expect(data.counts.items).toEqual([2, 1]);
    expect(data.counts.images).toEqual([2, 1]);
    expect(data.counts.objects).toEqual([3, 1]);
    expect(data.classObjects).toEqual([
      [2, 1],
      [1, 0],
    ]);
    expect(data.classImages).toEqual([
      [2, 1],
      [1, 0],
    ]);
    expect(data.boxSizes).toEqual({ small: 1, medium: 3, large: 0 });
    expect(data.splitUnknown).toBe(false);
  });

  it('puts items of an unknown split in a column of their own and says so', () => {
    const c = new ReportCollector(OPTIONS);
    c.add(item('a', []), 'train', []);
    c.add(item('b', []), undefined, []);
    const data = c.data();
    expect(data.splits.map((s) => s.label)).toEqual(['train', 'val', 'split not known']);
    expect(data.splitUnknown).toBe(true);
    expect(renderReport(data, {}, new Map())).toContain('not known from the files');
  });

  it('keeps a bounded sample: the K smallest SHA-256(seed\\0key) per split, whatever the order', () => {
    const items = Array.from({ length: 10_000 }, (_, i) =>
      item(`i${i}`, [box(`b${i}`, 'car', i % 600, 1, 5, 5)]),
    );
    const pick = (list: Item[]): string[][] => {
      const c = new ReportCollector({ ...OPTIONS, samplesPerSplit: 7, seed: 3 });
      list.forEach((it, i) => {
        c.add(it, i % 4 === 0 ? 'val' : 'train', []);
      });
      return c.data().samples.map((s) => s.map((e) => e.itemId));
    };
    const got = pick(items);
    expect(got.map((s) => s.length)).toEqual([7, 7]);
    const hash = (key: string): string => createHash('sha256').update(`3\0${key}`).digest('hex');
    const want = (split: number): string[] =>
      items
        .filter((_, i) => (i % 4 === 0 ? 1 : 0) === split)
        .sort((a, b) => (hash(a.key) < hash(b.key) ? -1 : 1))
        .slice(0, 7)
        .map((i) => i.id);
    expect(got).toEqual([want(0), want(1)]);
    // Same set in reverse order (the split of an item stays the same).
    const reversed = new ReportCollector({ ...OPTIONS, samplesPerSplit: 7, seed: 3 });
    for (let i = items.length - 1; i >= 0; i--) {
      reversed.add(items[i]!, i % 4 === 0 ? 'val' : 'train', []);
    }
    expect(reversed.data().samples.map((s) => s.map((e) => e.itemId))).toEqual(got);
    // The data stays small: counters and samples, not items.
    expect(JSON.stringify(reversed.data()).length).toBeLessThan(40_000);
  });
});

describe('renderReport', () => {
  it('shows the counts of the data and of the summary', () => {
    const html = renderReport(threeItems().data(), SUMMARY, new Map());
    expect(html).toMatch(
      /<\/i><\/span>train<\/td><td class="n">2<\/td><td class="n">66\.7%<\/td><td class="n">80\.0%<\/td><td class="n">2<\/td>/,
    );
    expect(html).toMatch(
      /<\/i><\/span>val<\/td><td class="n">1<\/td><td class="n">33\.3%<\/td><td class="n">20\.0%<\/td>/,
    );
    // class table: Car has 3 objects (2 train, 1 val)
    expect(html).toMatch(
      /Car<\/td><td><code>car<\/code><\/td><td class="n">3<\/td><td class="n">2<\/td><td class="n">1<\/td>/,
    );
    expect(html).toContain('COCO holds no polylines');
    expect(html).toContain('<b>3</b><span>items</span>');
    expect(html).toContain('<b>4</b><span>objects (instances)</span>');
    expect(html).toContain('<span class="badge complete">complete</span>');
  });

  it('escapes class names, reasons and item ids', () => {
    const c = new ReportCollector({
      ...OPTIONS,
      classes: [{ index: 0, code: '<script>', name: '<script>alert(1)</script>' }],
    });
    c.add(item('"><img src=x onerror=alert(1)>', [box('1', '<script>', 1, 1, 5, 5)]), 'train', []);
    const html = renderReport(
      c.data(),
      {
        ...SUMMARY,
        project: { title: '</title><script>x()</script>' },
        dropped: [{ kind: 'bbox', reason: '<b onmouseover="x()">', count: 1, items: ['<i>'] }],
      },
      new Map(),
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('<b onmouseover');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b onmouseover=&quot;x()&quot;&gt;');
  });

  it('is byte-identical for the same input', () => {
    const a = renderReport(threeItems().data(), SUMMARY, new Map());
    const b = renderReport(
      JSON.parse(JSON.stringify(threeItems().data())) as ReportData,
      SUMMARY,
      new Map(),
    );
    expect(a).toBe(b);
  });

  it('renders an empty manifest and no items', () => {
    const html = renderReport(
      new ReportCollector({ classes: [], keypointNames: [], splits: undefined }).data(),
      {},
      new Map(),
    );
    expect(html).toContain('<h2>Gallery</h2>');
    expect(html).toContain('The export is not split');
  });

  it('is self-contained: no script, no external reference, a CSP that forbids requests', () => {
    const html = renderReport(threeItems().data(), SUMMARY, new Map());
    expect(html).not.toMatch(/<script|<link|@import|url\(|https?:\/\//i);
    expect(html).toContain(
      `content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`,
    );
  });

  it('draws every geometry kind at its pixel coordinates', () => {
    const group: Annotation = {
      ...base,
      id: 'g',
      kind: 'group',
      classCode: 'person',
      members: ['p', 'k0', 'k1', 'k2'].map((annotationId) => ({ annotationId, children: [] })),
    };
    const annotations: Annotation[] = [
      box('b', 'car', 10, 20, 30, 40),
      box('r', 'car', 100, 100, 40, 20, Math.PI / 6),
      {
        ...base,
        id: 'p',
        kind: 'polygon',
        classCode: 'person',
        points: [
          { x: 1, y: 2 },
          { x: 50.5, y: 2 },
          { x: 25, y: 60.25 },
        ],
      },
      {
        ...base,
        id: 'l',
        kind: 'polyline',
        classCode: 'car',
        points: [
          { x: 5, y: 5 },
          { x: 15, y: 25 },
        ],
      },
      { ...base, id: 'k0', kind: 'keypoint', classCode: 'nose', x: 200, y: 210 },
      { ...base, id: 'k1', kind: 'keypoint', classCode: 'left_eye', x: 190, y: 200 },
      { ...base, id: 'k2', kind: 'keypoint', classCode: 'right_eye', x: 210, y: 200 },
      group,
      // pixels (3,1) (4,1) (3,2) of a 10-wide image
      { ...base, id: 'm', kind: 'mask', classCode: 'car', pixelIndices: [13, 14, 23] },
    ];
    const c = new ReportCollector({ ...OPTIONS, splits: undefined });
    c.add(item('geo', [], image(annotations, 10, 8, 'geo.png')), undefined, [
      { media: image(annotations, 10, 8, 'geo.png'), file: 'images/geo.png' },
    ]);
    const thumb = { href: 'data:image/jpeg;base64,AAAA', width: 10, height: 8 };
    const html = renderReport(c.data(), {}, new Map([['images/geo.png', thumb]]));
    expect(html).toContain('<svg class="sample" viewBox="0 0 10 8" width="10" height="8"');
    expect(html).toContain(
      '<image href="data:image/jpeg;base64,AAAA" x="0" y="0" width="10" height="8" preserveAspectRatio="none"/>',
    );
    expect(html).toMatch(
      /<rect data-kind="bbox" [^>]*data-class="car" data-x="10" data-y="20" data-w="30" data-h="40" x="10" y="20" width="30" height="40"/,
    );
    expect(html).toMatch(
      /<rect data-kind="rotated-bbox" [^>]*x="100" y="100" width="40" height="20" transform="rotate\(30 120 110\)"/,
    );
    expect(html).toMatch(
      /<polygon data-kind="polygon" [^>]*data-class="person" points="1,2 50\.5,2 25,60\.25"/,
    );
    expect(html).toMatch(/<polyline data-kind="polyline" [^>]*points="5,5 15,25" fill="none"/);
    expect(html).toMatch(
      /<circle data-kind="keypoint" [^>]*data-keypoint="nose" cx="200" cy="210"/,
    );
    expect(html).toMatch(/<line data-kind="edge" [^>]*x1="200" y1="210" x2="190" y2="200"/);
    expect(html).toMatch(/<line data-kind="edge" [^>]*x1="200" y1="210" x2="210" y2="200"/);
    expect(html).toMatch(/<path data-kind="mask" [^>]*d="M3 1h2v1h-2zM3 2h1v1h-1z"/);
    // without a skeleton, COCO's person skeleton by keypoint names (nose–eyes, eye–eye here)
    const named = new ReportCollector({ ...OPTIONS, splits: undefined, skeleton: undefined });
    named.add(item('geo', [], image(annotations, 10, 8)), undefined, []);
    const namedHtml = renderReport(named.data(), {}, new Map());
    expect(namedHtml.match(/data-kind="edge"/g)?.length).toBe(3);
    expect(namedHtml).toContain('<title>left_eye – right_eye</title>');
    // names COCO does not know: no edge is drawn
    const plain = new ReportCollector({
      ...OPTIONS,
      keypointNames: ['a', 'b', 'c'],
      splits: undefined,
      skeleton: undefined,
    });
    plain.add(item('geo', [], image(annotations, 10, 8)), undefined, []);
    expect(renderReport(plain.data(), {}, new Map())).not.toContain('data-kind="edge"');
    expect(namedSkeleton(['Left Eye', 'nose', 'right-eye', 'tail'])).toEqual([
      [0, 2],
      [1, 0],
      [1, 2],
    ]);
  });
});

describe('writeReport', () => {
  it('embeds thumbnails of saved originals and marks missing ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synx-report-'));
    mkdirSync(join(dir, 'images'));
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
      .jpeg()
      .toFile(join(dir, 'images', 'a.jpg'));
    const c = new ReportCollector({ ...OPTIONS, splits: undefined });
    c.add(
      item(
        'a',
        [box('1', 'car', 1, 1, 10, 10)],
        image([box('1', 'car', 1, 1, 10, 10)], 64, 48, 'a.jpg'),
      ),
      undefined,
      [{ media: image([box('1', 'car', 1, 1, 10, 10)], 64, 48, 'a.jpg'), file: 'images/a.jpg' }],
    );
    c.add(item('b', []), undefined, [{ media: image([], 64, 48, 'b.jpg'), file: 'images/b.jpg' }]);
    const path = await writeReport(dir, c.data(), SUMMARY);
    expect(path).toBe(join(dir, 'report.html'));
    expect(existsSync(`${path}.partial`)).toBe(false);
    const html = readFileSync(path, 'utf8');
    expect(html).toMatch(
      /<image href="data:image\/jpeg;base64,[A-Za-z0-9+/=]+" x="0" y="0" width="64" height="48"/,
    );
    expect(html).toContain('media not saved');
    expect(readFileSync(path, 'utf8')).toBe(html);
    await writeReport(dir, c.data(), SUMMARY);
    expect(readFileSync(path, 'utf8')).toBe(html);
  });
});

describe('reading an export back', () => {
  it('finds splits from paths, media folders and split lists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synx-report-'));
    mkdirSync(join(dir, 'images', 'val'), { recursive: true });
    writeFileSync(join(dir, 'images', 'val', 'm.jpg'), 'x');
    mkdirSync(join(dir, 'sets'), { recursive: true });
    writeFileSync(join(dir, 'sets', 'train.txt'), 'listed\nother\n');
    const locator = await exportLocator(dir, ['train', 'val'], {
      mediaDir: (s) => (s === undefined ? 'images' : `images/${s}`),
      layout: (splits) => (splits ?? []).map((s) => `sets/${s}.txt (one stem per line)`),
    });
    const at = (over: Partial<Item>): Item => ({ ...item('x', []), ...over });
    expect(locator.splitOf(at({ key: `${dir}/annotations/instances_val.json#3` }))).toBe('val');
    expect(locator.splitOf(at({ id: 'train/x' }))).toBe('train');
    expect(locator.splitOf(at({ gtCategory: 'validation' }))).toBe('val');
    expect(locator.splitOf(at({ media: [image([], 1, 1, 'm.jpg')] }))).toBe('val');
    expect(locator.splitOf(at({ stem: 'listed', key: 'listed' }))).toBe('train');
    expect(locator.splitOf(at({ key: '/elsewhere/train/x.json#1' }))).toBeUndefined();
    const m = image([], 1, 1, 'm.jpg');
    expect(locator.mediaOf(at({}), m, 'val')).toBe('images/val/m.jpg');
    expect(locator.mediaOf(at({}), m, undefined)).toBe('images/val/m.jpg');
    expect(locator.mediaOf(at({}), image([], 1, 1, 'none.jpg'), 'val')).toBeUndefined();
  });

  it('regenerates the report from a reader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synx-report-'));
    const items = [
      item('train/a', [box('1', 'Car', 1, 1, 10, 10)]),
      item('val/b', [box('2', 'car', 1, 1, 10, 10)]),
    ];
    const dataset: Dataset = {
      header: {
        source: { kind: 'synapse-folder' },
        classes: { origin: 'class-map', entries: [] },
        keypointNames: [],
        mediaKinds: ['image'],
      },
      items: async function* () {
        yield* items;
      },
    };
    const result = await regenerateReport({
      dir,
      manifest: {
        format: { id: 'test' },
        classes: { entries: [{ index: 0, code: 'car', name: 'Car' }] },
        split: { names: ['train', 'val'], ratios: [0.5, 0.5], items: [1, 1] },
      },
      read: () => Promise.resolve(dataset),
      layout: {},
    });
    expect(result).toMatchObject({ items: 2, splits: { train: 1, val: 1 }, splitKnown: true });
    const html = readFileSync(result.path, 'utf8');
    // "Car" (a name, as YOLO readers give it) and "car" (the code) are one class
    expect(html).toMatch(/Car<\/td><td><code>car<\/code><\/td><td class="n">2<\/td>/);
  });
});
