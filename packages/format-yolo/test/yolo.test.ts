import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classMapFromList, type Item } from '@synx/model';
import type { ExportItem } from '@synx/plugin-api';
import { afterAll, describe, expect, it } from 'vitest';
import { dmItem, recordingContext } from '@synx/format-testkit';
import { parse } from 'yaml';
import { flipIndex, YoloOptionsSchema, yoloFormat, type YoloOptions } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'synx-yolo-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const item = (
  stem: string,
  anns: object[],
  datas: object[],
  size: [number, number] | null = [200, 100],
): Item => dmItem(stem, anns, datas, size === null ? {} : { size });

async function write(
  items: Item[],
  options: Partial<YoloOptions> = {},
  splits?: (string | undefined)[],
  keypointNames: string[] = [],
) {
  const dir = mkdtempSync(join(root, 'out-'));
  const { ctx, outcomes, issues } = recordingContext({ messages: yoloFormat.messages });
  async function* gen(): AsyncGenerator<ExportItem> {
    for (const [i, it] of items.entries()) {
      yield {
        item: it,
        split: splits?.[i],
        images: it.media.map((m) => ({ media: m, fileName: `${it.stem}.jpg`, stem: it.stem })),
        stem: it.stem,
      };
    }
  }
  const cmap = classMapFromList(['car', 'person'].map((name) => ({ name })));
  const splitNames =
    splits === undefined
      ? undefined
      : [...new Set(splits)].filter((s): s is string => s !== undefined);
  const result = await yoloFormat.write!(
    {
      classes: cmap,
      keypointNames,
      items: gen(),
      splits: splitNames,
    },
    { dir },
    YoloOptionsSchema.parse(options),
    ctx,
  );
  const label = (stem: string, split?: string) =>
    readFileSync(
      join(dir, 'labels', ...(split === undefined ? [] : [split]), `${stem}.txt`),
      'utf8',
    );
  const yaml = parse(readFileSync(join(dir, 'data.yaml'), 'utf8')) as Record<string, unknown>;
  return {
    dir,
    result,
    outcomes,
    issues,
    label,
    yaml,
    yamlText: readFileSync(join(dir, 'data.yaml'), 'utf8'),
  };
}

const A = (id: string, tool: string, cls: string, extra: object = {}) => ({
  id,
  tool,
  classification: { class: cls, ...extra },
});

