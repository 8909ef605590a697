import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_MESSAGES, REPORTED_AT_SOURCE, type AnnotationOutcome } from '@synx/plugin-api';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { VOC_MESSAGES, VocOptionsSchema, vocFormat } from '../src/index.js';
import {
  box,
  bndbox,
  classMap,
  fakeContext,
  item,
  lines,
  readOurs,
  tempDir,
  write,
} from './helpers.js';

const devkit = (dir: string, ...parts: string[]) => join(dir, 'VOCdevkit', 'VOC2012', ...parts);

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

describe('VOC writer: files and XML', () => {
  it('writes one XML per image (also without objects) in the devkit layout, with a labelmap', async () => {
    const [a, d] = box('b1', 'person', { x: 10, y: 20, width: 30, height: 40 });
    const { dir, outcomes, issues, result } = await write(
      [item('one', [a], [d]), item('empty', [], [])],
      {},
      undefined,
      classMap([{ code: 'car', color: '#FF8000' }, 'person']),
    );
    const one = readOurs(devkit(dir, 'Annotations', 'one.xml'));
    expect(one).toEqual({
      folder: 'VOC2012',
      filename: 'one.jpg',
      source: { database: 'synx', annotation: 'Synapse' },
      size: { width: '100', height: '80', depth: '3' },
      segmented: '0',
      object: [
        {
          name: 'person',
          pose: 'Unspecified',
          truncated: '0',
          difficult: '0',
          occluded: '0',
          bndbox: { xmin: '11', ymin: '21', xmax: '40', ymax: '60' },
        },
      ],
    });
    const empty = readOurs(devkit(dir, 'Annotations', 'empty.xml'));
    expect(empty.object).toBeUndefined();
    expect(empty.size).toEqual({ width: '100', height: '80', depth: '3' });
    const text = readFileSync(devkit(dir, 'Annotations', 'one.xml'), 'utf8');
    expect(
      text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<annotation>\n  <folder>'),
    ).toBe(true);
    expect(lines(devkit(dir, 'ImageSets', 'Main', 'trainval.txt'))).toEqual(['one', 'empty']);
    expect(readFileSync(devkit(dir, 'ImageSets', 'Main', 'trainval.txt'), 'utf8')).toBe(
      'one\nempty\n',
    );
    expect(readFileSync(devkit(dir, 'labelmap.txt'), 'utf8')).toBe(
      '# label:color_rgb:parts:actions\ncar:255,128,0::\nperson:::\n',
    );
    expect(readdirSync(devkit(dir, 'ImageSets', 'Main'))).toEqual(['trainval.txt']);
    expect(existsSync(devkit(dir, 'JPEGImages'))).toBe(false);
    expect(result.files).toBe(4);
    expect(outcomes.map((o) => o.outcome)).toEqual(['written']);
    expect(issues).toEqual([]);
  });

  it('layout=flat puts the same folders at the output root; year names the devkit folder', async () => {
    const { dir } = await write([item('x', [], [])], { layout: 'flat' });
    expect(readdirSync(dir).sort()).toEqual(['Annotations', 'ImageSets', 'labelmap.txt']);
    const { dir: d2 } = await write([item('x', [], [])], { year: '2007' });
    expect(readOurs(join(d2, 'VOCdevkit', 'VOC2007', 'Annotations', 'x.xml')).folder).toBe(
      'VOC2007',
    );
  });

  it('escapes hostile class names, attributes and file names; every file is well-formed', async () => {
    const hostile = '=HYPERLINK("a<b>&c")';
    const [a, d] = box(
      'b1',
      hostile,
      { x: 1, y: 1, width: 5, height: 5 },
      {
        pose: "Left' & <Right>",
        note: '</value></attribute><injected>1</injected>',
        'we"ird<key>': 'x',
        tags: ['a', 'b&c'],
        control: 'bell\u0007here',
      },
    );
    const name = 'Ünïcödé — 写真 & <co>.jpg';
    const { dir, outcomes } = await write(
      [item('u', [a], [d], { fileName: name })],
      {},
      undefined,
      classMap([hostile]),
    );
    const files = readdirSync(devkit(dir, 'Annotations'));
    expect(files).toEqual(['Ünïcödé — 写真 & <co>.xml']);
    const path = devkit(dir, 'Annotations', files[0]!);
    const text = readFileSync(path, 'utf8');
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- fast-xml-parser's own validator, as the reader uses
    expect(XMLValidator.validate(text)).toBe(true);
    expect(text).toContain('<name>=HYPERLINK(&quot;a&lt;b&gt;&amp;c&quot;)</name>');
    expect(text).not.toContain('<injected>');
    const doc = readOurs(path);
    expect(doc.filename).toBe(name);
    const o = doc.object![0]!;
    expect(o.name).toBe(hostile);
    expect(o.pose).toBe("Left' & <Right>");
    expect(o.attributes?.attribute).toEqual([
      { name: 'note', value: '</value></attribute><injected>1</injected>' },
      { name: 'we"ird<key>', value: 'x' },
      { name: 'tags', value: '["a","b&c"]' },
      { name: 'control', value: 'bell\uFFFDhere' },
    ]);
    expect(readFileSync(devkit(dir, 'labelmap.txt'), 'utf8')).toContain(`${hostile}:::\n`);
    expect(outcomes.map((x) => x.outcome)).toEqual(['written']);
  });

  it.skipIf(!hasXmllint)('xmllint --noout accepts every file', async () => {
    const [a, d] = box(
      'b1',
      '=HYPERLINK("a<b>&c")',
      { x: 1, y: 1, width: 5, height: 5 },
      { note: "it's <b>&amp;</b>" },
    );
    const { dir } = await write(
      [item('u', [a], [d], { fileName: 'Ünïcödé & <co>.jpg' }), item('e', [], [])],
      {},
      undefined,
      classMap(['=HYPERLINK("a<b>&c")']),
    );
    const files = readdirSync(devkit(dir, 'Annotations')).map((f) => devkit(dir, 'Annotations', f));
    const run = spawnSync('xmllint', ['--noout', ...files], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('VOC writer: outputs', () => {
  it('names the Annotations folder (files, images, objects) and each image-set file (images)', async () => {
    const [a, d] = box('b1', 'person', { x: 10, y: 20, width: 30, height: 40 });
    const [c, cd] = box('b2', 'car', { x: 1, y: 2, width: 3, height: 4 });
    const [u, ud] = box('b3', 'truck', { x: 1, y: 2, width: 3, height: 4 });
    const { dir, result } = await write(
      [item('one', [a, c], [d, cd]), item('two', [u], [ud]), item('three', [c], [cd])],
      {},
      ['train', 'val', 'train'],
    );
    const xml = readdirSync(devkit(dir, 'Annotations'));
    const objects = xml.reduce(
      (sum, f) => sum + (readOurs(devkit(dir, 'Annotations', f)).object?.length ?? 0),
      0,
    );
    const set = (name: string) => lines(devkit(dir, 'ImageSets', 'Main', `${name}.txt`)).length;
    // the unknown class is no object: 3 objects in 3 files
    expect(objects).toBe(3);
    expect(result.outputs).toEqual([
      {
        path: 'VOCdevkit/VOC2012/Annotations/',
        files: xml.length,
        images: xml.length,
        annotations: objects,
      },
      { path: 'VOCdevkit/VOC2012/ImageSets/Main/train.txt', images: set('train'), split: 'train' },
      { path: 'VOCdevkit/VOC2012/ImageSets/Main/val.txt', images: set('val'), split: 'val' },
      { path: 'VOCdevkit/VOC2012/ImageSets/Main/trainval.txt', images: set('trainval') },
      { path: 'VOCdevkit/VOC2012/labelmap.txt' },
    ]);
    expect(set('trainval')).toBe(3);
  });

  it('load hints: torchvision with the root, year and an image set it wrote; Datumaro for flat', async () => {
    const { dir } = await write([item('x', [], [])], {}, ['train']);
    const hint = vocFormat.describe(VocOptionsSchema.parse({})).loadHint?.(dir, ['train']) ?? '';
    expect(hint).toBe(
      `torchvision: VOCDetection(root="${dir}", year="2012", image_set="train") (images from JPEGImages/<stem>.jpg)`,
    );
    // what VOCDetection opens: <root>/VOCdevkit/VOC<year>/ImageSets/Main/<image_set>.txt
    expect(existsSync(devkit(dir, 'ImageSets', 'Main', 'train.txt'))).toBe(true);
    const describe = (o: object) => vocFormat.describe(VocOptionsSchema.parse(o));
    expect(describe({ year: '2007' }).loadHint?.('out', undefined)).toContain(
      'VOCDetection(root="out", year="2007", image_set="trainval")',
    );
    expect(describe({ year: '2011' }).loadHint?.('out', undefined)).toContain('--option year=2012');
    expect(describe({ layout: 'flat' }).loadHint?.('out', undefined)).toBe(
      'datumaro: Dataset.import_from("out", "voc")',
    );
  });
});

describe('VOC writer: coordinates', () => {
  it('one-based (default): xmin = round(x) + 1, xmax = round(x + width), clamped and counted', async () => {
    const anns = [
      box('a', 'car', { x: 0, y: 0, width: 100, height: 80 }),
      box('b', 'car', { x: 10.4, y: 9.6, width: 0.2, height: 0.3 }),
      box('c', 'car', { x: -5, y: 70, width: 20, height: 30 }),
      box('d', 'car', { x: 200, y: 10, width: 10, height: 10 }),
      box('z', 'car', { x: 5, y: 5, width: 0, height: 3 }),
    ];
    const { dir, outcomes } = await write([
      item(
        'c',
        anns.map((x) => x[0]),
        anns.map((x) => x[1]),
      ),
    ]);
    const objs = readOurs(devkit(dir, 'Annotations', 'c.xml')).object!;
    expect(objs.map(bndbox)).toEqual([
      [1, 1, 100, 80],
      [11, 11, 11, 11],
      [1, 71, 15, 80],
    ]);
    expect(outcomes.map((o) => [o.annotation.id, o.outcome, o.reason])).toEqual([
      ['a', 'written', undefined],
      ['b', 'written', undefined],
      ['c', 'converted', VOC_MESSAGES.clamped],
      ['d', 'dropped', VOC_MESSAGES.outside],
      ['z', 'dropped', VOC_MESSAGES.zeroArea],
    ]);
  });

  it('zero-based: xmin = round(x), xmax = round(x + width), within [0, W]', async () => {
    const anns = [
      box('a', 'car', { x: 0, y: 0, width: 100, height: 80 }),
      box('b', 'car', { x: 10.4, y: 9.6, width: 0.2, height: 0.3 }),
      box('c', 'car', { x: 99.8, y: 79.9, width: 0.1, height: 0.1 }),
    ];
    const { dir, outcomes } = await write(
      [
        item(
          'c',
          anns.map((x) => x[0]),
          anns.map((x) => x[1]),
        ),
      ],
      { coordinates: 'zero-based' },
    );
    expect(readOurs(devkit(dir, 'Annotations', 'c.xml')).object!.map(bndbox)).toEqual([
      [0, 0, 100, 80],
      [10, 10, 11, 11],
      [99, 79, 100, 80],
    ]);
    // Keeping a sub-pixel box one pixel wide is rounding, not clamping.
    expect(outcomes.map((o) => o.outcome)).toEqual(['written', 'written', 'written']);
  });

  it('an unknown image size: width/height 0 with a warning, boxes still written, not clamped', async () => {
    const [a, d] = box('a', 'car', { x: 500, y: 10, width: 20, height: 10 });
    const { dir, issues, outcomes } = await write([
      item('s', [a], [d], { size: null, depth: null }),
    ]);
    const doc = readOurs(devkit(dir, 'Annotations', 's.xml'));
    expect(doc.size).toEqual({ width: '0', height: '0', depth: '3' });
    expect(doc.object!.map(bndbox)).toEqual([[501, 11, 520, 20]]);
    expect(issues.map((i) => [i.code, i.severity, i.itemId, i.mediaId])).toEqual([
      ['SYNX_VOC_SIZE_UNKNOWN', 'warning', 's', 'image_1'],
      ['SYNX_VOC_DEPTH_UNKNOWN', 'warning', 's', 'image_1'],
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['written']);
  });

  it('writes the depth from the image header (grey images: 1)', async () => {
    const { dir, issues } = await write([item('g', [], [], { depth: 1 })]);
    expect(readOurs(devkit(dir, 'Annotations', 'g.xml')).size.depth).toBe('1');
    expect(issues).toEqual([]);
  });
});

describe('VOC writer: attributes', () => {
  it('takes pose/truncated/difficult/occluded case-insensitively and normalises flags', async () => {
    const anns = [
      box(
        'a',
        'car',
        { x: 0, y: 0, width: 1, height: 1 },
        { Pose: 'Frontal', TRUNCATED: true, Difficult: 'yes', occluded: '0', colour: 'red' },
      ),
      box('b', 'car', { x: 0, y: 0, width: 1, height: 1 }, { truncated: 1, difficult: 'false' }),
      box('c', 'car', { x: 0, y: 0, width: 1, height: 1 }, { truncated: 'partly', n: 3 }),
    ];
    const { dir } = await write([
      item(
        'a',
        anns.map((x) => x[0]),
        anns.map((x) => x[1]),
      ),
    ]);
    const objs = readOurs(devkit(dir, 'Annotations', 'a.xml')).object!;
    const flags = (o: (typeof objs)[number]) => [o.pose, o.truncated, o.difficult, o.occluded];
    expect(objs.map(flags)).toEqual([
      ['Frontal', '1', '1', '0'],
      ['Unspecified', '1', '0', '0'],
      ['Unspecified', '0', '0', '0'],
    ]);
    expect(objs[0]!.attributes?.attribute).toEqual([{ name: 'colour', value: 'red' }]);
    expect(objs[1]!.attributes).toBeUndefined();
    // A value that is no plain yes/no is kept as it was, beside the 0 it reads as.
    expect(objs[2]!.attributes?.attribute).toEqual([
      { name: 'truncated', value: 'partly' },
      { name: 'n', value: '3' },
    ]);
  });

  it('attr=field:attribute maps attributes to VOC fields (repeated or comma-separated)', async () => {
    const [a, d] = box(
      'a',
      'car',
      { x: 0, y: 0, width: 1, height: 1 },
      { hard: '1', cut: 'true', view: 'Rear', difficult: '0' },
    );
    const { dir } = await write([item('a', [a], [d])], {
      attr: ['difficult:hard', 'truncated:cut,pose:View'],
    });
    const o = readOurs(devkit(dir, 'Annotations', 'a.xml')).object![0]!;
    expect([o.pose, o.truncated, o.difficult, o.occluded]).toEqual(['Rear', '1', '1', '0']);
    expect(o.attributes?.attribute).toEqual([{ name: 'difficult', value: '0' }]);
  });

  it('validates options (values arrive as strings)', () => {
    expect(VocOptionsSchema.parse({})).toEqual({
      layout: 'devkit',
      year: '2012',
      coordinates: 'one-based',
      attr: {},
    });
    expect(VocOptionsSchema.parse({ attr: 'difficult:hard', year: 2007 })).toMatchObject({
      attr: { difficult: 'hard' },
      year: '2007',
    });
    expect(VocOptionsSchema.safeParse({ attr: 'colour:red' }).success).toBe(false);
    expect(VocOptionsSchema.safeParse({ layout: 'nested' }).success).toBe(false);
    expect(VocOptionsSchema.safeParse({ year: '12' }).success).toBe(false);
  });
});

/** Outcome totals per kind; every annotation must be accounted exactly once. */
function totals(outcomes: AnnotationOutcome[]) {
  const by: Record<string, { written: number; converted: number; dropped: number }> = {};
  for (const o of outcomes) {
    const t = (by[o.annotation.kind] ??= { written: 0, converted: 0, dropped: 0 });
    t[o.outcome]++;
  }
  return by;
}

describe('VOC writer: conversions and drops', () => {
  it('converts rotated boxes, polygons, masks and keypoint-only objects; drops the rest with reasons', async () => {
    const anns = [
      { id: 'r', tool: 'bounding_box', classification: { class: 'car' } },
      { id: 'p1', tool: 'polygon', classification: { class: 'car' } },
      { id: 'p2', tool: 'polygon', classification: { class: 'car' } },
      { id: 'gp', tool: 'annotationGroup', classification: { class: 'car' } },
      { id: 'm', tool: 'segmentation', classification: { class: 'person' } },
      { id: 'k1', tool: 'keypoint', classification: { class: 'nose' } },
      { id: 'k2', tool: 'keypoint', classification: { class: 'eye' } },
      { id: 'gk', tool: 'annotationGroup', classification: { class: 'person', difficult: '1' } },
      { id: 'b', tool: 'bounding_box', classification: { class: 'person' } },
      { id: 'bp', tool: 'polygon', classification: { class: 'person' } },
      { id: 'bl', tool: 'polyline', classification: { class: 'person' } },
      { id: 'bk', tool: 'keypoint', classification: { class: 'nose' } },
      { id: 'gb', tool: 'annotationGroup', classification: { class: 'person' } },
      { id: 'lonely', tool: 'keypoint', classification: { class: 'nose' } },
      { id: 'line', tool: 'polyline', classification: { class: 'car' } },
      { id: 'cls', tool: 'classification', classification: { class: 'car' } },
      { id: 'u', tool: 'bounding_box', classification: { class: 'bus' } },
      { id: 'w', tool: 'wizard', classification: { class: 'car' } },
    ];
    const tri = (x: number, y: number) => [
      { x, y },
      { x: x + 10, y },
      { x: x + 5, y: y + 8 },
    ];
    const datas = [
      { id: 'r', coordinate: { x: 0, y: 0, width: 4, height: 2, rotation: Math.PI / 2 } },
      { id: 'p1', coordinate: tri(10, 10) },
      { id: 'p2', coordinate: tri(30, 20) },
      {
        id: 'gp',
        annotationList: [
          { annotationId: 'p1', children: [] },
          { annotationId: 'p2', children: [] },
        ],
      },
      // Pixels (2,1), (3,1), (2,2) of the 100-wide image.
      { id: 'm', pixel_indices: [102, 103, 202] },
      { id: 'k1', coordinate: { x: 50, y: 40 } },
      { id: 'k2', coordinate: { x: 60, y: 45 } },
      {
        id: 'gk',
        annotationList: [
          { annotationId: 'k1', children: [] },
          { annotationId: 'k2', children: [] },
        ],
      },
      { id: 'b', coordinate: { x: 1, y: 2, width: 3, height: 4 } },
      { id: 'bp', coordinate: tri(1, 2) },
      {
        id: 'bl',
        coordinate: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
      },
      { id: 'bk', coordinate: { x: 2, y: 3 } },
      {
        id: 'gb',
        annotationList: ['b', 'bp', 'bl', 'bk'].map((annotationId) => ({
          annotationId,
          children: [],
        })),
      },
      { id: 'lonely', coordinate: { x: 1, y: 1 } },
      {
        id: 'line',
        coordinate: [
          { x: 0, y: 0 },
          { x: 5, y: 5 },
        ],
      },
      { id: 'cls' },
      { id: 'u', coordinate: { x: 0, y: 0, width: 1, height: 1 } },
      { id: 'w', coordinate: { x: 0, y: 0 } },
    ];
    const it1 = item('mix', anns, datas);
    const { dir, outcomes } = await write([it1]);
    const objs = readOurs(devkit(dir, 'Annotations', 'mix.xml')).object!;
    expect(objs.map((o) => [o.name, ...bndbox(o)])).toEqual([
      ['car', 2, 1, 3, 3], // hull of the rotated box: x 1..3, y -1..3 → clamped to y ≥ 1
      ['car', 11, 11, 40, 28], // extent of both polygons
      ['person', 3, 2, 4, 3], // the mask's pixels
      ['person', 51, 41, 60, 45], // the keypoints' extent
      ['person', 2, 3, 4, 6], // the box; its polygon, polyline and keypoint are not kept
    ]);
    expect(objs[0]!.attributes?.attribute).toEqual([
      { name: 'rotation', value: String(Math.PI / 2) },
    ]);
    expect(objs[3]!.difficult).toBe('1');

    const got = Object.fromEntries(
      outcomes.map((o) => [
        o.annotation.id,
        [o.outcome, o.reason, o.outcome !== 'written' && REPORTED_AT_SOURCE.has(o.messageId)],
      ]),
    );
    expect(got).toEqual({
      r: ['converted', VOC_MESSAGES.rotatedClamped, false],
      p1: ['converted', VOC_MESSAGES.polygon, false],
      p2: ['converted', VOC_MESSAGES.polygon, false],
      gp: ['written', undefined, false],
      m: ['converted', VOC_MESSAGES.mask, false],
      k1: ['converted', VOC_MESSAGES.keypoints, false],
      k2: ['converted', VOC_MESSAGES.keypoints, false],
      gk: ['written', undefined, false],
      b: ['written', undefined, false],
      bp: ['dropped', VOC_MESSAGES.outlineBesideBox, false],
      bl: ['dropped', VOC_MESSAGES.polyline, false],
      bk: ['dropped', VOC_MESSAGES.keypointsBesideShape, false],
      gb: ['written', undefined, false],
      lonely: ['dropped', VOC_MESSAGES.ungroupedKeypoint, false],
      line: ['dropped', VOC_MESSAGES.polyline, false],
      cls: ['dropped', VOC_MESSAGES.classification, false],
      u: ['dropped', 'class "bus" is not in the class map', true],
      w: ['dropped', 'not interpretable (unknown-tool); kept only in raw JSON', true],
    });
    // Exactly once each, and per kind: in = written + converted + dropped.
    const media = it1.media[0]!;
    expect(outcomes).toHaveLength(media.annotations.length);
    expect(new Set(outcomes.map((o) => o.annotation)).size).toBe(media.annotations.length);
    const inByKind: Record<string, number> = {};
    for (const a of media.annotations) {
      inByKind[a.kind] = (inByKind[a.kind] ?? 0) + 1;
    }
    const t = totals(outcomes);
    for (const [kind, n] of Object.entries(inByKind)) {
      const k = t[kind]!;
      expect(k.written + k.converted + k.dropped, kind).toBe(n);
    }
    expect(t).toEqual({
      bbox: { written: 1, converted: 1, dropped: 1 },
      polygon: { written: 0, converted: 2, dropped: 1 },
      group: { written: 3, converted: 0, dropped: 0 },
      mask: { written: 0, converted: 1, dropped: 0 },
      keypoint: { written: 0, converted: 2, dropped: 2 },
      polyline: { written: 0, converted: 0, dropped: 2 },
      classification: { written: 0, converted: 0, dropped: 1 },
      other: { written: 0, converted: 0, dropped: 1 },
    });
  });

  it('a mask needs the image size; a group with two boxes is two objects; a lone keypoint object has no area', async () => {
    const anns = [
      { id: 'm', tool: 'segmentation', classification: { class: 'car' } },
      { id: 'b1', tool: 'bounding_box', classification: { class: 'person', occluded: 'yes' } },
      { id: 'b2', tool: 'bounding_box', classification: { class: 'person' } },
      { id: 'g', tool: 'annotationGroup', classification: { class: 'person' } },
      { id: 'k', tool: 'keypoint', classification: { class: 'nose' } },
      { id: 'gk', tool: 'annotationGroup', classification: { class: 'person' } },
      { id: 'n', tool: 'bounding_box', classification: {} },
    ];
    const datas = [
      { id: 'm', pixel_indices: [1, 2, 3] },
      { id: 'b1', coordinate: { x: 0, y: 0, width: 5, height: 5 } },
      { id: 'b2', coordinate: { x: 10, y: 10, width: 5, height: 5 } },
      {
        id: 'g',
        annotationList: [
          { annotationId: 'b1', children: [] },
          { annotationId: 'b2', children: [] },
        ],
      },
      { id: 'k', coordinate: { x: 3, y: 3 } },
      { id: 'gk', annotationList: [{ annotationId: 'k', children: [] }] },
      { id: 'n', coordinate: { x: 0, y: 0, width: 5, height: 5 } },
    ];
    const it1 = item('m', anns, datas, { size: null });
    const { dir, outcomes } = await write([it1]);
    const objs = readOurs(devkit(dir, 'Annotations', 'm.xml')).object!;
    expect(objs.map((o) => [o.name, o.occluded, ...bndbox(o)])).toEqual([
      ['person', '1', 11, 11, 15, 15],
      ['person', '1', 1, 1, 5, 5],
    ]);
    expect(outcomes.map((o) => [o.annotation.id, o.outcome, o.reason])).toEqual([
      ['m', 'dropped', VOC_MESSAGES.maskSizeUnknown],
      ['b2', 'written', undefined],
      ['b1', 'written', undefined],
      ['g', 'written', undefined],
      ['gk', 'dropped', VOC_MESSAGES.zeroArea],
      ['k', 'dropped', VOC_MESSAGES.zeroArea],
      ['n', 'dropped', KIT_MESSAGES.noClass],
    ]);
    expect(new Set(outcomes.map((o) => o.annotation)).size).toBe(it1.media[0]!.annotations.length);
  });
});

describe('VOC writer: splits', () => {
  it('writes train/val/test lists plus trainval = train + val; an empty split file exists', async () => {
    const items = ['a', 'b', 'c', 'd'].map((s) => item(s, [], []));
    const { dir } = await write(items, {}, ['train', 'val', 'train', 'val'], undefined);
    const main = devkit(dir, 'ImageSets', 'Main');
    expect(lines(join(main, 'train.txt'))).toEqual(['a', 'c']);
    expect(lines(join(main, 'val.txt'))).toEqual(['b', 'd']);
    expect(lines(join(main, 'trainval.txt'))).toEqual(['a', 'b', 'c', 'd']);
    expect(readdirSync(main).sort()).toEqual(['train.txt', 'trainval.txt', 'val.txt']);

    const { dir: d2 } = await write(items, {}, ['train', 'test', 'train', 'test']);
    const m2 = devkit(d2, 'ImageSets', 'Main');
    expect(lines(join(m2, 'test.txt'))).toEqual(['b', 'd']);
    expect(lines(join(m2, 'trainval.txt'))).toEqual(['a', 'c']);
  });

  it('lists every split the export declares, even one no image falls into', async () => {
    const { ctx } = fakeContext();
    const dir = tempDir();
    async function* gen() {
      yield {
        item: item('only', [], []),
        split: 'train',
        images: [{ media: item('only', [], []).media[0]!, fileName: 'only.jpg', stem: 'only' }],
        stem: 'only',
      };
    }
    const classes = classMap(['car']);
    await vocFormat.write!(
      {
        classes,
        keypointNames: [],
        items: gen(),
        splits: ['train', 'val', 'test'],
      },
      { dir },
      VocOptionsSchema.parse({ layout: 'flat' }),
      ctx,
    );
    const main = join(dir, 'ImageSets', 'Main');
    expect(readdirSync(main).sort()).toEqual(['test.txt', 'train.txt', 'trainval.txt', 'val.txt']);
    expect(readFileSync(join(main, 'val.txt'), 'utf8')).toBe('');
    expect(readFileSync(join(main, 'test.txt'), 'utf8')).toBe('');
    expect(lines(join(main, 'trainval.txt'))).toEqual(['only']);
  });
});

describe('VOC describe()', () => {
  it('declares treatments, the layout and the owned paths', () => {
    const d = vocFormat.describe(VocOptionsSchema.parse({}));
    expect(d.kinds.bbox?.action).toBe('keep');
    expect(d.kinds['rotated-bbox']?.action).toBe('convert');
    expect(d.kinds.polygon?.action).toBe('convert');
    expect(d.kinds.mask?.action).toBe('convert');
    expect(d.kinds.keypoint?.action).toBe('convert');
    expect(d.kinds['ungrouped-keypoint']?.action).toBe('drop');
    expect(d.kinds.group?.action).toBe('keep');
    expect(d.kinds.polyline?.action).toBe('drop');
    expect(d.kinds.classification?.action).toBe('drop');
    expect(d.kinds.bbox).toMatchObject({ note: expect.stringContaining('1-based') as string });
    expect(d.splits).toBe(true);
    expect(d.mediaDir?.(undefined)).toBe('VOCdevkit/VOC2012/JPEGImages');
    expect(d.mediaDir?.('val')).toBe('VOCdevkit/VOC2012/JPEGImages');
    expect(d.owns).toEqual([
      'VOCdevkit/VOC2012/Annotations',
      'VOCdevkit/VOC2012/ImageSets',
      'VOCdevkit/VOC2012/labelmap.txt',
    ]);
    expect(d.layout(['train', 'val'])).toEqual([
      'VOCdevkit/VOC2012/Annotations/<stem>.xml (one per image, also for images without objects)',
      'VOCdevkit/VOC2012/ImageSets/Main/train.txt',
      'VOCdevkit/VOC2012/ImageSets/Main/val.txt',
      'VOCdevkit/VOC2012/ImageSets/Main/trainval.txt (train + val)',
      'VOCdevkit/VOC2012/JPEGImages/ (with --save-original-files)',
      'VOCdevkit/VOC2012/labelmap.txt',
    ]);
    const flat = vocFormat.describe(
      VocOptionsSchema.parse({ layout: 'flat', coordinates: 'zero-based' }),
    );
    expect(flat.owns).toEqual(['Annotations', 'ImageSets', 'labelmap.txt']);
    expect(flat.mediaDir?.('train')).toBe('JPEGImages');
    expect(flat.kinds.bbox).toMatchObject({ note: expect.stringContaining('0-based') as string });
  });
});

describe('VOC writer: file names', () => {
  it('reports two images with one stem and drops the second one’s annotations; warns about non-.jpg', async () => {
    const [a, d] = box('a', 'car', { x: 0, y: 0, width: 2, height: 2 });
    const { dir, outcomes, issues } = await write([
      item('x', [a], [d], { fileName: 'x.jpg' }),
      item('x2', [a], [d], { fileName: 'x.png' }),
    ]);
    expect(readOurs(devkit(dir, 'Annotations', 'x.xml')).filename).toBe('x.jpg');
    expect(lines(devkit(dir, 'ImageSets', 'Main', 'trainval.txt'))).toEqual(['x']);
    expect(outcomes.map((o) => [o.item.id, o.outcome, o.reason])).toEqual([
      ['x', 'written', undefined],
      ['x2', 'dropped', VOC_MESSAGES.stemCollision],
    ]);
    expect(issues.map((i) => [i.code, i.severity])).toEqual([['SYNX_VOC_STEM_COLLISION', 'error']]);

    const { issues: i2 } = await write([item('p', [], [], { fileName: 'p.png' })]);
    expect(i2.map((i) => i.code)).toEqual(['SYNX_VOC_NOT_JPEG']);
  });
});
