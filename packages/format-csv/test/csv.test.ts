import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseVocXml, realFixture, type VocFile } from '@synx/fake-synapse';
import {
  ANNOTATION_KINDS,
  classMapFromList,
  type Annotation,
  type Issue,
  type Item,
  type Media,
} from '@synx/model';
import {
  REPORTED_AT_SOURCE,
  type AnnotationOutcome,
  type ExportItem,
  type FormatContext,
} from '@synx/plugin-api';
import { afterAll, describe, expect, it } from 'vitest';
import { dmItem, recordingContext, type RecordedOutcome } from '@synx/format-testkit';
import {
  CsvOptionsSchema,
  GROUP_NOT_STORED,
  csvFormat,
  neutralise,
  OPENIMAGES_COLUMNS,
  restoreText,
  SYNX_COLUMNS,
  TFOD_COLUMNS,
  type CsvOptions,
} from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'synx-csv-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A canonical item from DM v1 annotations, as the export pipeline builds it. */
function item(
  stem: string,
  anns: object[],
  datas: object[],
  size: [number, number] | null = [100, 80],
  fileName = `${stem}.jpg`,
): Item {
  return dmItem(stem, anns, datas, size === null ? { fileName } : { size, fileName });
}

/** A canonical item from a Pascal VOC file: x = xmin, width = xmax − xmin. */
function vocItem(voc: VocFile): Item {
  const annotations: Annotation[] = voc.objects.map((o, i) => ({
    id: `o${i}`,
    tool: 'bounding_box',
    kind: 'bbox',
    classCode: o.name,
    attributes: {
      ...(o.pose === undefined ? {} : { pose: o.pose }),
      ...(o.truncated === undefined ? {} : { truncated: o.truncated }),
      ...(o.difficult === undefined ? {} : { difficult: o.difficult }),
    },
    x: o.xmin,
    y: o.ymin,
    width: o.xmax - o.xmin,
    height: o.ymax - o.ymin,
  }));
  const stem = voc.filename.replace(/\.[^.]*$/, '');
  return {
    id: stem,
    sourceKind: 'folder',
    key: stem,
    stem,
    media: [
      {
        id: 'image_1',
        kind: 'image',
        file: { name: voc.filename },
        width: voc.width,
        height: voc.height,
        annotations,
      },
    ],
  };
}

function vocItems(dir: string): { items: Item[]; vocs: VocFile[] } {
  const vocs = readdirSync(dir)
    .filter((n) => n.endsWith('.xml'))
    .sort()
    .map((n) => parseVocXml(readFileSync(join(dir, n), 'utf8'), n));
  return { items: vocs.map(vocItem), vocs };
}

/** True for a drop the source already reported (the host does not warn again), as `quiet` was. */
const quietOf = (o: AnnotationOutcome): true | undefined =>
  o.outcome !== 'written' && REPORTED_AT_SOURCE.has(o.messageId) ? true : undefined;

function fakeContext(issues: Issue[] = [], outcomes: RecordedOutcome[] = []): FormatContext {
  return recordingContext({ issues, outcomes, messages: csvFormat.messages }).ctx;
}

interface WriteSetup {
  readonly splits?: (string | undefined)[];
  /** Class names; with `ids`, each gets an explicit id (10, 20, …). */
  readonly classes?: string[];
  readonly ids?: boolean;
  readonly signal?: AbortSignal;
}

