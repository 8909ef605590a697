import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseVocXml, realFixture, sharedFixture } from '@synx/fake-synapse';
import type { BBoxAnnotation, Dataset, Item } from '@synx/model';
import { describe, expect, it } from 'vitest';
import { parseLabelmap, VocOptionsSchema, vocFormat } from '../src/index.js';
import { box, classMap, fakeContext, item, tempDir, write } from './helpers.js';

async function collect(ds: Dataset): Promise<Item[]> {
  const out: Item[] = [];
  for await (const it of ds.items()) {
    out.push(it);
  }
  return out;
}

async function read(dir: string, options: Record<string, unknown> = {}) {
  const { ctx, issues } = fakeContext();
  const ds = await vocFormat.read!({ dir }, VocOptionsSchema.parse(options), ctx);
  const items = await collect(ds);
  return { ds, items, issues };
}

const boxes = (it: Item): BBoxAnnotation[] =>
  it.media[0]!.annotations.filter((a): a is BBoxAnnotation => a.kind === 'bbox');

describe('VOC round trip (write → read)', () => {
  for (const coordinates of ['one-based', 'zero-based'] as const) {
    it(`keeps integer boxes exactly and attributes (${coordinates})`, async () => {
      const anns = [
        box(
          'a',
          'person',
          { x: 10, y: 20, width: 30, height: 40 },
          { pose: 'Left', truncated: '1', difficult: '0', colour: 'red', tags: ['x', 'y'] },
        ),
        box('b', 'car', { x: 0, y: 0, width: 100, height: 80 }),
        box('c', 'car', { x: 99, y: 79, width: 1, height: 1 }, { occluded: '1' }),
      ];
      const written = item(
        'rt',
        anns.map((x) => x[0]),
        anns.map((x) => x[1]),
      );
      const { dir } = await write([written, item('none', [], [])], { coordinates });
      const { ctx } = fakeContext();
      expect(await vocFormat.detect!({ dir }, ctx)).toBe(90);
      const { ds, items, issues } = await read(dir, { coordinates });
      expect(issues).toEqual([]);
      expect(ds.header.classes.entries.map((e) => e.code)).toEqual(['car', 'person']);
      expect(ds.header.itemCount).toBe(2);
      expect(items.map((i) => i.stem).sort()).toEqual(['none', 'rt']);
      const rt = items.find((i) => i.stem === 'rt')!;
      expect(rt.media[0]).toMatchObject({
        width: 100,
        height: 80,
        depth: 3,
        file: { name: 'rt.jpg' },
      });
      const got = boxes(rt);
      const source = written.media[0]!.annotations as BBoxAnnotation[];
      expect(got.map((b) => [b.classCode, b.x, b.y, b.width, b.height])).toEqual(
        source.map((b) => [b.classCode, b.x, b.y, b.width, b.height]),
      );
      // Attributes come back (the VOC flags are in every file, so they are always read).
      for (const [k, b] of got.entries()) {
        expect(b.attributes).toMatchObject(source[k]!.attributes);
      }
      expect(got[0]!.attributes).toEqual({
        pose: 'Left',
        truncated: '1',
        difficult: '0',
        occluded: '0',
        colour: 'red',
        tags: ['x', 'y'],
      });
      expect(boxes(items.find((i) => i.stem === 'none')!)).toEqual([]);
    });
  }

  it('reads the flat layout and the labelmap order, and maps fields back through attr', async () => {
    const [a, d] = box('a', 'zebra', { x: 1, y: 2, width: 3, height: 4 }, { hard: '1' });
    const { dir } = await write(
      [item('f', [a], [d])],
      { layout: 'flat', attr: 'difficult:hard' },
      undefined,
      classMap(['zebra', { code: 'ant', color: '#102030' }]),
    );
    const { ctx } = fakeContext();
    expect(await vocFormat.detect!({ dir }, ctx)).toBe(90);
    const { ds, items } = await read(dir, { attr: 'difficult:hard' });
    expect(ds.header.classes.entries.map((e) => [e.code, e.color])).toEqual([
      ['zebra', undefined],
      ['ant', '#102030'],
    ]);
    expect(boxes(items[0]!)[0]!.attributes).toEqual({
      pose: 'Unspecified',
      truncated: '0',
      hard: '1',
      occluded: '0',
    });
  });
});