describe('YOLO detect', () => {
  it('writes `cls cx cy w h` with 6 decimals, 0-based ids, a trailing newline, and empty files for empty images', async () => {
    const { label, yaml, yamlText, outcomes, dir } = await write([
      item(
        'a',
        [A('b1', 'bounding_box', 'person'), A('b2', 'bounding_box', 'car')],
        [
          { id: 'b1', coordinate: { x: 10, y: 20, width: 50, height: 40 } },
          { id: 'b2', coordinate: { x: 0.5, y: 0, width: 1, height: 1 } },
        ],
      ),
      item('empty', [], []),
    ]);
    expect(label('a')).toBe(
      '1 0.175000 0.400000 0.250000 0.400000\n0 0.005000 0.005000 0.005000 0.010000\n',
    );
    expect(label('empty')).toBe('');
    expect(yaml).toEqual({
      path: dir,
      train: 'images',
      val: 'images',
      names: { 0: 'car', 1: 'person' },
    });
    expect(yamlText).toContain('# synx: task=detect');
    expect(outcomes.map((o) => o.outcome)).toEqual(['written', 'written']);
  });

  it('clamps boxes that leave the image (counted), skips zero-area ones, hulls rotated boxes', async () => {
    const { label, outcomes, issues } = await write([
      item(
        'c',
        [
          A('out', 'bounding_box', 'car'),
          A('zero', 'bounding_box', 'car'),
          A('rot', 'bounding_box', 'car'),
        ],
        [
          { id: 'out', coordinate: { x: 180, y: 50, width: 40, height: 20 } },
          { id: 'zero', coordinate: { x: 5, y: 5, width: 0, height: 10 } },
          { id: 'rot', coordinate: { x: 0, y: 0, width: 40, height: 20, rotation: Math.PI / 2 } },
        ],
      ),
    ]);
    // the rotated 40×20 box's hull is 20×40 around (20, 10): half of it is above the image
    expect(label('c')).toBe(
      '0 0.950000 0.600000 0.100000 0.200000\n0 0.100000 0.150000 0.100000 0.300000\n',
    );
    expect(outcomes.map((o) => [o.annotation.id, o.outcome, o.reason])).toEqual([
      ['out', 'converted', 'clamped to the image'],
      ['zero', 'dropped', 'zero-area object (its width or height is 0)'],
      [
        'rot',
        'converted',
        'rotated box written as its axis-aligned hull (--yolo-task obb keeps the angle); clamped to the image',
      ],
    ]);
    expect(issues.map((i) => i.code)).toEqual(['SYNX_YOLO_CLAMPED', 'SYNX_YOLO_CLAMPED']);
  });

  it('skips crowd regions like ultralytics (or keeps them), and leaves polygons with a box out', async () => {
    const anns = [
      A('b', 'bounding_box', 'person'),
      A('m', 'segmentation', 'person', { iscrowd: true }),
      A('g', 'annotationGroup', 'person'),
      A('p', 'polygon', 'car'),
    ];
    const datas = [
      { id: 'b', coordinate: { x: 0, y: 0, width: 10, height: 10 } },
      { id: 'm', pixel_indices: [0, 1] },
      {
        id: 'g',
        annotationList: [
          { annotationId: 'b', children: [] },
          { annotationId: 'm', children: [] },
        ],
      },
      {
        id: 'p',
        coordinate: [
          { x: 20, y: 20 },
          { x: 40, y: 20 },
          { x: 40, y: 60 },
        ],
      },
    ];
    const skip = await write([item('crowd', anns, datas)]);
    expect(skip.label('crowd')).toBe('0 0.150000 0.400000 0.100000 0.400000\n');
    const keep = await write([item('crowd', anns, datas)], { crowd: 'keep' });
    expect(keep.label('crowd')).toBe(
      '1 0.025000 0.050000 0.050000 0.100000\n0 0.150000 0.400000 0.100000 0.400000\n',
    );
  });

  it('writes no label for an image of unknown size, and says why', async () => {
    const { dir, outcomes } = await write([
      item(
        'nosize',
        [A('b', 'bounding_box', 'car')],
        [{ id: 'b', coordinate: { x: 1, y: 1, width: 2, height: 2 } }],
        null,
      ),
    ]);
    expect(existsSync(join(dir, 'labels', 'nosize.txt'))).toBe(false);
    expect(outcomes[0]?.reason).toContain('image size is unknown');
  });
});

describe('YOLO outputs', () => {
  /** Label files and label lines found in a labels folder. */
  const counted = (folder: string) => {
    const names = readdirSync(folder).filter((f) => f.endsWith('.txt'));
    const lines = names
      .map((f) => readFileSync(join(folder, f), 'utf8'))
      .reduce((sum, text) => sum + text.split('\n').filter((l) => l !== '').length, 0);
    return { files: names.length, lines };
  };

  it('names each labels folder with its label files, images and label lines, then data.yaml', async () => {
    const box = (id: string, x: number) => ({
      id,
      coordinate: { x, y: 1, width: 5, height: 5 },
    });
    const { dir, result } = await write(
      [
        item(
          'a',
          [A('b1', 'bounding_box', 'car'), A('b2', 'bounding_box', 'person')],
          [box('b1', 1), box('b2', 20)],
        ),
        item('empty', [], []),
        item('nosize', [A('b3', 'bounding_box', 'car')], [box('b3', 1)], null),
        item('v', [A('b4', 'bounding_box', 'car')], [box('b4', 1)]),
      ],
      {},
      ['train', 'train', 'train', 'val'],
    );
    const train = counted(join(dir, 'labels', 'train'));
    const val = counted(join(dir, 'labels', 'val'));
    // the image of unknown size gets no label file
    expect(train).toEqual({ files: 2, lines: 2 });
    expect(result.outputs).toEqual([
      {
        path: 'labels/train/',
        files: train.files,
        images: train.files,
        annotations: train.lines,
        split: 'train',
      },
      {
        path: 'labels/val/',
        files: val.files,
        images: val.files,
        annotations: val.lines,
        split: 'val',
      },
      { path: 'data.yaml' },
    ]);
    expect(result.files).toBe(train.files + val.files + 1);
  });

  it('names labels/ when not split, and the load hint names its data.yaml and the task model', async () => {
    const { dir, result } = await write([item('empty', [], [])]);
    expect(result.outputs?.[0]).toEqual({ path: 'labels/', files: 1, images: 1, annotations: 0 });
    const hint = yoloFormat.describe(YoloOptionsSchema.parse({})).loadHint?.(dir, undefined);
    expect(hint).toBe(`ultralytics: YOLO("yolo11n.pt").train(data="${dir}/data.yaml")`);
    expect(existsSync(/data="(.+)"/.exec(hint ?? '')?.[1] ?? '')).toBe(true);
    expect(
      yoloFormat
        .describe(YoloOptionsSchema.parse({ task: 'segment' }))
        .loadHint?.('out', ['train']),
    ).toBe('ultralytics: YOLO("yolo11n-seg.pt").train(data="out/data.yaml") (task segment)');
  });
});

