import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkAccounting,
  checkOutputHolds,
  checkWrittenInOutput,
  compareTrees,
  dmItem,
  exportItemsOf,
  probeObjectsOfItems,
  readBack,
  recordingContext,
  runWriter,
  tempDir,
  type FixtureData,
} from '@synx/format-testkit';
import { classMapFromList, type Item } from '@synx/model';
import { describe, expect, it } from 'vitest';
import {
  classFolderName,
  classOfFolderName,
  compareCodePoints,
  detectImageFolder,
  imageFolderFormat,
  itemClassOf,
  MAX_FOLDER_BYTES,
  parseClassRule,
} from '../src/index.js';
import { classificationFixture, placeMedia } from './helpers.js';

const root = tempDir('imagefolder');
let n = 0;
const fresh = (name: string): string => join(root, `${name}-${n++}`);
const read = (dir: string, f: string): string => readFileSync(join(dir, f), 'utf8');
const fixture = (() => {
  let p: Promise<FixtureData> | undefined;
  return () => (p ??= classificationFixture(join(root, 'fixture')));
})();

describe('class folder names', () => {
  it('are safe on every file system, injective and reversible', () => {
    const cases: [string, string][] = [
      ['cat', 'cat'],
      ['a/b', 'a%2Fb'],
      ['a\\b', 'a%5Cb'],
      ['100%', '100%25'],
      ['a:b*c?"<>|', 'a%3Ab%2Ac%3F%22%3C%3E%7C'],
      ['..', '%2E%2E'],
      ['.', '%2E'],
      ['.hidden', '%2Ehidden'],
      ['trailing.', 'trailing%2E'],
      [' spaced ', '%20spaced%20'],
      ['line\nbreak', 'line%0Abreak'],
      ['tab\t', 'tab%09'],
      ['CON', '%43ON'],
      ['nul.txt', '%6Eul.txt'],
      ['com1', '%63om1'],
      ['console', 'console'],
      ['classes.txt', '%63lasses.txt'],
      ['report.html', '%72eport.html'],
      ['synx-export.json', '%73ynx-export.json'],
      ['SYNX-issues.jsonl', '%53YNX-issues.jsonl'],
      ['猫', '猫'],
      ['形_ü shapes', '形_ü shapes'],
      ['a%2Fb', 'a%252Fb'],
    ];
    for (const [code, folder] of cases) {
      expect(classFolderName(code), code).toBe(folder);
      expect(classOfFolderName(folder), folder).toBe(code);
    }
    expect(new Set(cases.map(([c]) => classFolderName(c))).size).toBe(cases.length);
  });

  it('cuts long names, keeping them distinct', () => {
    const a = classFolderName('x'.repeat(300));
    const b = classFolderName(`${'x'.repeat(299)}y`);
    const c = classFolderName('猫'.repeat(100));
    for (const f of [a, b, c]) {
      expect(Buffer.byteLength(f)).toBeLessThanOrEqual(MAX_FOLDER_BYTES);
      expect(f).toMatch(/~[0-9a-f]{16}$/);
    }
    expect(a).not.toBe(b);
  });

  it('sort by code point, as Python does', () => {
    const names = ['b', '𝒜', 'B', '\uFFFF', 'a', 'ab', '_'];
    expect([...names].sort(compareCodePoints)).toEqual(['B', '_', 'a', 'ab', 'b', '\uFFFF', '𝒜']);
  });
});