describe('VOC reader: real files', () => {
  it('reads the 35 real VOC 2012 files (x = xmin − 1, width = xmax − xmin + 1)', async () => {
    const dir = realFixture('voc2012-multiformat', 'voc');
    const { ctx } = fakeContext();
    expect(await vocFormat.detect!({ dir }, ctx)).toBe(90);
    const { ds, items, issues } = await read(dir);
    expect(issues).toEqual([]);
    expect(items).toHaveLength(35);
    expect(items.reduce((n, i) => n + boxes(i).length, 0)).toBe(78);
    expect(ds.header.classes.origin).toBe('discovered');
    const names = new Set<string>();
    for (const it of items) {
      const voc = parseVocXml(
        readFileSync(join(dir, 'Annotations', `${it.stem}.xml`), 'utf8'),
        it.stem,
      );
      voc.objects.forEach((o) => names.add(o.name));
      expect(it.media[0]).toMatchObject({ width: voc.width, height: voc.height, depth: 3 });
      expect(boxes(it).map((b) => [b.classCode, b.x, b.y, b.x + b.width, b.y + b.height])).toEqual(
        voc.objects.map((o) => [o.name, o.xmin - 1, o.ymin - 1, o.xmax, o.ymax]),
      );
      expect(boxes(it).map((b) => b.attributes)).toEqual(
        voc.objects.map((o) => ({
          pose: o.pose,
          truncated: o.truncated,
          difficult: o.difficult,
        })),
      );
    }
    // Sorted names (the fixture README says 20 classes; these 35 files use 18 of them).
    expect(ds.header.classes.entries.map((e) => e.code)).toEqual([...names].sort());
    expect(names.size).toBe(18);
  });

  it("reads labelImg's files (lower-case annotations/, verified=, <path>)", async () => {
    const dir = realFixture('raccoon-labelimg');
    const { ctx } = fakeContext();
    expect(await vocFormat.detect!({ dir }, ctx)).toBe(90);
    const { items, issues } = await read(dir, { coordinates: 'zero-based' });
    expect(issues).toEqual([]);
    expect(items).toHaveLength(12);
    const csv = readFileSync(join(dir, 'raccoon_labels_subset.csv'), 'utf8')
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(','));
    const rows = items
      .flatMap((it) =>
        boxes(it).map((b) =>
          [
            it.media[0]!.file!.name!,
            it.media[0]!.width,
            it.media[0]!.height,
            b.classCode,
            b.x,
            b.y,
            b.x + b.width,
            b.y + b.height,
          ].join(','),
        ),
      )
      .sort();
    expect(rows).toEqual(csv.map((r) => r.join(',')).sort());
  });

  const datumaro = sharedFixture('datumaro', 'voc_dataset', 'voc_dataset1');
  it.skipIf(datumaro === undefined)(
    "reads Datumaro's VOC test asset (<part>, <actions>, floats)",
    async () => {
      const { items, issues } = await read(datumaro!);
      expect(items.map((i) => i.stem)).toEqual(['2007_000001']);
      expect(boxes(items[0]!).map((b) => [b.classCode, b.x, b.y, b.width, b.height])).toEqual([
        ['cat', 0, 1, 3, 3],
        ['person', 3, 4, 3, 3],
      ]);
      expect(issues.map((i) => [i.code, i.severity])).toEqual([['SYNX_VOC_PARTS_IGNORED', 'info']]);
    },
  );
});

describe('VOC reader: tolerance', () => {
  it('reads floats, missing tags, a labelmap with background; reports what it skips', async () => {
    const dir = tempDir('in-');
    mkdirSync(join(dir, 'Annotations'));
    writeFileSync(
      join(dir, 'labelmap.txt'),
      '# label:color_rgb:parts:actions\nbackground:0,0,0::\ndog:128,0,0::\na:b:1,2,3::\n',
    );
    writeFileSync(
      join(dir, 'Annotations', 'ok.xml'),
      `<annotation>
  <filename>ok.jpg</filename>
  <object><name>dog</name><bndbox><xmin>1.5</xmin><ymin>2</ymin><xmax>10.5</xmax><ymax>20</ymax></bndbox>
    <part><name>head</name><bndbox><xmin>2</xmin><ymin>2</ymin><xmax>3</xmax><ymax>3</ymax></bndbox></part>
  </object>
  <object><name>cat</name></object>
  <object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>
  <object><name>dog</name><bndbox><xmin>9</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>
</annotation>`,
    );
    writeFileSync(
      join(dir, 'Annotations', 'amp.xml'),
      '<annotation><filename>a & b.jpg</filename><size><width>10</width><height>10</height></size></annotation>',
    );
    writeFileSync(join(dir, 'Annotations', 'other.xml'), '<svg><g/></svg>');
    const { ds, items, issues } = await read(dir);
    expect(ds.header.classes.entries.map((e) => [e.code, e.color])).toEqual([
      ['dog', '#800000'],
      ['a:b', '#010203'],
      ['cat', undefined], // found in the files, not in the labelmap: appended
    ]);
    expect(items.map((i) => i.stem)).toEqual(['amp', 'ok']);
    const ok = items[1]!;
    expect(ok.media[0]!.width).toBeUndefined();
    expect(boxes(ok).map((b) => [b.classCode, b.x, b.y, b.width, b.height, b.attributes])).toEqual([
      ['dog', 0.5, 1, 10, 19, {}],
    ]);
    expect(items[0]!.media[0]).toMatchObject({ file: { name: 'a & b.jpg' }, width: 10 });
    expect(issues.map((i) => [i.code, i.severity, i.itemId])).toEqual([
      ['SYNX_VOC_INVALID_FILE', 'warning', 'amp'],
      ['SYNX_VOC_INVALID_OBJECT', 'warning', 'ok'],
      ['SYNX_VOC_INVALID_OBJECT', 'warning', 'ok'],
      ['SYNX_VOC_INVALID_OBJECT', 'warning', 'ok'],
      ['SYNX_VOC_PARTS_IGNORED', 'info', 'ok'],
      ['SYNX_VOC_INVALID_FILE', 'error', 'other'],
    ]);
  });

  it('parses labelmap lines (the last three colons separate the fields)', () => {
    expect(parseLabelmap('# c\n\ncat:1,2,3:head,paw:jump\nx::\nplain\n')).toEqual([
      { name: 'cat', color: '#010203' },
      { name: 'x', color: undefined },
      { name: 'plain', color: undefined },
    ]);
  });

  it('detects nothing in a folder without VOC files, and read says why', async () => {
    const dir = tempDir('empty-');
    writeFileSync(join(dir, 'instances.json'), '{"images": []}');
    const { ctx } = fakeContext();
    expect(await vocFormat.detect!({ dir }, ctx)).toBe(0);
    await expect(vocFormat.read!({ dir }, VocOptionsSchema.parse({}), ctx)).rejects.toThrow(
      /no Pascal VOC Annotations folder/,
    );
  });
});