async function write(items: Item[], options: Record<string, unknown> = {}, setup: WriteSetup = {}) {
  const dir = mkdtempSync(join(root, 'out-'));
  const outcomes: RecordedOutcome[] = [];
  const ctx: FormatContext = {
    ...fakeContext([], outcomes),
    signal: setup.signal ?? new AbortController().signal,
  };
  async function* gen(): AsyncGenerator<ExportItem> {
    for (const [i, it] of items.entries()) {
      yield {
        item: it,
        split: setup.splits?.[i],
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
    (setup.classes ?? ['car', 'person']).map((name, i) => ({
      name,
      ...(setup.ids === true ? { id: (i + 1) * 10 } : {}),
    })),
  );
  const opts: CsvOptions = CsvOptionsSchema.parse(options);
  const result = await csvFormat.write?.(
    {
      classes: cmap,
      keypointNames: ['nose', 'left_eye'],
      items: gen(),
      splits:
        setup.splits === undefined
          ? undefined
          : [...new Set(setup.splits)].filter((s): s is string => s !== undefined),
    },
    { dir },
    opts,
    ctx,
  );
  const main = join(dir, opts.file);
  const bytes = existsSync(main) ? readFileSync(main) : Buffer.alloc(0);
  const text = bytes.toString('utf8');
  const rows: string[][] = parse(text, { bom: true });
  return { dir, outcomes, bytes, text, header: rows[0] ?? [], rows: rows.slice(1), result };
}

/** The cells of a `synx` row by column name. */
function byName(row: readonly string[]): Record<string, string> {
  return Object.fromEntries(SYNX_COLUMNS.map((c, i) => [c, row[i] ?? '']));
}

const box = (id: string, cls: string, c: object, extra: object = {}) =>
  [
    { id, tool: 'bounding_box', classification: { class: cls, ...extra } },
    { id, coordinate: c },
  ] as const;

/** One image holding every kind of annotation. */
function everything(): Item {
  const anns = [
    { id: 'b', tool: 'bounding_box', classification: { class: 'car', occluded: 'no' } },
    { id: 'r', tool: 'bounding_box', classification: { class: 'car' } },
    { id: 'p', tool: 'polygon', classification: { class: 'person' } },
    { id: 'l', tool: 'polyline', classification: { class: 'person' } },
    { id: 'k', tool: 'keypoint', classification: { class: 'nose', visibility: 2 } },
    { id: 'm', tool: 'segmentation', classification: { class: 'car' } },
    { id: 'c', tool: 'classification', classification: { class: 'indoor', weather: 'sunny' } },
    { id: 'gb', tool: 'bounding_box', classification: { class: 'person' } },
    { id: 'gp', tool: 'polygon', classification: { class: 'person' } },
    { id: 'g', tool: 'annotationGroup', classification: { class: 'person' } },
    { id: 'rel', tool: 'relation', classification: { class: 'near' } },
    { id: 'x', tool: 'magic_wand', classification: { class: 'car' } },
  ];
  const datas = [
    { id: 'b', coordinate: { x: 1.25, y: 2.5, width: 10.125, height: 20 } },
    { id: 'r', coordinate: { x: 10, y: 10, width: 4, height: 2, rotation: Math.PI / 2 } },
    {
      id: 'p',
      coordinate: [
        { x: 10, y: 20 },
        { x: 30.5, y: 20 },
        { x: 20, y: 40 },
      ],
    },
    {
      id: 'l',
      coordinate: [
        { x: 0, y: 0 },
        { x: 5, y: 7 },
      ],
    },
    { id: 'k', coordinate: { x: 25, y: 15 } },
    { id: 'm', pixel_indices: [0, 1, 4, 5] },
    { id: 'c' },
    { id: 'gb', coordinate: { x: 50, y: 50, width: 10, height: 10 } },
    {
      id: 'gp',
      coordinate: [
        { x: 51, y: 51 },
        { x: 59, y: 51 },
        { x: 55, y: 59 },
      ],
    },
    {
      id: 'g',
      annotationList: [
        { annotationId: 'gb', children: [] },
        { annotationId: 'gp', children: [] },
      ],
    },
    { id: 'rel', annotationId: 'b', targetAnnotationId: 'p' },
    { id: 'x', whatever: 1 },
  ];
  return item('all', anns, datas, [4, 3]);
}

describe('CSV writer, synx preset', () => {
  it('writes every column for every kind, one row per annotation with geometry', async () => {
    const { header, rows, outcomes } = await write([everything()], {}, { splits: ['train'] });
    expect(header).toEqual([...SYNX_COLUMNS]);
    const cells = rows.map(byName);
    const common = { image: 'all.jpg', width: '4', height: '3', split: 'train', item_id: 'all' };
    expect(cells).toEqual([
      {
        ...common,
        class: 'car',
        class_id: '0',
        kind: 'bbox',
        xmin: '1.25',
        ymin: '2.5',
        xmax: '11.375',
        ymax: '22.5',
        rotation: '',
        points: '',
        attributes: '{"occluded":"no"}',
        annotation_id: 'b',
      },
      {
        ...common,
        class: 'car',
        class_id: '0',
        kind: 'bbox',
        xmin: '10',
        ymin: '10',
        xmax: '14',
        ymax: '12',
        rotation: String(Math.PI / 2),
        points: '',
        attributes: '{}',
        annotation_id: 'r',
      },
      {
        ...common,
        class: 'person',
        class_id: '1',
        kind: 'polygon',
        xmin: '10',
        ymin: '20',
        xmax: '30.5',
        ymax: '40',
        rotation: '',
        points: '[[10,20],[30.5,20],[20,40]]',
        attributes: '{}',
        annotation_id: 'p',
      },
      {
        ...common,
        class: 'person',
        class_id: '1',
        kind: 'polyline',
        xmin: '0',
        ymin: '0',
        xmax: '5',
        ymax: '7',
        rotation: '',
        points: '[[0,0],[5,7]]',
        attributes: '{}',
        annotation_id: 'l',
      },
      {
        ...common,
        class: 'nose',
        class_id: '',
        kind: 'keypoint',
        xmin: '25',
        ymin: '15',
        xmax: '25',
        ymax: '15',
        rotation: '',
        points: '[[25,15]]',
        attributes: '{"visibility":2}',
        annotation_id: 'k',
      },
      {
        ...common,
        class: 'car',
        class_id: '0',
        kind: 'mask',
        xmin: '0',
        ymin: '0',
        xmax: '2',
        ymax: '2',
        rotation: '',
        points: '',
        attributes: '{}',
        annotation_id: 'm',
      },
      {
        ...common,
        class: 'indoor',
        class_id: '',
        kind: 'classification',
        xmin: '',
        ymin: '',
        xmax: '',
        ymax: '',
        rotation: '',
        points: '',
        attributes: '{"weather":"sunny"}',
        annotation_id: 'c',
      },
      {
        ...common,
        class: 'person',
        class_id: '1',
        kind: 'bbox',
        xmin: '50',
        ymin: '50',
        xmax: '60',
        ymax: '60',
        rotation: '',
        points: '',
        attributes: '{}',
        annotation_id: 'gb',
      },
      {
        ...common,
        class: 'person',
        class_id: '1',
        kind: 'polygon',
        xmin: '51',
        ymin: '51',
        xmax: '59',
        ymax: '59',
        rotation: '',
        points: '[[51,51],[59,51],[55,59]]',
        attributes: '{}',
        annotation_id: 'gp',
      },
    ]);
    expect(outcomes.map((o) => [o.annotation.id, o.outcome, o.reason, quietOf(o)])).toEqual([
      ['b', 'written', undefined, undefined],
      ['r', 'written', undefined, undefined],
      ['p', 'written', undefined, undefined],
      ['l', 'written', undefined, undefined],
      ['k', 'written', undefined, undefined],
      [
        'm',
        'converted',
        "mask written as its extent box (kind mask); the mask's pixels are not stored",
        undefined,
      ],
      ['c', 'written', undefined, undefined],
      ['gb', 'written', undefined, undefined],
      ['gp', 'written', undefined, undefined],
      ['g', 'converted', GROUP_NOT_STORED, undefined],
      ['rel', 'dropped', 'CSV rows hold image annotations with 2D geometry', undefined],
      ['x', 'dropped', 'not interpretable; kept only in raw JSON', true],
    ]);
  });

  it("uses the class map's explicit ids in class_id and writes a class-less annotation with empty class cells", async () => {
    const [a, d] = box('b', 'person', { x: 1, y: 2, width: 3, height: 4 });
    const { rows, outcomes } = await write(
      [
        item(
          'one',
          [a, { id: 'n', tool: 'bounding_box' }],
          [d, { id: 'n', coordinate: { x: 0, y: 0, width: 1, height: 1 } }],
        ),
      ],
      {},
      { ids: true },
    );
    expect(rows.map((r) => [byName(r)['class'], byName(r)['class_id']])).toEqual([
      ['person', '20'],
      ['', ''],
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['written', 'written']);
  });

  it('neutralises formula triggers in text cells, never in number cells', async () => {
    const evil = '=HYPERLINK("http://evil","x")';
    const anns = [
      { id: '@a', tool: 'bounding_box', classification: { class: evil, note: '=1+1' } },
      { id: 'b', tool: 'bounding_box', classification: { class: '-minus' } },
      { id: 'c', tool: 'bounding_box', classification: { class: "'=quoted" } },
    ];
    const datas = [
      { id: '@a', coordinate: { x: -3.5, y: -1, width: 2, height: 1 } },
      { id: 'b', coordinate: { x: 0, y: 0, width: 1, height: 1, rotation: -0.5 } },
      { id: 'c', coordinate: { x: 0, y: 0, width: 1, height: 1 } },
    ];
    const it0 = item('+cmd', anns, datas, [100, 80], '+cmd.jpg');
    it0.id = '-item';
    const { rows, text } = await write([it0], {}, { classes: [evil, '-minus', "'=quoted"] });
    const [first, second, third] = rows.map(byName);
    expect(first).toMatchObject({
      image: "'+cmd.jpg",
      class: `'${evil}`,
      class_id: '0',
      xmin: '-3.5',
      ymin: '-1',
      xmax: '-1.5',
      ymax: '0',
      attributes: '{"note":"=1+1"}',
      item_id: "'-item",
      annotation_id: "'@a",
    });
    expect(second).toMatchObject({ class: "'-minus", rotation: '-0.5' });
    // A text that already started with a quote and a trigger gets one more quote.
    expect(third).toMatchObject({ class: "''=quoted" });
    // RFC 4180: the quotes inside the class name are doubled, the cell is quoted.
    expect(text).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(text).toContain(',-3.5,-1,-1.5,0,');
    // No text cell of the file starts with a trigger character.
    for (const row of rows) {
      for (const [i, cell] of row.entries()) {
        const numeric = cell !== '' && !Number.isNaN(Number(cell));
        if (!numeric) {
          expect(cell, `${SYNX_COLUMNS[i]} = ${cell}`).not.toMatch(/^[=+\-@\t\r]/);
        }
      }
    }
  });

  it('neutralise and restoreText are exact inverses', () => {
    const texts = [
      '=1',
      '+1',
      '-x',
      '@x',
      '\tx',
      '\rx',
      '＝x',
      "'=x",
      "''+x",
      "'plain",
      'plain',
      '',
      "'",
    ];
    for (const t of texts) {
      expect(restoreText(neutralise(t))).toBe(t);
    }
    expect(neutralise('=1')).toBe("'=1");
    expect(neutralise("'plain")).toBe("'plain");
    expect(restoreText("'plain")).toBe("'plain");
  });

  it('quotes commas, quotes and line breaks in class names and attributes (RFC 4180)', async () => {
    const weird = 'a,b "c"\nd';
    const cr = 'one\rtwo';
    const anns = [
      {
        id: 'q',
        tool: 'bounding_box',
        classification: { class: weird, comment: 'x, "y"\nz' },
      },
      { id: 'r', tool: 'bounding_box', classification: { class: cr } },
    ];
    const datas = [
      { id: 'q', coordinate: { x: 1, y: 1, width: 1, height: 1 } },
      { id: 'r', coordinate: { x: 1, y: 1, width: 1, height: 1 } },
    ];
    const { rows, text } = await write([item('q', anns, datas)], {}, { classes: [weird, cr] });
    expect(rows).toHaveLength(2);
    expect(byName(rows[0]!)['class']).toBe(weird);
    expect(JSON.parse(byName(rows[0]!)['attributes']!)).toEqual({ comment: 'x, "y"\nz' });
    expect(byName(rows[1]!)['class']).toBe(cr);
    expect(text).toContain('"a,b ""c""\nd"');
    expect(text).toContain('"{""comment"":""x, \\""y\\""\\nz""}"');
    expect(text).toContain('"one\rtwo"');
    // Every row has all 16 cells.
    expect(rows.every((r) => r.length === SYNX_COLUMNS.length)).toBe(true);
  });

  it('lists an image without annotations (or whose annotations all drop) in one image-only row', async () => {
    const relation = item(
      'rel',
      [{ id: 'rel', tool: 'relation', classification: { class: 'near' } }],
      [{ id: 'rel', annotationId: 'a', targetAnnotationId: 'b' }],
    );
    const { rows } = await write(
      [item('empty', [], []), relation, item('nosize', [], [], null)],
      {},
      { splits: ['val', 'train', undefined] },
    );
    expect(rows).toEqual([
      ['empty.jpg', '100', '80', 'val', '', '', '', '', '', '', '', '', '', '', 'empty', ''],
      ['rel.jpg', '100', '80', 'train', '', '', '', '', '', '', '', '', '', '', 'rel', ''],
      ['nosize.jpg', '', '', '', '', '', '', '', '', '', '', '', '', '', 'nosize', ''],
    ]);
  });

  it('writes one file per split for the box presets, each with its header, even when empty', async () => {
    const [a, d] = box('b', 'car', { x: 1, y: 2, width: 3, height: 4 });
    const { dir } = await write(
      [item('one', [a], [d]), item('two', [a], [d])],
      { preset: 'tfod' },
      { splits: ['train', 'val'] },
    );
    const header = 'filename,width,height,class,xmin,ymin,xmax,ymax\n';
    expect(readFileSync(join(dir, 'train_annotations.csv'), 'utf8')).toBe(
      `${header}one.jpg,100,80,car,1,2,4,6\n`,
    );
    expect(readFileSync(join(dir, 'val_annotations.csv'), 'utf8')).toBe(
      `${header}two.jpg,100,80,car,1,2,4,6\n`,
    );
    expect(existsSync(join(dir, 'annotations.csv'))).toBe(false);
  });

  it('drops an object of a class outside the class map quietly; keeps classifications and keypoints', async () => {
    const [a, d] = box('u', 'bus', { x: 0, y: 0, width: 1, height: 1 });
    const anns = [
      a,
      { id: 'k', tool: 'keypoint', classification: { class: 'tail' } },
      { id: 'c', tool: 'classification', classification: { class: 'night' } },
    ];
    const datas = [d, { id: 'k', coordinate: { x: 1, y: 1 } }, { id: 'c' }];
    const { rows, outcomes } = await write([item('u', anns, datas)]);
    expect(rows.map((r) => byName(r)['annotation_id'])).toEqual(['k', 'c']);
    expect(outcomes.map((o) => [o.annotation.id, o.outcome, o.reason, quietOf(o)])).toEqual([
      ['u', 'dropped', 'class "bus" is not in the class map', true],
      ['k', 'written', undefined, undefined],
      ['c', 'written', undefined, undefined],
    ]);
  });

  it('drops masks of images of unknown size, and empty masks, with a reason', async () => {
    const anns = [{ id: 'm', tool: 'segmentation', classification: { class: 'car' } }];
    const nosize = item('n', anns, [{ id: 'm', pixel_indices: [0, 1] }], null);
    const empty = item('e', anns, [{ id: 'm', pixel_indices: [] }]);
    const { outcomes } = await write([nosize, empty]);
    expect(outcomes.map((o) => [o.outcome, o.reason])).toEqual([
      ['dropped', "the image size is unknown, so the mask's extent cannot be computed"],
      ['dropped', 'the mask is empty, so it has no extent'],
    ]);
  });

  it('writes a byte order mark and CRLF line endings when asked', async () => {
    const [a, d] = box('b', 'car', { x: 1, y: 2, width: 3, height: 4 }, { note: 'a\nb' });
    const plain = await write([item('b', [a], [d])]);
    expect(plain.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(plain.text.startsWith('image,width,height,split,class,')).toBe(true);
    expect(plain.text).not.toContain('\r');
    expect(plain.text.endsWith('\n')).toBe(true);

    const excel = await write([item('b', [a], [d])], { bom: 'true', eol: 'crlf' });
    expect(excel.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const lines = excel.text.slice(1).split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(SYNX_COLUMNS.join(','));
    expect(lines[2]).toBe('');
    expect(excel.rows).toEqual(plain.rows);
  });

  it('writes to the file named by the file option, and nothing else', async () => {
    const { dir, result } = await write([item('a', [], [])], { file: 'labels.csv' });
    expect(readdirSync(dir)).toEqual(['labels.csv']);
    expect(result).toEqual({
      files: 1,
      outputs: [{ path: 'labels.csv', images: 1, annotations: 0 }],
    });
  });

  it('stops when the export is aborted and leaves no partial file', async () => {
    const controller = new AbortController();
    controller.abort();
    const before = new Set(readdirSync(root));
    await expect(write([item('a', [], [])], {}, { signal: controller.signal })).rejects.toThrow();
    const created = readdirSync(root).filter((n) => !before.has(n));
    expect(created).toHaveLength(1);
    expect(readdirSync(join(root, created[0]!))).toEqual([]);
  });

  it('streams rows to disk while items still arrive (memory does not grow with rows)', async () => {
    const dir = mkdtempSync(join(root, 'stream-'));
    const anns: Annotation[] = Array.from({ length: 2000 }, (_, i) => ({
      id: `b${i}`,
      tool: 'bounding_box',
      kind: 'bbox',
      classCode: 'car',
      attributes: {},
      x: i,
      y: 1,
      width: 2,
      height: 3,
    }));
    const media: Media = {
      id: 'image_1',
      kind: 'image',
      width: 100,
      height: 80,
      annotations: anns,
    };
    let onDiskBeforeLast = 0;
    async function* gen(): AsyncGenerator<ExportItem> {
      for (let i = 0; i < 25; i++) {
        if (i === 24) {
          onDiskBeforeLast = statSync(join(dir, 'annotations.csv.partial')).size;
        }
        const stem = `i${i}`;
        const it: Item = { id: stem, sourceKind: 'folder', key: stem, stem, media: [media] };
        yield {
          item: it,
          split: undefined,
          images: [{ media, fileName: `${stem}.jpg`, stem }],
          stem,
        };
      }
    }
    const cmap = classMapFromList([{ name: 'car' }]);
    let accounted = 0;
    await csvFormat.write?.(
      {
        classes: cmap,
        keypointNames: [],
        items: gen(),
        splits: undefined,
      },
      { dir },
      CsvOptionsSchema.parse({}),
      {
        ...fakeContext(),
        account: () => {
          accounted++;
        },
      },
    );
    const text = readFileSync(join(dir, 'annotations.csv'), 'utf8');
    const rows: string[][] = parse(text);
    expect(rows).toHaveLength(50_001);
    expect(accounted).toBe(50_000);
    // Most of the file was on disk before the last item arrived.
    expect(onDiskBeforeLast).toBeGreaterThan(text.length / 2);
    expect(rows[50_000]).toEqual([
      'i24.jpg',
      '100',
      '80',
      '',
      'car',
      '0',
      'bbox',
      '1999',
      '1',
      '2001',
      '4',
      '',
      '',
      '{}',
      'i24',
      'b1999',
    ]);
  });
});

describe('CSV writer, outputs', () => {
  /** Annotation rows and distinct images of a CSV file, counted from what it holds. */
  const counted = (path: string, imageColumn: number, kindColumn?: number) => {
    const all: string[][] = parse(readFileSync(path, 'utf8'), { bom: true });
    const rows = all.slice(1);
    return {
      images: new Set(rows.map((r) => r[imageColumn])).size,
      annotations: rows.filter((r) => kindColumn === undefined || r[kindColumn] !== '').length,
    };
  };

  it('synx preset: one file for every split, annotations are rows with a kind, images distinct', async () => {
    const [a, d] = box('b', 'car', { x: 1, y: 2, width: 3, height: 4 });
    const [p, pd] = box('p', 'person', { x: 1, y: 2, width: 3, height: 4 });
    const { dir, result } = await write(
      [item('one', [a, p], [d, pd]), item('empty', [], []), item('two', [a], [d])],
      {},
      { splits: ['train', 'val', 'train'] },
    );
    const c = counted(join(dir, 'annotations.csv'), 0, SYNX_COLUMNS.indexOf('kind'));
    expect(c).toEqual({ images: 3, annotations: 3 });
    expect(result?.outputs).toEqual([{ path: 'annotations.csv', ...c }]);
  });

  it('box presets: one entry per split file; an image without objects has no row', async () => {
    const [a, d] = box('b', 'car', { x: 1, y: 2, width: 3, height: 4 });
    const { dir, result } = await write(
      [item('one', [a, a], [d, d]), item('empty', [], []), item('two', [a], [d])],
      { preset: 'tfod' },
      { splits: ['train', 'train', 'val'] },
    );
    const train = counted(join(dir, 'train_annotations.csv'), 0);
    const val = counted(join(dir, 'val_annotations.csv'), 0);
    expect(train.images).toBe(1);
    expect(result?.outputs).toEqual([
      { path: 'train_annotations.csv', ...train, split: 'train' },
      { path: 'val_annotations.csv', ...val, split: 'val' },
    ]);
  });

  it('the load hint reads the file written', () => {
    const hint = (o: object, splits?: string[]) =>
      csvFormat.describe(CsvOptionsSchema.parse(o)).loadHint?.('out', splits);
    expect(hint({})).toBe('pandas: pd.read_csv("out/annotations.csv")');
    expect(hint({ file: 'boxes.csv' }, ['train', 'val'])).toBe(
      'pandas: pd.read_csv("out/boxes.csv")',
    );
    expect(hint({ preset: 'tfod' }, ['train', 'val'])).toBe(
      'pandas: pd.read_csv("out/train_annotations.csv") (one file per split)',
    );
  });
});

describe('CSV writer, accounting', () => {
  for (const preset of ['synx', 'tfod', 'openimages'] as const) {
    it(`accounts every annotation exactly once (${preset})`, async () => {
      const extra: Media = {
        id: 'image_2',
        kind: 'image',
        file: { name: 'extra.jpg' },
        width: 10,
        height: 10,
        annotations: [
          {
            id: 'v',
            tool: 'segmentation',
            kind: 'video-segment',
            classCode: 'car',
            attributes: {},
            startFrame: 0,
            endFrame: 1,
          },
          {
            id: 'ne',
            tool: 'named_entity',
            kind: 'named-entity',
            classCode: 'car',
            attributes: {},
            ranges: [],
            content: 'x',
          },
          {
            id: 'cu',
            tool: '3d_bounding_box',
            kind: 'cuboid',
            classCode: 'car',
            attributes: {},
            position: { x: 0, y: 0, z: 0 },
            scale: { x: 1, y: 1, z: 1 },
            rotation: { x: 0, y: 0, z: 0 },
          },
          {
            id: 'ps',
            tool: '3d_segmentation',
            kind: 'point-segmentation',
            classCode: 'car',
            attributes: {},
            points: [1, 2],
          },
          { id: 'pr', tool: 'prompt', kind: 'prompt', classCode: null, attributes: {}, input: [] },
          { id: 'an', tool: 'answer', kind: 'answer', classCode: null, attributes: {}, output: [] },
          {
            id: 'eg',
            tool: 'annotationGroup',
            kind: 'group',
            classCode: 'car',
            attributes: {},
            members: [],
          },
          {
            id: 'nb',
            tool: 'bounding_box',
            kind: 'bbox',
            classCode: null,
            attributes: {},
            x: 1,
            y: 1,
            width: 2,
            height: 2,
          },
          {
            id: 'out',
            tool: 'bounding_box',
            kind: 'bbox',
            classCode: 'car',
            attributes: {},
            x: 20,
            y: 20,
            width: 2,
            height: 2,
          },
        ],
      };
      const all = everything();
      all.media.push(extra);
      const { outcomes } = await write([all], { preset });
      const given = all.media.flatMap((m) => m.annotations);
      expect(new Set(given.map((a) => a.kind))).toEqual(new Set(ANNOTATION_KINDS));
      // Exactly once each.
      expect(outcomes).toHaveLength(given.length);
      expect(new Set(outcomes.map((o) => o.annotation))).toEqual(new Set(given));
      for (const kind of ANNOTATION_KINDS) {
        const inKind = given.filter((a) => a.kind === kind).length;
        const byOutcome = (what: AnnotationOutcome['outcome']) =>
          outcomes.filter((o) => o.annotation.kind === kind && o.outcome === what).length;
        expect(byOutcome('written') + byOutcome('converted') + byOutcome('dropped'), kind).toBe(
          inKind,
        );
      }
      for (const o of outcomes) {
        if (o.outcome !== 'written') {
          expect(o.reason, o.annotation.id).toMatch(/\w/);
        }
      }
    });
  }
});

describe('CSV writer, tfod preset', () => {
  it('equals the TensorFlow Object Detection CSV made from the same labelImg files', async () => {
    const { items } = vocItems(realFixture('raccoon-labelimg', 'annotations'));
    const { header, rows, outcomes } = await write(
      items,
      { preset: 'tfod' },
      { classes: ['raccoon'] },
    );
    const reference: string[][] = parse(
      readFileSync(realFixture('raccoon-labelimg', 'raccoon_labels_subset.csv'), 'utf8'),
    );
    expect(header).toEqual(reference[0]);
    expect(header).toEqual([...TFOD_COLUMNS]);
    const key = (r: string[]) => r.join(',');
    expect(rows.map(key).sort()).toEqual(reference.slice(1).map(key).sort());
    expect(outcomes.every((o) => o.outcome === 'written')).toBe(true);
  });

  it('writes rotated boxes as their hull, polygons and masks as extent boxes; drops the rest', async () => {
    const { rows, outcomes } = await write([everything()], { preset: 'tfod' });
    expect(rows).toEqual([
      ['all.jpg', '4', '3', 'car', '1.25', '2.5', '11.375', '22.5'],
      ['all.jpg', '4', '3', 'car', '11', '9', '13', '13'],
      ['all.jpg', '4', '3', 'person', '10', '20', '30.5', '40'],
      ['all.jpg', '4', '3', 'car', '0', '0', '2', '2'],
      ['all.jpg', '4', '3', 'person', '50', '50', '60', '60'],
    ]);
    const fate = Object.fromEntries(
      outcomes.map((o) => [o.annotation.id, `${o.outcome}${o.reason ? `: ${o.reason}` : ''}`]),
    );
    expect(fate).toEqual({
      b: 'written',
      r: 'converted: rotated box written as its axis-aligned hull; the angle is not stored',
      p: 'converted: polygon written as the extent box of its object',
      l: 'dropped: TensorFlow Object Detection CSV rows are object boxes; a polyline outlines no object',
      k: 'dropped: TensorFlow Object Detection CSV rows are object boxes; keypoints have no place in them',
      m: 'converted: mask written as the extent box of its object',
      c: 'dropped: TensorFlow Object Detection CSV rows are object boxes; image-level labels have no place in them',
      gb: 'written',
      gp: "dropped: the object's box is written; its polygon is not written again",
      g: 'written',
      rel: 'dropped: CSV rows hold image annotations with 2D geometry',
      x: 'dropped: not interpretable; kept only in raw JSON',
    });
  });

  it('gives images without objects no row and drops boxes of images of unknown size', async () => {
    const [a, d] = box('b', 'car', { x: 1, y: 2, width: 3, height: 4 });
    const { rows, outcomes } = await write(
      [item('empty', [], []), item('nosize', [a], [d], null)],
      { preset: 'tfod' },
    );
    expect(rows).toEqual([]);
    expect(outcomes.map((o) => [o.outcome, o.reason])).toEqual([
      [
        'dropped',
        'the image size is unknown; TensorFlow Object Detection CSV rows need the width and height',
      ],
    ]);
  });

  it('one box around the polygons and masks of a group without a box', async () => {
    const anns = [
      { id: 'p1', tool: 'polygon', classification: { class: 'car' } },
      { id: 'p2', tool: 'polygon', classification: { class: 'car' } },
      { id: 'g', tool: 'annotationGroup', classification: { class: 'car' } },
    ];
    const tri = (dx: number) => [
      { x: dx, y: 1 },
      { x: dx + 2, y: 1 },
      { x: dx + 1, y: 3 },
    ];
    const datas = [
      { id: 'p1', coordinate: tri(1) },
      { id: 'p2', coordinate: tri(10) },
      {
        id: 'g',
        annotationList: [
          { annotationId: 'p1', children: [] },
          { annotationId: 'p2', children: [] },
        ],
      },
    ];
    const { rows, outcomes } = await write([item('g', anns, datas)], { preset: 'tfod' });
    expect(rows).toEqual([['g.jpg', '100', '80', 'car', '1', '1', '12', '3']]);
    expect(outcomes.map((o) => [o.annotation.id, o.outcome])).toEqual([
      ['p1', 'converted'],
      ['p2', 'converted'],
      ['g', 'written'],
    ]);
  });
});

describe('CSV writer, openimages preset', () => {
  it('matches the Open Images CSV of the same VOC boxes by value', async () => {
    const { items, vocs } = vocItems(realFixture('voc2012-multiformat', 'voc', 'Annotations'));
    const classes = [...new Set(vocs.flatMap((v) => v.objects.map((o) => o.name)))].sort();
    const { header, rows, outcomes } = await write(items, { preset: 'openimages' }, { classes });
    const reference: string[][] = parse(
      readFileSync(realFixture('voc2012-multiformat', 'openimages_style.csv'), 'utf8'),
    );
    expect(header).toEqual(reference[0]);
    expect(header).toEqual([...OPENIMAGES_COLUMNS]);
    const decimal = (cell: string) => Number(cell.replace(',', '.'));
    const pool = reference.slice(1);
    expect(rows).toHaveLength(pool.length);
    expect(rows).toHaveLength(78);
    const pairs = (list: string[][]) => list.map((r) => `${r[0]} ${r[2]}`).sort();
    expect(pairs(rows)).toEqual(pairs(pool));
    for (const row of rows) {
      expect(row[4]).toMatch(/^\d(\.\d{1,10})?$/);
      const i = pool.findIndex(
        (ref) =>
          ref[0] === row[0] &&
          ref[2] === row[2] &&
          [4, 5, 6, 7].every((c) => Math.abs(decimal(ref[c] ?? '') - Number(row[c] ?? '')) <= 1e-6),
      );
      expect(i, `no reference row for ${row.join(',')}`).toBeGreaterThanOrEqual(0);
      pool.splice(i, 1);
      expect(row[1]).toBe('');
      expect(row[3]).toBe('');
      expect(row.slice(10)).toEqual(['', '', '']);
    }
    expect(pool).toEqual([]);
    // IsTruncated comes from the VOC truncated flag (the reference leaves it empty).
    const truncated = vocs.flatMap((v) => v.objects.map((o) => o.truncated ?? ''));
    expect(rows.map((r) => r[9]).sort()).toEqual(truncated.sort());
    expect(rows.map((r) => r[8])).toEqual(rows.map(() => ''));
    expect(outcomes.every((o) => o.outcome === 'written')).toBe(true);
  });

  it('normalises with up to 10 decimals, clamps to the image and drops what cannot be placed', async () => {
    const anns = [
      { id: 'in', tool: 'bounding_box', classification: { class: 'car', occluded: true } },
      { id: 'half', tool: 'bounding_box', classification: { class: 'car', truncated: 'no' } },
      { id: 'away', tool: 'bounding_box', classification: { class: 'car' } },
    ];
    const datas = [
      { id: 'in', coordinate: { x: 1, y: 1, width: 1, height: 1 } },
      { id: 'half', coordinate: { x: -1, y: 1, width: 2, height: 1 } },
      { id: 'away', coordinate: { x: 5, y: 5, width: 1, height: 1 } },
    ];
    const sized = item('s', anns, datas, [3, 3]);
    const [a, d] = box('u', 'car', { x: 1, y: 1, width: 1, height: 1 });
    const unsized = item('u', [a], [d], null);
    const { rows, outcomes } = await write([sized, unsized], { preset: 'openimages' });
    expect(rows).toEqual([
      [
        's.jpg',
        '',
        'car',
        '',
        '0.3333333333',
        '0.6666666667',
        '0.3333333333',
        '0.6666666667',
        '1',
        '',
        '',
        '',
        '',
      ],
      [
        's.jpg',
        '',
        'car',
        '',
        '0',
        '0.3333333333',
        '0.3333333333',
        '0.6666666667',
        '',
        '0',
        '',
        '',
        '',
      ],
    ]);
    expect(outcomes.map((o) => [o.annotation.id, o.outcome, o.reason])).toEqual([
      ['in', 'written', undefined],
      ['half', 'converted', 'box clamped to the image (Open Images coordinates lie in 0..1)'],
      ['away', 'dropped', 'the box lies outside the image'],
      ['u', 'dropped', 'the image size is unknown, so the box cannot be normalised'],
    ]);
  });
});

describe('CSV format description', () => {
  it('declares per-preset treatments, the file it owns and where media go', () => {
    const synx = csvFormat.describe(CsvOptionsSchema.parse({}));
    expect(synx.kinds['rotated-bbox']?.action).toBe('keep');
    expect(synx.kinds.mask).toMatchObject({ action: 'convert', to: 'extent box (kind mask)' });
    expect(synx.kinds.keypoint?.action).toBe('keep');
    expect(synx.kinds.classification?.action).toBe('keep');
    expect(synx.kinds.group).toMatchObject({ action: 'convert' });
    expect(synx.kinds.relation?.action).toBe('drop');
    expect(synx.splits).toBe(true);
    expect(synx.owns).toEqual(['annotations.csv']);
    expect(synx.mediaDir?.(undefined)).toBe('images');
    expect(synx.mediaDir?.('train')).toBe('images/train');
    expect(synx.layout(['train', 'val'])[0]).toMatch(/^annotations\.csv /);

    for (const preset of ['tfod', 'openimages'] as const) {
      const d = csvFormat.describe(CsvOptionsSchema.parse({ preset, file: 'boxes.csv' }));
      expect(d.kinds.bbox?.action).toBe('keep');
      expect(d.kinds['rotated-bbox']?.action).toBe('convert');
      expect(d.kinds.polygon?.action).toBe('convert');
      expect(d.kinds.mask?.action).toBe('convert');
      expect(d.kinds.keypoint?.action).toBe('drop');
      expect(d.kinds.classification?.action).toBe('drop');
      expect(d.owns).toEqual(['boxes.csv', 'train_boxes.csv', 'val_boxes.csv', 'test_boxes.csv']);
      expect(d.layout(undefined)[0]).toMatch(/^boxes\.csv \(/);
      expect(d.layout(['train', 'val']).slice(0, 2)).toEqual([
        expect.stringMatching(/^train_boxes\.csv \(.*; split train\)$/),
        expect.stringMatching(/^val_boxes\.csv \(.*; split val\)$/),
      ]);
    }
    // Every canonical kind has a treatment in every preset.
    for (const preset of ['synx', 'tfod', 'openimages'] as const) {
      const d = csvFormat.describe(CsvOptionsSchema.parse({ preset }));
      for (const kind of ANNOTATION_KINDS) {
        expect(d.kinds[kind], `${preset} ${kind}`).toBeDefined();
      }
    }
  });

  it('validates options given as strings', () => {
    expect(CsvOptionsSchema.parse({})).toEqual({
      preset: 'synx',
      bom: false,
      eol: 'lf',
      file: 'annotations.csv',
    });
    expect(CsvOptionsSchema.parse({ bom: 'true', eol: 'crlf', preset: 'tfod' })).toMatchObject({
      bom: true,
      eol: 'crlf',
      preset: 'tfod',
    });
    expect(CsvOptionsSchema.parse({ bom: 'false' }).bom).toBe(false);
    expect(CsvOptionsSchema.safeParse({ bom: 'maybe' }).success).toBe(false);
    expect(CsvOptionsSchema.safeParse({ preset: 'yolo' }).success).toBe(false);
    expect(CsvOptionsSchema.safeParse({ file: '../x.csv' }).success).toBe(false);
    expect(CsvOptionsSchema.safeParse({ file: '..' }).success).toBe(false);
    expect(CsvOptionsSchema.safeParse({ file: 'a b.csv' }).success).toBe(false);
  });
});

describe('CSV reader', () => {
  async function readAll(dir: string, options: Record<string, unknown> = {}) {
    const issues: Issue[] = [];
    const ctx = fakeContext(issues);
    const ds = await csvFormat.read!({ dir }, CsvOptionsSchema.parse(options), ctx);
    const items: Item[] = [];
    for await (const it of ds.items()) {
      items.push(it);
    }
    return { ds, items, issues, ctx };
  }

  it('reads back what the synx preset wrote', async () => {
    const evil = '=cmd|calc';
    const anns = [
      { id: 'b', tool: 'bounding_box', classification: { class: evil, occluded: 'no' } },
      { id: 'r', tool: 'bounding_box', classification: { class: 'car' } },
      { id: 'p', tool: 'polygon', classification: { class: 'person', tags: ['a', 'b'] } },
      { id: 'l', tool: 'polyline', classification: { class: 'person' } },
      { id: 'k', tool: 'keypoint', classification: { class: 'nose' } },
      { id: 'c', tool: 'classification', classification: { class: 'indoor', note: '-x, "y"' } },
      { id: 'n', tool: 'bounding_box' },
    ];
    const datas = [
      { id: 'b', coordinate: { x: 1.1, y: 2.2, width: 3.3, height: 4.4 } },
      { id: 'r', coordinate: { x: -3.5, y: 10, width: 4, height: 2, rotation: 0.25 } },
      {
        id: 'p',
        coordinate: [
          { x: 10, y: 20 },
          { x: 30.5, y: 20 },
          { x: 20, y: 40 },
        ],
      },
      {
        id: 'l',
        coordinate: [
          { x: 0, y: 0 },
          { x: 5, y: 7 },
        ],
      },
      { id: 'k', coordinate: { x: 25, y: 15 } },
      { id: 'c' },
      { id: 'n', coordinate: { x: 0, y: 0, width: 1, height: 1 } },
    ];
    const source = [item('one', anns, datas, [640, 480], '+one.jpg'), item('two', [], [])];
    const { dir } = await write(source, {}, { classes: ['car', 'person', evil], ids: true });
    expect(await csvFormat.detect?.({ dir }, fakeContext())).toBe(80);
    const { ds, items, issues } = await readAll(dir);
    expect(issues).toEqual([]);
    expect(ds.header.classes.entries.map((e) => [e.code, e.id])).toEqual([
      ['car', 10],
      ['person', 20],
      [evil, 30],
    ]);
    expect(ds.header.keypointNames).toEqual(['nose']);
    expect(ds.header.itemCount).toBe(2);
    expect(items.map((i) => [i.id, i.stem, i.media[0]?.file?.name])).toEqual([
      ['one', '+one', '+one.jpg'],
      ['two', 'two', 'two.jpg'],
    ]);
    expect(items[0]?.media[0]).toMatchObject({ width: 640, height: 480 });
    expect(items[1]?.media[0]?.annotations).toEqual([]);
    const strip = (a: Annotation) => {
      const { tool: _tool, ...rest } = a;
      return rest;
    };
    const original = source[0]!.media[0]!.annotations.map((a) => {
      // What the CSV keeps: kind, class, attributes, geometry (not where the DM data had it).
      const {
        tool: _t,
        classification: _c,
        label: _l,
        state: _s,
        dmIndex: _i,
        dataIndex: _d,
        ...rest
      } = a;
      return rest;
    });
    expect(items[0]!.media[0]!.annotations.map(strip)).toEqual(original);
  });

  it('reads a file written with a byte order mark, CRLF line endings and another name', async () => {
    const [a, d] = box('b', 'car', { x: 1, y: 2, width: 3, height: 4 }, { note: 'two\nlines' });
    const opts = { bom: 'true', eol: 'crlf', file: 'labels.csv' };
    const { dir } = await write([item('b', [a], [d])], opts);
    expect(await csvFormat.detect?.({ dir }, fakeContext())).toBe(80);
    const { items } = await readAll(dir, opts);
    expect(items[0]?.media[0]?.annotations).toEqual([
      {
        id: 'b',
        tool: 'bounding_box',
        kind: 'bbox',
        classCode: 'car',
        attributes: { note: 'two\nlines' },
        x: 1,
        y: 2,
        width: 3,
        height: 4,
      },
    ]);
  });

  it('reads a TensorFlow Object Detection CSV (boxes)', async () => {
    const dir = mkdtempSync(join(root, 'tfod-'));
    copyFileSync(
      realFixture('raccoon-labelimg', 'raccoon_labels_subset.csv'),
      join(dir, 'raccoon_labels.csv'),
    );
    expect(await csvFormat.detect?.({ dir }, fakeContext())).toBe(60);
    const { ds, items, issues } = await readAll(dir);
    expect(issues).toEqual([]);
    expect(ds.header.classes.entries.map((e) => e.code)).toEqual(['raccoon']);
    expect(items).toHaveLength(12);
    const r61 = items.find((i) => i.media[0]?.file?.name === 'raccoon-61.jpg');
    expect(r61?.media[0]).toMatchObject({ width: 274, height: 184 });
    expect(r61?.media[0]?.annotations).toEqual([
      {
        id: '1',
        tool: 'bounding_box',
        kind: 'bbox',
        classCode: 'raccoon',
        attributes: {},
        x: 94,
        y: 63,
        width: 101,
        height: 85,
      },
      {
        id: '2',
        tool: 'bounding_box',
        kind: 'bbox',
        classCode: 'raccoon',
        attributes: {},
        x: 142,
        y: 39,
        width: 71,
        height: 69,
      },
    ]);
  });

  it('groups rows of one image that are not consecutive, reports bad rows, classes by name without ids', async () => {
    const dir = mkdtempSync(join(root, 'mixed-'));
    writeFileSync(
      join(dir, 'annotations.csv'),
      [
        SYNX_COLUMNS.join(','),
        'a.jpg,10,10,,cat,,bbox,1,1,2,2,,,{},a,1',
        'b.jpg,10,10,,dog,,bbox,1,1,2,2,,,{},b,1',
        'a.jpg,10,10,,bird,,polygon,1,1,3,3,,"[[1,1],[3,1],[2,3]]",,a,2',
        'a.jpg,10,10,,cat,,bbox,x,1,2,2,,,{},a,3',
        'a.jpg,10,10,,cat,,mask,1,1,2,2,,,{},a,4',
        'a.jpg,10,10,,cat,,wand,1,1,2,2,,,{},a,5',
        '',
      ].join('\n'),
    );
    expect(await csvFormat.detect?.({ dir }, fakeContext())).toBe(80);
    const { ds, items, issues } = await readAll(dir);
    expect(ds.header.classes.entries.map((e) => e.code)).toEqual(['bird', 'cat', 'dog']);
    expect(
      items.map((i) => [i.id, i.media[0]?.annotations.map((a) => `${a.id}:${a.kind}`)]),
    ).toEqual([
      ['a', ['1:bbox', '2:polygon', '4:other']],
      ['b', ['1:bbox']],
    ]);
    expect(items[0]?.media[0]?.annotations[2]).toMatchObject({
      kind: 'other',
      reason: 'missing-data',
      data: { kind: 'mask', xmin: 1, ymin: 1, xmax: 2, ymax: 2 },
    });
    expect(issues.map((i) => i.message.replace(/^.*line /, 'line '))).toEqual([
      'line 5: xmin, ymin, xmax and ymax must be numbers; the row is skipped',
      'line 7: unknown kind "wand"; the row is skipped',
    ]);
  });

  it('does not recognise other folders and refuses an Open Images CSV', async () => {
    const empty = mkdtempSync(join(root, 'none-'));
    expect(await csvFormat.detect?.({ dir: empty }, fakeContext())).toBe(0);
    await expect(readAll(empty)).rejects.toThrow(/holds no CSV file/);
    const oi = mkdtempSync(join(root, 'oi-'));
    copyFileSync(
      realFixture('voc2012-multiformat', 'openimages_style.csv'),
      join(oi, 'annotations.csv'),
    );
    expect(await csvFormat.detect?.({ dir: oi }, fakeContext())).toBe(0);
    await expect(readAll(oi)).rejects.toThrow(/Open Images CSV/);
    const other = mkdtempSync(join(root, 'other-'));
    writeFileSync(join(other, 'annotations.csv'), 'a,b,c\n1,2,3\n');
    expect(await csvFormat.detect?.({ dir: other }, fakeContext())).toBe(0);
  });
});