describe('YOLO segment', () => {
  it('polygons as normalised vertices; box-only objects as 4 corners or skipped; masks traced', async () => {
    const anns = [
      A('p', 'polygon', 'car'),
      A('b', 'bounding_box', 'person'),
      A('m', 'segmentation', 'car'),
    ];
    const datas = [
      {
        id: 'p',
        coordinate: [
          { x: 20, y: 10 },
          { x: 100, y: 10 },
          { x: 60, y: 90 },
        ],
      },
      { id: 'b', coordinate: { x: 0, y: 0, width: 20, height: 10 } },
      { id: 'm', pixel_indices: [0, 1, 4, 5] }, // 2×2 square in a 4-wide image
    ];
    const seg = await write(
      [item('s', anns, datas, [4, 4])].map((it) => it),
      { task: 'segment' },
    );
    const lines = seg.label('s').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      '1 0.000000 0.000000 1.000000 0.000000 1.000000 1.000000 0.000000 1.000000',
    );
    expect(lines[2]).toBe(
      '0 0.000000 0.000000 0.500000 0.000000 0.500000 0.500000 0.000000 0.500000',
    );
    for (const l of lines) {
      expect((l.split(' ').length - 1) % 2).toBe(0); // never a 5-token box row in a segment file
    }
    const skipped = await write([item('s', anns, datas, [200, 100])], {
      task: 'segment',
      boxes: 'skip',
    });
    expect(skipped.label('s').trim().split('\n')).toHaveLength(2);
    expect(skipped.outcomes.find((o) => o.annotation.id === 'b')?.reason).toContain('skipped');
  });

  it('traces a mask within its extent: cheap on a huge image, refused when the extent is huge', async () => {
    const side = 1_000_000;
    // A 2×2 square at (500000, 300000), and a mask whose two pixels span the whole image.
    const at = (x: number, y: number): number => y * side + x;
    const anns = [A('m', 'segmentation', 'car'), A('wide', 'segmentation', 'person')];
    const datas = [
      {
        id: 'm',
        pixel_indices: [
          at(500_000, 300_000),
          at(500_001, 300_000),
          at(500_000, 300_001),
          at(500_001, 300_001),
        ],
      },
      { id: 'wide', pixel_indices: [at(0, 0), at(side - 1, side - 1)] },
    ];
    const out = await write([item('huge', anns, datas, [side, side])], { task: 'segment' });
    expect(out.label('huge')).toBe(
      '0 0.500000 0.300000 0.500002 0.300000 0.500002 0.300002 0.500000 0.300002\n',
    );
    expect(out.outcomes.find((o) => o.annotation.id === 'm')?.outcome).toBe('converted');
    expect(out.outcomes.find((o) => o.annotation.id === 'wide')).toMatchObject({
      outcome: 'dropped',
      reason: expect.stringMatching(/spans 1000000×1000000 px, too large to trace/) as unknown,
    });
  });

  it('joins a multi-part object into one outline', async () => {
    const anns = [
      A('p1', 'polygon', 'car'),
      A('p2', 'polygon', 'car'),
      A('g', 'annotationGroup', 'car'),
    ];
    const datas = [
      {
        id: 'p1',
        coordinate: [
          { x: 0, y: 0 },
          { x: 10, y: 0 },
          { x: 10, y: 10 },
        ],
      },
      {
        id: 'p2',
        coordinate: [
          { x: 50, y: 0 },
          { x: 60, y: 0 },
          { x: 60, y: 10 },
        ],
      },
      {
        id: 'g',
        annotationList: [
          { annotationId: 'p1', children: [] },
          { annotationId: 'p2', children: [] },
        ],
      },
    ];
    const { label, outcomes } = await write([item('m', anns, datas)], { task: 'segment' });
    expect(label('m').trim().split(' ')).toHaveLength(1 + 2 * 8);
    expect(outcomes.filter((o) => o.outcome === 'converted')).toHaveLength(2);
  });
});

