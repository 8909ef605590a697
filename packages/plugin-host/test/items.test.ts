import type { Item, Media } from '@synx/model';
import { describe, expect, it } from 'vitest';
import { ExportItemNamer, toExportItems } from '../src/index.js';

const image = (id: string, name?: string, annotations = 0): Media => ({
  id,
  kind: 'image',
  ...(name === undefined ? {} : { file: { name } }),
  annotations: Array.from({ length: annotations }, (_, i) => ({
    id: `a${String(i)}`,
    kind: 'bbox' as const,
    tool: 'bounding_box',
    classCode: 'cat',
    attributes: {},
    x: 1,
    y: 1,
    width: 2,
    height: 2,
  })),
});
const video = (annotations: number): Media => ({
  ...image('video_1', 'clip.mp4', annotations),
  kind: 'video',
});
const item = (id: string, stem: string, media: Media[], meta?: Record<string, string>): Item => ({
  id,
  sourceKind: 'assignment',
  key: `du:${id}`,
  stem,
  media,
  ...(meta === undefined ? {} : { dataUnit: { meta } }),
});

describe('ExportItemNamer', () => {
  it('names images by their file name, a later clash (any case) by the item id, then a counter', () => {
    const namer = new ExportItemNamer({ description: {}, formatTitle: 'COCO' });
    const names = [
      item('1', 'a', [image('image_1', 'cat.jpg')]),
      item('2', 'b', [image('image_1', 'CAT.jpg')]),
      item('2', 'c', [image('image_1', 'cat.jpg')]),
      item('3', 'd', [image('image_1', 'cat.jpg')]),
    ].map((i) => namer.name(i).exportItem.images.map((m) => [m.fileName, m.stem]));
    expect(names).toEqual([
      [['cat.jpg', 'cat']],
      [['CAT__2.jpg', 'CAT__2']],
      [['cat__2_2.jpg', 'cat__2_2']],
      [['cat__3.jpg', 'cat__3']],
    ]);
  });

  it('names an unnamed image by the item stem (with the media id when there are several) and the meta extension', () => {
    const namer = new ExportItemNamer({ description: {}, formatTitle: 'COCO' });
    const one = namer.name(
      item('7', 'shot', [image('image_1')], { origin_file_extension: '.png' }),
    );
    const two = namer.name(item('8', 'pair', [image('image_1'), image('image_2')]));
    expect(one.exportItem.images.map((m) => m.fileName)).toEqual(['shot.png']);
    expect(two.exportItem.images.map((m) => m.fileName)).toEqual([
      'pair_image_1.jpg',
      'pair_image_2.jpg',
    ]);
  });

  it('gives each item a unique stem and the split its strategy decides', () => {
    const namer = new ExportItemNamer({
      description: {},
      formatTitle: 'COCO',
      splitOf: (i) => (Number(i.id) % 2 === 0 ? 'train' : 'val'),
    });
    const a = namer.name(item('1', 'same', [])).exportItem;
    const b = namer.name(item('2', 'Same', [])).exportItem;
    expect([a.stem, a.split, b.stem, b.split]).toEqual(['same', 'val', 'Same__2', 'train']);
  });

  it('withholds media of kinds the format does not hold, with the reason; "*" holds all', () => {
    const coco = new ExportItemNamer({
      description: { mediaKinds: ['image'] },
      formatTitle: 'COCO',
    });
    const named = coco.name(item('1', 'v', [image('image_1', 'f.jpg', 1), video(3)]));
    expect(named.withheld.map((w) => [w.media.id, w.reason])).toEqual([
      ['video_1', 'COCO holds image media only, not video'],
    ]);
    // the writer still sees the whole item
    expect(named.exportItem.item.media).toHaveLength(2);
    const raw = new ExportItemNamer({ description: { mediaKinds: ['*'] }, formatTitle: 'Raw' });
    expect(raw.name(item('1', 'v', [video(3)])).withheld).toEqual([]);
    expect(raw.holds('pcd')).toBe(true);
    // the media filter alone, without naming the item
    expect(coco.withheld(item('9', 'w', [video(1)])).map((w) => w.media.id)).toEqual(['video_1']);
    expect(coco.holds('video')).toBe(false);
  });
});

describe('ExportItemNamer with imageEncoding jpeg', () => {
  it('names every image <stem>.jpg, and a PNG and a JPEG of one stem apart', () => {
    const namer = new ExportItemNamer({
      description: { imageEncoding: 'jpeg' },
      formatTitle: 'Pascal VOC',
    });
    const names = [
      item('1', 'a', [image('image_1', 'scan.png')]),
      item('2', 'b', [image('image_1', 'scan.jpg')]),
      item('3', 'c', [image('image_1', 'photo.JPEG')]),
      item('4', 'd', [image('image_1')], { origin_file_extension: '.webp' }),
    ].map((i) => namer.name(i).exportItem.images.map((m) => m.fileName));
    expect(names).toEqual([['scan.jpg'], ['scan__2.jpg'], ['photo.jpg'], ['d.jpg']]);
  });
});

describe('toExportItems', () => {
  it('streams the items named in order, as one namer would', async () => {
    const items = [
      item('1', 'x', [image('image_1', 'p.jpg')]),
      item('2', 'x', [image('image_1', 'p.jpg')]),
    ];
    const got = [];
    for await (const n of toExportItems(items, { description: {}, formatTitle: 'YOLO' })) {
      got.push([n.exportItem.stem, n.exportItem.images[0]?.fileName]);
    }
    expect(got).toEqual([
      ['x', 'p.jpg'],
      ['x__2', 'p__2.jpg'],
    ]);
  });
});
