import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classMapFromList, type Item } from '@synx/model';
import { REPORTED_AT_SOURCE, type ExportItem } from '@synx/plugin-api';
import { afterAll, describe, expect, it } from 'vitest';
import { dmItem, recordingContext } from '@synx/format-testkit';
import { CocoOptionsSchema, cocoFormat, type CocoOptions } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'synx-coco-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const item = (
  stem: string,
  anns: object[],
  datas: object[],
  size: [number, number] = [100, 80],
): Item => dmItem(stem, anns, datas, { size });

async function write(
  items: Item[],
  options: Partial<CocoOptions> = {},
  splits?: (string | undefined)[],
  keypointNames: string[] = [],
  classes = ['car', 'person'],
) {
  const dir = mkdtempSync(join(root, 'out-'));
  const { ctx, outcomes } = recordingContext({ messages: cocoFormat.messages });
  async function* gen(): AsyncGenerator<ExportItem> {
    for (const [i, it] of items.entries()) {
      yield {
        item: it,
        split: splits?.[i],
        images: it.media.map((m) => ({
          media: m,
          fileName: m.file?.name ?? `${it.stem}.jpg`,
          stem: it.stem,
        })),
        stem: it.stem,
      };
    }
  }
  const cmap = classMapFromList(
    classes.map((name, i) => ({
      name,
      ...(options.categoryIds === 'map' ? { id: (i + 1) * 10 } : {}),
    })),
  );
  const opts = CocoOptionsSchema.parse(options);
  const result = await cocoFormat.write?.(
    {
      classes: cmap,
      keypointNames,
      items: gen(),
      splits: splits === undefined ? undefined : ([...new Set(splits)].filter(Boolean) as string[]),
    },
    { dir },
    opts,
    ctx,
  );
  const load = (name = 'default') =>
    JSON.parse(readFileSync(join(dir, 'annotations', `instances_${name}.json`), 'utf8')) as Record<
      string,
      never[]
    >;
  return { dir, outcomes, load, result };
}

const box = (id: string, cls: string, c: object, extra: object = {}) =>
  [
    { id, tool: 'bounding_box', classification: { class: cls, ...extra } },
    { id, coordinate: c },
  ] as const;