describe('the class rule', () => {
  const rule = parseClassRule('classification');
  const byScene = parseClassRule('attribute:scene');
  const media = (anns: object[], datas: object[]): Item['media'][number] => {
    const m = dmItem('x', anns, datas).media[0];
    if (m === undefined) {
      throw new Error('no media');
    }
    return m;
  };
  const cls = (id: string, c: string | undefined, attrs: object = {}): object => ({
    id,
    tool: 'classification',
    classification: { ...(c === undefined ? {} : { class: c }), ...attrs },
  });

  it('takes the classification class, or an attribute (a multi-select gives several)', () => {
    const one = media([cls('a', 'cat', { scene: 'indoor' })], [{ id: 'a' }]);
    expect(itemClassOf([one], rule)).toEqual({ kind: 'class', cls: 'cat' });
    expect(itemClassOf([one], byScene)).toEqual({ kind: 'class', cls: 'indoor' });
    const tags = media([cls('a', 'cat', { scene: ['indoor', 'outdoor'] })], [{ id: 'a' }]);
    expect(itemClassOf([tags], byScene)).toMatchObject({
      kind: 'multi',
      classes: ['indoor', 'outdoor'],
    });
    const two = media([cls('a', 'cat'), cls('b', 'dog')], [{ id: 'a' }, { id: 'b' }]);
    expect(itemClassOf([two], rule)).toMatchObject({ kind: 'multi', classes: ['cat', 'dog'] });
    const same = media([cls('a', 'cat'), cls('b', 'cat')], [{ id: 'a' }, { id: 'b' }]);
    expect(itemClassOf([same], rule)).toEqual({ kind: 'class', cls: 'cat' });
    expect(itemClassOf([media([cls('a', undefined)], [{ id: 'a' }])], rule)).toEqual({
      kind: 'none',
    });
    expect(itemClassOf([media([], [])], rule)).toEqual({ kind: 'none' });
    // A box's class is not the image's.
    const box = media(
      [{ id: 'b', tool: 'bounding_box', classification: { class: 'car' } }],
      [{ id: 'b', coordinate: { x: 0, y: 0, width: 1, height: 1 } }],
    );
    expect(itemClassOf([box], rule)).toEqual({ kind: 'none' });
    expect(itemClassOf([one, media([], [])], rule)).toEqual({ kind: 'class', cls: 'cat' });
    const dog = media([cls('d', 'dog')], [{ id: 'd' }]);
    expect(itemClassOf([one, dog], rule)).toEqual({ kind: 'mixed', classes: ['cat', 'dog'] });
  });

  it('is refused when malformed', async () => {
    const r = await imageFolderFormat.options?.['~standard'].validate({ classFrom: 'attribute:' });
    expect(r?.issues?.[0]?.message).toMatch(/classFrom/);
  });
});