describe('YOLO pose and OBB', () => {
  const kp = ['nose', 'left_eye', 'right_eye'];
  it('pose: box + x y v per configured keypoint; kpt_shape and flip_idx in data.yaml', async () => {
    const anns = [
      A('b', 'bounding_box', 'person'),
      A('k1', 'keypoint', 'nose'),
      A('k2', 'keypoint', 'right_eye', { visibility: 1 }),
      A('g', 'annotationGroup', 'person'),
      A('lone', 'keypoint', 'nose'),
    ];
    const datas = [
      { id: 'b', coordinate: { x: 20, y: 10, width: 40, height: 80 } },
      { id: 'k1', coordinate: { x: 40, y: 20 } },
      { id: 'k2', coordinate: { x: 30, y: 15 } },
      {
        id: 'g',
        annotationList: ['b', 'k1', 'k2'].map((annotationId) => ({ annotationId, children: [] })),
      },
      { id: 'lone', coordinate: { x: 1, y: 1 } },
    ];
    const { label, yaml, outcomes } = await write(
      [item('p', anns, datas)],
      { task: 'pose' },
      undefined,
      kp,
    );
    expect(label('p')).toBe(
      '1 0.200000 0.500000 0.200000 0.800000 0.200000 0.200000 2 0.000000 0.000000 0 0.150000 0.150000 1\n',
    );
    expect(yaml['kpt_shape']).toEqual([3, 3]);
    expect(yaml['flip_idx']).toEqual([0, 2, 1]);
    expect(outcomes.find((o) => o.annotation.id === 'lone')?.outcome).toBe('dropped');
  });

  it('pose without keypoint classes is refused', async () => {
    await expect(write([item('p', [], [])], { task: 'pose' })).rejects.toMatchObject({
      code: 'SYNX_INVALID_INPUT',
    });
  });

  it('obb: 4 normalised corners, rotated boxes keep their angle', async () => {
    const { label } = await write(
      [
        item(
          'o',
          [A('r', 'bounding_box', 'car')],
          [{ id: 'r', coordinate: { x: 80, y: 40, width: 40, height: 20, rotation: Math.PI / 2 } }],
        ),
      ],
      { task: 'obb' },
    );
    // centre (100, 50); corners after a quarter turn clockwise
    expect(label('o')).toBe(
      '0 0.550000 0.300000 0.550000 0.700000 0.450000 0.700000 0.450000 0.300000\n',
    );
  });

  it('flip_idx pairs left/right names in several spellings, and is absent without pairs', () => {
    expect(
      flipIndex([
        'nose',
        'left_eye',
        'right_eye',
        'LeftHand',
        'RightHand',
        'l_hip',
        'r_hip',
        'knee_L',
        'knee_R',
      ]),
    ).toEqual([0, 2, 1, 4, 3, 6, 5, 8, 7]);
    expect(flipIndex(['head', 'tail'])).toBeUndefined();
  });
});

describe('layout', () => {
  it('labels/<split>/, data.yaml train/val/test, an (empty) folder for every split', async () => {
    const { dir, yaml } = await write([item('t', [], []), item('v', [], [])], {}, ['train', 'val']);
    expect(readdirSync(join(dir, 'labels')).sort()).toEqual(['train', 'val']);
    expect(yaml).toMatchObject({ train: 'images/train', val: 'images/val' });
    const one = await write([item('t', [], [])], {}, ['train']);
    expect(one.yaml).toMatchObject({ train: 'images/train', val: 'images/train' });
  });
});