describe('COCO writer', () => {
  it('writes boxes exactly, 1-based categories, and keeps images without objects', async () => {
    const [a, d] = box(
      'b1',
      'person',
      { x: 1.25, y: 2.5, width: 10.125, height: 20 },
      { occluded: 'no' },
    );
    const { load, outcomes } = await write([item('one', [a], [d]), item('empty', [], [])]);
    const c = load();
    expect(c['images']).toEqual([
      { id: 1, file_name: 'one.jpg', width: 100, height: 80 },
      { id: 2, file_name: 'empty.jpg', width: 100, height: 80 },
    ]);
    expect(c['annotations']).toEqual([
      {
        id: 1,
        image_id: 1,
        category_id: 2,
        segmentation: [[1.25, 2.5, 11.375, 2.5, 11.375, 22.5, 1.25, 22.5]],
        area: 202.5,
        bbox: [1.25, 2.5, 10.125, 20],
        iscrowd: 0,
        attributes: { occluded: 'no' },
      },
    ]);
    expect(c['categories']).toEqual([
      { id: 1, name: 'car', supercategory: '' },
      { id: 2, name: 'person', supercategory: '' },
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['written']);
  });

  it('rotated boxes become their hull with the angle in attributes (converted, counted)', async () => {
    const [a, d] = box('r1', 'car', { x: 0, y: 0, width: 4, height: 2, rotation: Math.PI / 2 });
    const { load, outcomes } = await write([item('r', [a], [d])]);
    const ann = (
      load()['annotations'] as { bbox: number[]; attributes: { rotation: number } }[]
    )[0]!;
    expect(ann.bbox).toEqual([1, -1, 2, 4]);
    expect(ann.attributes.rotation).toBeCloseTo(Math.PI / 2);
    // the segmentation is the rotated box itself (its corners), not the hull
    expect((ann as unknown as { segmentation: number[][] }).segmentation).toEqual([
      [3, -1, 3, 3, 1, 3, 1, -1],
    ]);
    expect(outcomes.map((o) => [o.outcome, o.reason])).toEqual([
      [
        'converted',
        'rotated box written as its axis-aligned hull; the angle (radians) is in attributes.rotation',
      ],
    ]);
  });

  it('a group of box + polygon + keypoints becomes one object with person_keypoints fields', async () => {
    const anns = [
      { id: 'b', tool: 'bounding_box', classification: { class: 'person' } },
      { id: 'p', tool: 'polygon', classification: { class: 'person' } },
      { id: 'k1', tool: 'keypoint', classification: { class: 'nose' } },
      { id: 'k2', tool: 'keypoint', classification: { class: 'left_eye', visibility: 1 } },
      { id: 'g', tool: 'annotationGroup', classification: { class: 'person' } },
      { id: 'lonely', tool: 'keypoint', classification: { class: 'nose' } },
    ];
    const datas = [
      { id: 'b', coordinate: { x: 10, y: 10, width: 30, height: 60 } },
      {
        id: 'p',
        coordinate: [
          { x: 10, y: 10 },
          { x: 40, y: 10 },
          { x: 25, y: 70 },
        ],
      },
      { id: 'k1', coordinate: { x: 25, y: 15 } },
      { id: 'k2', coordinate: { x: 28, y: 14 } },
      {
        id: 'g',
        annotationList: ['b', 'p', 'k1', 'k2'].map((annotationId) => ({
          annotationId,
          children: [],
        })),
      },
      { id: 'lonely', coordinate: { x: 1, y: 1 } },
    ];
    const { load, outcomes } = await write([item('pose', anns, datas)], {}, undefined, [
      'nose',
      'left_eye',
      'right_eye',
    ]);
    const c = load();
    expect(c['annotations']).toEqual([
      {
        id: 1,
        image_id: 1,
        category_id: 2,
        segmentation: [[10, 10, 40, 10, 25, 70]],
        area: 900,
        bbox: [10, 10, 30, 60],
        iscrowd: 0,
        keypoints: [25, 15, 2, 28, 14, 1, 0, 0, 0],
        num_keypoints: 2,
      },
    ]);
    expect(
      (c['categories'] as { name: string; keypoints?: string[] }[]).find((x) => x.name === 'person')
        ?.keypoints,
    ).toEqual(['nose', 'left_eye', 'right_eye']);
    const dropped = outcomes.filter((o) => o.outcome === 'dropped');
    expect(dropped.map((o) => [o.annotation.id, o.reason])).toEqual([
      [
        'lonely',
        'a keypoint outside an annotation group belongs to no instance; COCO keypoints need one',
      ],
    ]);
    expect(outcomes).toHaveLength(6);
  });

  it('masks become RLE with iscrowd; polylines, tiny polygons and unknown classes are dropped with reasons', async () => {
    const anns = [
      { id: 'm', tool: 'segmentation', classification: { class: 'car' } },
      { id: 'l', tool: 'polyline', classification: { class: 'car' } },
      { id: 't', tool: 'polygon', classification: { class: 'car' } },
      { id: 'u', tool: 'bounding_box', classification: { class: 'bus' } },
      { id: 'z', tool: 'bounding_box', classification: { class: 'car' } },
    ];
    const datas = [
      { id: 'm', pixel_indices: [0, 1, 4, 5] },
      {
        id: 'l',
        coordinate: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
      },
      {
        id: 't',
        coordinate: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
      },
      { id: 'u', coordinate: { x: 0, y: 0, width: 1, height: 1 } },
      { id: 'z', coordinate: { x: 5, y: 5, width: 0, height: 3 } },
    ];
    const { load, outcomes } = await write([item('m', anns, datas, [4, 3])]);
    expect(load()['annotations']).toEqual([
      {
        id: 1,
        image_id: 1,
        category_id: 1,
        segmentation: { counts: [0, 2, 1, 2, 7], size: [3, 4] },
        area: 4,
        bbox: [0, 0, 2, 2],
        iscrowd: 1,
      },
    ]);
    expect(
      outcomes
        .filter((o) => o.outcome === 'dropped')
        .map((o) => [
          o.annotation.id,
          o.reason,
          o.outcome !== 'written' && REPORTED_AT_SOURCE.has(o.messageId),
        ]),
    ).toEqual([
      ['l', 'COCO segmentation holds closed polygons, not polylines', false],
      ['t', 'a polygon needs at least 3 vertices', false],
      ['u', 'class "bus" is not in the class map', true],
      ['z', 'zero-area object (its width or height is 0)', false],
    ]);
  });

  it("writes one file per split, even an empty one, and a user map's ids with categoryIds=map", async () => {
    const [a, d] = box('b', 'car', { x: 0, y: 0, width: 1, height: 1 });
    const { load } = await write(
      [item('x', [a], [d]), item('y', [], [])],
      { categoryIds: 'map', names: 'name' },
      ['train', 'val'],
    );
    expect(load('train')['annotations']).toHaveLength(1);
    expect((load('train')['annotations'] as { category_id: number }[])[0]?.category_id).toBe(10);
    expect(load('val')['images']).toHaveLength(1);
    expect(load('val')['annotations']).toEqual([]);
  });
});

describe('COCO outputs', () => {
  it('names each annotations file with the images and objects it holds, and classes.json', async () => {
    const [a, d] = box('b', 'car', { x: 0, y: 0, width: 5, height: 5 });
    const [p, pd] = box('c', 'person', { x: 1, y: 1, width: 5, height: 5 });
    const [u, ud] = box('u', 'truck', { x: 1, y: 1, width: 5, height: 5 });
    const { load, result } = await write(
      [item('x', [a, p], [d, pd]), item('y', [u], [ud]), item('z', [a], [d])],
      {},
      ['train', 'train', 'val'],
    );
    const counted = ['train', 'val'].map((s) => {
      const c = load(s);
      return {
        path: `annotations/instances_${s}.json`,
        images: c['images']?.length,
        annotations: c['annotations']?.length,
        split: s,
      };
    });
    // the unknown class is not written: train holds 2 images and 2 objects
    expect(counted[0]).toMatchObject({ images: 2, annotations: 2 });
    expect(result?.outputs).toEqual([...counted, { path: 'classes.json' }]);
    expect(result?.files).toBe(3);
  });

  it('has no split when the export is not split, and its load hint names the file it wrote', async () => {
    const [a, d] = box('b', 'car', { x: 0, y: 0, width: 5, height: 5 });
    const { dir, result } = await write([item('x', [a], [d])], { setName: 'all' });
    expect(result?.outputs?.[0]).toEqual({
      path: 'annotations/instances_all.json',
      images: 1,
      annotations: 1,
    });
    const line =
      cocoFormat.describe(CocoOptionsSchema.parse({ setName: 'all' })).loadHint?.(dir, undefined) ??
      '';
    expect(line).toBe(`pycocotools: COCO("${dir}/annotations/instances_all.json")`);
    // the path it names is the file written
    expect(() => readFileSync(/COCO\("(.+)"\)/.exec(line)?.[1] ?? '')).not.toThrow();
    expect(
      cocoFormat.describe(CocoOptionsSchema.parse({})).loadHint?.('out', ['train', 'val']),
    ).toBe('pycocotools: COCO("out/annotations/instances_train.json") (one file per split)');
  });
});

describe('COCO reader', () => {
  it('reads back what the writer wrote (boxes, polygons, masks, keypoints)', async () => {
    const anns = [
      { id: 'b', tool: 'bounding_box', classification: { class: 'car' } },
      { id: 'p', tool: 'polygon', classification: { class: 'car' } },
      { id: 'g', tool: 'annotationGroup', classification: { class: 'car' } },
    ];
    const datas = [
      { id: 'b', coordinate: { x: 1, y: 2, width: 3, height: 4 } },
      {
        id: 'p',
        coordinate: [
          { x: 1, y: 2 },
          { x: 4, y: 2 },
          { x: 4, y: 6 },
        ],
      },
      {
        id: 'g',
        annotationList: [
          { annotationId: 'b', children: [] },
          { annotationId: 'p', children: [] },
        ],
      },
    ];
    const { dir } = await write([item('a', anns, datas)]);
    const { ctx } = recordingContext();
    expect(await cocoFormat.detect?.({ dir }, ctx)).toBe(95);
    const ds = await cocoFormat.read!({ dir }, CocoOptionsSchema.parse({}), ctx);
    const items: Item[] = [];
    for await (const it of ds.items()) {
      items.push(it);
    }
    const a = items[0]!.media[0]!.annotations;
    expect(a.find((x) => x.kind === 'bbox')).toMatchObject({
      x: 1,
      y: 2,
      width: 3,
      height: 4,
      classCode: 'car',
    });
    expect(a.find((x) => x.kind === 'polygon')).toMatchObject({
      points: [
        { x: 1, y: 2 },
        { x: 4, y: 2 },
        { x: 4, y: 6 },
      ],
    });
    expect(a.find((x) => x.kind === 'group')).toBeDefined();
    expect(ds.header.classes.entries.map((e) => e.code)).toEqual(['car', 'person']);
  });

  it('every object rasterises: box-only objects carry their box as a polygon unless boxSegmentation=empty', async () => {
    const anns = [
      { id: 'b', tool: 'bounding_box', classification: { class: 'car' } },
      { id: 'k1', tool: 'keypoint', classification: { class: 'nose' } },
      { id: 'k2', tool: 'keypoint', classification: { class: 'left_eye' } },
      { id: 'g', tool: 'annotationGroup', classification: { class: 'person' } },
    ];
    const datas = [
      { id: 'b', coordinate: { x: 0.1, y: 0.2, width: 10.2, height: 5 } },
      { id: 'k1', coordinate: { x: 20, y: 30 } },
      { id: 'k2', coordinate: { x: 24, y: 36 } },
      {
        id: 'g',
        annotationList: ['k1', 'k2'].map((annotationId) => ({ annotationId, children: [] })),
      },
    ];
    const kp = ['nose', 'left_eye'];
    interface Ann {
      segmentation: number[][];
      bbox: number[];
      area: number;
    }
    const withPolygon = (await write([item('a', anns, datas)], {}, undefined, kp)).load()[
      'annotations'
    ] as Ann[];
    const empty = (
      await write([item('a', anns, datas)], { boxSegmentation: 'empty' }, undefined, kp)
    ).load()['annotations'] as Ann[];
    expect(withPolygon.map((a) => a.segmentation)).toEqual([
      [[0.1, 0.2, 10.3, 0.2, 10.3, 5.2, 0.1, 5.2]],
      [[20, 30, 24, 30, 24, 36, 20, 36]],
    ]);
    for (const a of withPolygon) {
      expect(a.segmentation.length).toBeGreaterThan(0);
      expect(a.segmentation[0]!.length).toBeGreaterThanOrEqual(6);
    }
    // detection consumers see the same boxes and areas either way
    expect(empty.map((a) => a.segmentation)).toEqual([[], []]);
    expect(empty.map((a) => [a.bbox, a.area])).toEqual(withPolygon.map((a) => [a.bbox, a.area]));
  });

  it('reads a box written with its own polygon back as the box alone', async () => {
    const [a, d] = box('b1', 'car', { x: 1.5, y: 2, width: 3.25, height: 4 });
    const { dir } = await write([item('x', [a], [d])]);
    const { ctx } = recordingContext();
    const ds = await cocoFormat.read!({ dir }, CocoOptionsSchema.parse({}), ctx);
    const kinds: string[] = [];
    for await (const it of ds.items()) {
      kinds.push(...it.media[0]!.annotations.map((x) => x.kind));
    }
    expect(kinds).toEqual(['bbox']);
  });
});