describe('writing the classification fixture', () => {
  it('files each image under its class, reports the others, accounts every annotation', async () => {
    const data = await fixture();
    const run = await runWriter(imageFolderFormat, {}, data, fresh('default'));
    checkAccounting(imageFolderFormat, data, run);
    const d = imageFolderFormat.describe({ classFrom: 'classification' });
    const dirs = Object.fromEntries(
      run.exportItems.map((e) => [e.item.id, d.mediaDir?.(e.split, e)]),
    );
    expect(dirs).toEqual({
      'cat-1': 'cat',
      'cat-box': 'cat',
      'dog-1': 'dog',
      slash: 'a%2Fb',
      '猫-1': '猫',
      zebra: 'zebra',
      unlabelled: undefined,
      'no-class': undefined,
      'two-classes': undefined,
      'two-scenes': 'dog',
    });
    expect(d.mediaDir?.('train')).toBe('train/<class>');
    expect(read(run.dir, 'classes.txt')).toBe('a%2Fb\ncat\ndog\nzebra\n猫\n');
    expect(read(run.dir, 'labels.csv')).toBe(
      [
        'path,split,class,item',
        'cat/cat-1.jpg,,cat,cat-1',
        'cat/cat-box.jpg,,cat,cat-box',
        'dog/dog-1.jpg,,dog,dog-1',
        'a%2Fb/slash.jpg,,a/b,slash',
        'dog/two-scenes.jpg,,dog,two-scenes',
        'zebra/zebra.jpg,,zebra,zebra',
        '猫/猫-1.jpg,,猫,猫-1',
        '',
      ].join('\n'),
    );
    const reasons = run.outcomes.map((o) => [o.annotation.id, o.outcome, o.reason]);
    expect(reasons).toContainEqual([
      'b1',
      'dropped',
      'ImageFolder holds one class per image; its bbox annotations are not kept',
    ]);
    expect(reasons).toContainEqual([
      'c7',
      'dropped',
      'the image has no class (classification.class)',
    ]);
    expect(reasons).toContainEqual([
      'c8',
      'dropped',
      'the image has several classes ("cat", "dog") by classification.class; ImageFolder holds one class per image, so it is not saved',
    ]);
    expect(reasons).toContainEqual(['c1', 'written', undefined]);
    expect(run.issues.map((i) => [i.code, i.itemId])).toEqual([
      ['SYNX_IMAGEFOLDER_NO_CLASS', 'no-class'],
      ['SYNX_IMAGEFOLDER_MULTI_LABEL', 'two-classes'],
      ['SYNX_IMAGEFOLDER_NO_CLASS', 'unlabelled'],
    ]);
    expect(run.issues[1]?.message).toBe(
      'item "two-classes": image_1 (two-classes.jpg) has 2 classes by classification.class ("cat", "dog"); ImageFolder holds one class per image, so the item\'s images are not saved',
    );
  });

  it('reads the tree back: each image with its class', async () => {
    const data = await fixture();
    const run = await runWriter(imageFolderFormat, {}, data, fresh('read'));
    const placed = await placeMedia(imageFolderFormat, { classFrom: 'classification' }, run);
    expect(placed).toHaveLength(7);
    const back = await readBack(imageFolderFormat, {}, run.dir);
    expect(
      back.map((it) => [it.id, it.media[0]?.annotations[0]?.classCode, it.media[0]?.width]),
    ).toEqual([
      ['cat/cat-1.jpg', 'cat', 32],
      ['cat/cat-box.jpg', 'cat', 40],
      ['dog/dog-1.jpg', 'dog', 24],
      ['a%2Fb/slash.jpg', 'a/b', 16],
      ['dog/two-scenes.jpg', 'dog', 26],
      ['zebra/zebra.jpg', 'zebra', 18],
      ['猫/猫-1.jpg', '猫', 20],
    ]);
    checkOutputHolds(
      imageFolderFormat,
      imageFolderFormat.describe({ classFrom: 'classification' }),
      data,
      run,
      probeObjectsOfItems(back),
      { source: 'read back' },
    );
    // Without labels.csv (a tree made by hand, or by torchvision users), the folders say it.
    const { rmSync } = await import('node:fs');
    rmSync(join(run.dir, 'labels.csv'));
    const tree = await readBack(imageFolderFormat, {}, run.dir);
    expect(tree.map((it) => [it.id, it.media[0]?.annotations[0]?.classCode]).sort()).toEqual(
      back.map((it) => [it.id, it.media[0]?.annotations[0]?.classCode]).sort(),
    );
    expect(await detectImageFolder({ dir: run.dir })).toBe(70);
    // A re-export where cat-1 is no longer a cat: the earlier file is pointed out.
    const again = await runWriter(
      imageFolderFormat,
      {},
      { ...data, items: data.items.filter((it) => it.id !== 'cat-1') },
      run.dir,
    );
    const stale = again.issues.filter((i) => i.code === 'SYNX_IMAGEFOLDER_STALE_IMAGES');
    expect(stale.map((i) => i.severity)).toEqual(['warning']);
    expect(stale[0]?.message).toContain(
      '1 image in the class folders was not filed by this export ("cat/cat-1.jpg")',
    );
  });

  it("passes the conformance suite's read-back check (until loadFixture names this fixture)", async () => {
    const data = await fixture();
    for (const classFrom of ['classification', 'attribute:scene']) {
      const run = await runWriter(imageFolderFormat, { classFrom }, data, fresh('suite'), {
        splits: ['train', 'val'],
      });
      checkAccounting(imageFolderFormat, data, run);
      expect(
        await checkWrittenInOutput(imageFolderFormat, data, run, { options: { classFrom } }),
      ).toBe('read');
    }
  });

  it('takes the class from an attribute with classFrom=attribute:<name>', async () => {
    const data = await fixture();
    const run = await runWriter(
      imageFolderFormat,
      { classFrom: 'attribute:scene' },
      data,
      fresh('attr'),
    );
    checkAccounting(imageFolderFormat, data, run);
    expect(read(run.dir, 'classes.txt')).toBe('indoor\noutdoor\n');
    expect(run.issues.map((i) => [i.code, i.itemId])).toEqual([
      ['SYNX_IMAGEFOLDER_MULTI_LABEL', 'two-scenes'],
      ['SYNX_IMAGEFOLDER_NO_CLASS', 'unlabelled'],
    ]);
    const c1 = run.outcomes.find((o) => o.annotation.id === 'c1');
    expect(c1).toMatchObject({ outcome: 'converted' });
    expect(c1?.reason).toContain('attribute "scene"');
    expect(read(run.dir, 'labels.csv')).toContain('indoor/no-class.jpg,,indoor,no-class\n');
    const d = imageFolderFormat.describe({ classFrom: 'attribute:scene' });
    const t = d.kinds.classification;
    expect(t?.action).toBe('convert');
    expect(t?.action === 'convert' ? t.to : '').toContain('classification.scene');
  });

  it('warns about a split that lacks some classes (torchvision numbers each split alone)', async () => {
    const data = await fixture();
    const run = await runWriter(imageFolderFormat, {}, data, fresh('splits'), {
      splits: ['train', 'val'],
    });
    const warnings = run.issues.filter((i) => i.code === 'SYNX_IMAGEFOLDER_SPLIT_CLASSES');
    // Round robin over the sorted stems. train: cat-1, dog-1, slash, two-scenes, zebra;
    // val: cat-box, no-class, two-classes, unlabelled, 猫-1.
    expect(warnings.map((w) => w.message)).toEqual([
      'split "train" has no image of 1 of the 5 classes ("猫"): torchvision\'s ImageFolder numbers the class folders it finds in each split, so the class indices of "train" differ from classes.txt; map them through classes.txt',
      'split "val" has no image of 3 of the 5 classes ("a%2Fb", "dog", "zebra"): torchvision\'s ImageFolder numbers the class folders it finds in each split, so the class indices of "val" differ from classes.txt; map them through classes.txt',
    ]);
    expect(read(run.dir, 'counts.csv').split('\n').slice(0, 3)).toEqual([
      'split,index,folder,class,images',
      'train,0,a%2Fb,a/b,1',
      'train,1,cat,cat,1',
    ]);
    expect(read(run.dir, 'labels.csv')).toContain('train/a%2Fb/slash.jpg,train,a/b,slash\n');
  });

  it('writes the same bytes whatever the run, and detects its output', async () => {
    const data = await fixture();
    const a = await runWriter(imageFolderFormat, {}, data, fresh('det'), {
      splits: ['train', 'val'],
    });
    const b = await runWriter(imageFolderFormat, {}, data, fresh('det'), {
      splits: ['train', 'val'],
    });
    compareTrees('two runs', a.dir, b.dir);
    expect(await detectImageFolder({ dir: a.dir })).toBe(95);
  });
});