/** A canonical one-image item (200×100), built directly (no DM v1 conversion). */
const canonical = (stem: string, annotations: object[]): Item => ({
  id: stem,
  sourceKind: 'folder',
  key: stem,
  stem,
  media: [
    {
      id: 'image_1',
      kind: 'image',
      file: { name: `${stem}.jpg` },
      width: 200,
      height: 100,
      annotations: annotations as Item['media'][number]['annotations'],
    },
  ],
});
const ann = (id: string, kind: string, classCode: string | null, extra: object = {}) => ({
  id,
  tool: kind,
  kind,
  classCode,
  attributes: {},
  ...extra,
});
const group = (id: string, classCode: string, members: string[]) =>
  ann(id, 'group', classCode, {
    members: members.map((annotationId) => ({ annotationId, children: [] })),
  });

describe('reasons: the writer accounts what describe() says', () => {
  it.each(['detect', 'segment', 'pose', 'obb'] as const)(
    '%s: ungrouped keypoints and relations are dropped with describe()’s message',
    async (task) => {
      const { outcomes } = await write(
        [
          canonical('r', [
            ann('k', 'keypoint', 'nose', { x: 1, y: 1 }),
            ann('rel', 'relation', 'car', { from: 'k', to: 'k' }),
          ]),
        ],
        { task },
        undefined,
        ['nose'],
      );
      const kinds = yoloFormat.describe(YoloOptionsSchema.parse({ task })).kinds;
      const id = (t: (typeof kinds)[keyof typeof kinds]) =>
        t !== undefined && t.action !== 'keep' ? t.messageId : undefined;
      expect(
        outcomes.map((o) => [o.annotation.id, o.outcome !== 'written' && o.messageId]),
      ).toEqual([
        ['k', id(kinds['ungrouped-keypoint'])],
        ['rel', id(kinds.relation)],
      ]);
      expect(outcomes.map((o) => o.reason)).toEqual([
        task === 'pose'
          ? 'a keypoint outside an annotation group belongs to no instance'
          : 'keypoints need --yolo-task pose (and an annotation group per instance)',
        `YOLO ${task} labels cannot hold relation annotations`,
      ]);
    },
  );

  it('a dropped object outside the image does not mark the next object clamped', async () => {
    const { label, outcomes, issues } = await write([
      canonical('c', [
        ann('out', 'bbox', 'car', { x: 300, y: 10, width: 20, height: 20 }),
        ann('in', 'bbox', 'car', { x: 10, y: 10, width: 20, height: 20 }),
      ]),
    ]);
    expect(label('c')).toBe('0 0.100000 0.200000 0.100000 0.200000\n');
    expect(outcomes.map((o) => [o.annotation.id, o.outcome, o.reason])).toEqual([
      ['out', 'dropped', 'zero-area object (its width or height is 0)'],
      ['in', 'written', undefined],
    ]);
    expect(issues).toEqual([]);
  });

  it('obb: keypoints that span an object without a box are accounted once, as converted', async () => {
    const { label, outcomes } = await write(
      [
        canonical('o', [
          group('g', 'person', ['k1', 'k2']),
          ann('k1', 'keypoint', 'nose', { x: 20, y: 10 }),
          ann('k2', 'keypoint', 'tail', { x: 60, y: 50 }),
        ]),
      ],
      { task: 'obb' },
    );
    expect(label('o')).toBe(
      '1 0.100000 0.100000 0.300000 0.100000 0.300000 0.500000 0.100000 0.500000\n',
    );
    expect(outcomes.map((o) => [o.annotation.id, o.outcome, o.reason])).toEqual([
      ['k1', 'converted', 'keypoint written as its axis-aligned extent (an OBB with no rotation)'],
      ['k2', 'converted', 'keypoint written as its axis-aligned extent (an OBB with no rotation)'],
      ['g', 'written', undefined],
    ]);
  });
});