describe('items the writer cannot file', () => {
  const two = (a: Item, b: Item): Item => ({
    ...a,
    media: [
      ...a.media,
      ...b.media.map((m) => ({ ...m, id: 'image_2', file: { name: `${b.stem}.jpg` } })),
    ],
  });
  const cls = (id: string, c: string): object => ({
    id,
    tool: 'classification',
    classification: { class: c },
  });

  it('refuses an item whose images have different classes, and files one whose images agree', async () => {
    const classes = classMapFromList([]);
    const mixed = two(
      dmItem('mixed', [cls('a', 'cat')], [{ id: 'a' }]),
      dmItem('m2', [cls('b', 'dog')], [{ id: 'b' }]),
    );
    const agree = two(dmItem('agree', [cls('c', 'cat')], [{ id: 'c' }]), dmItem('a2', [], []));
    const data: FixtureData = { items: [mixed, agree], classes, keypointNames: [] };
    const run = await runWriter(imageFolderFormat, {}, data, fresh('multi-image'));
    checkAccounting(imageFolderFormat, data, run);
    expect(run.issues.map((i) => i.code)).toEqual(['SYNX_IMAGEFOLDER_MIXED_CLASSES']);
    expect(run.issues[0]?.message).toContain('item "mixed"');
    expect(run.outcomes.find((o) => o.annotation.id === 'a')?.reason).toBe(
      'the images of the item have different classes ("cat", "dog") by classification.class; the images of an item share one class folder, so none is saved',
    );
    expect(read(run.dir, 'labels.csv')).toBe(
      'path,split,class,item\ncat/agree.jpg,,cat,agree\ncat/a2.jpg,,cat,agree\n',
    );
    const d = imageFolderFormat.describe({ classFrom: 'classification' });
    const [m, a] = exportItemsOf(data);
    expect(m === undefined ? 'none' : d.mediaDir?.(undefined, m)).toBeUndefined();
    expect(a === undefined ? 'none' : d.mediaDir?.(undefined, a)).toBe('cat');
  });

  it('warns when two class folders differ only in case, and says when no image is saved', async () => {
    const data: FixtureData = {
      items: [
        dmItem('x', [cls('a', 'Cat')], [{ id: 'a' }]),
        dmItem('y', [cls('b', 'cat')], [{ id: 'b' }]),
      ],
      classes: classMapFromList([]),
      keypointNames: [],
    };
    const { ctx, issues } = recordingContext({ messages: imageFolderFormat.messages });
    async function* items(): AsyncGenerator<ReturnType<typeof exportItemsOf>[number]> {
      yield* exportItemsOf(data);
    }
    await imageFolderFormat.write?.(
      {
        classes: data.classes,
        keypointNames: [],
        items: items(),
        splits: undefined,
        mediaSaved: false,
      },
      { dir: fresh('case') },
      { classFrom: 'classification' },
      ctx,
    );
    expect(issues.map((i) => [i.code, i.severity])).toEqual([
      ['SYNX_IMAGEFOLDER_FOLDER_CASE', 'error'],
      ['SYNX_IMAGEFOLDER_NO_MEDIA', 'info'],
    ]);
  });
});
