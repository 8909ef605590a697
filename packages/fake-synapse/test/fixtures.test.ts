import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readImageHeaderFromFile } from '@synx/image-header';
import {
  classMapFromProjectConfiguration,
  convertDmV1,
  IssueCollector,
  type Annotation,
} from '@synx/model';
import { openSynapseFolder } from '@synx/synapse-folder';
import { describe, expect, it } from 'vitest';
import { parseVocXml, realFixture, writeFolderFromCoco, writeFolderFromVoc } from '../src/index.js';
import { tempDir } from './helpers.js';

interface Coco {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    bbox: number[];
    iscrowd: number;
    segmentation: unknown;
  }[];
  categories: { id: number; name: string }[];
}

/** Reads a folder back through the canonical model. */
async function throughModel(dir: string) {
  const folder = await openSynapseFolder(dir);
  const classes = classMapFromProjectConfiguration(folder.project?.['configuration']);
  const issues = new IssueCollector();
  const items = new Map<string, Annotation[]>();
  for (const entry of folder.entries) {
    const { media } = convertDmV1(JSON.parse(await folder.readJson(entry)), {
      itemId: entry.stem,
      reporter: issues,
      isKnownClass: (c) => classes.has(c),
    });
    items.set(
      entry.stem,
      media.flatMap((m) => m.annotations),
    );
  }
  return { folder, classes, issues, items };
}

describe('COCO128 → Synapse raw export folder → canonical model', () => {
  const out = tempDir('coco-fixture');
  const cocoPath = realFixture('coco128', 'instances_train2017_subset.json');
  const coco = JSON.parse(readFileSync(cocoPath, 'utf8')) as Coco;

  it('keeps every box to the last decimal, every polygon vertex, every class name', async () => {
    const summary = await writeFolderFromCoco({
      coco: cocoPath,
      outDir: out,
      media: 'placeholder',
    });
    expect(summary.items).toBe(12);
    const { folder, classes, issues, items } = await throughModel(out);
    expect(issues.total).toBe(0);
    expect(folder.entries).toHaveLength(12);
    // the configured class order is COCO's id order, all 80 categories
    const sortedCats = [...coco.categories].sort((a, b) => a.id - b.id);
    expect(classes.objectClasses().entries.map((e) => e.code)).toEqual(
      sortedCats.map((c) => c.name),
    );
    const catName = new Map(coco.categories.map((c) => [c.id, c.name]));
    let boxes = 0;
    for (const image of coco.images) {
      const stem = image.file_name.replace(/\.jpg$/, '');
      const anns = items.get(stem) ?? [];
      for (const a of coco.annotations.filter((x) => x.image_id === image.id)) {
        const box = anns.find((x) => x.id === `B${a.id}`);
        expect(box, `box of annotation ${a.id}`).toMatchObject({
          kind: 'bbox',
          x: a.bbox[0],
          y: a.bbox[1],
          width: a.bbox[2],
          height: a.bbox[3],
          classCode: catName.get(a.category_id),
        });
        boxes++;
        if (Array.isArray(a.segmentation)) {
          (a.segmentation as number[][]).forEach((flat, k) => {
            const poly = anns.find((x) => x.id === `P${a.id}_${k}`);
            expect(poly?.kind).toBe('polygon');
            if (poly?.kind === 'polygon') {
              expect(poly.points.flatMap((p) => [p.x, p.y])).toEqual(flat);
            }
          });
        } else {
          expect(anns.find((x) => x.id === `M${a.id}`)?.kind).toBe('mask');
        }
      }
    }
    expect(boxes).toBe(coco.annotations.length);
  });

  it('writes placeholder media with the real width and height', async () => {
    for (const image of coco.images) {
      const header = await readImageHeaderFromFile(join(out, 'origin_files', image.file_name));
      expect([header.width, header.height]).toEqual([image.width, image.height]);
    }
  });

  it('gives the image without annotations an empty item', async () => {
    const data = JSON.parse(await readFile(join(out, 'json', '000000000250.json'), 'utf8')) as {
      annotations: { image_1: unknown[] };
    };
    expect(data.annotations.image_1).toEqual([]);
  });
});

describe('Pascal VOC → Synapse raw export folder → canonical model', () => {
  const out = tempDir('voc-fixture');
  const annotationsDir = realFixture('voc2012-multiformat', 'voc', 'Annotations');

  it('keeps every box and class, with pose/truncated/difficult as attributes', async () => {
    const summary = await writeFolderFromVoc({ annotationsDir, outDir: out, media: 'placeholder' });
    expect(summary).toMatchObject({ items: 35, annotations: 78 });
    const { issues, items } = await throughModel(out);
    expect(issues.total).toBe(0);
    let objects = 0;
    for (const name of (await readdir(annotationsDir)).sort()) {
      const voc = parseVocXml(await readFile(join(annotationsDir, name), 'utf8'), name);
      const anns = items.get(name.replace(/\.xml$/, '')) ?? [];
      expect(anns).toHaveLength(voc.objects.length);
      voc.objects.forEach((o, k) => {
        const a = anns[k];
        expect(a).toMatchObject({
          kind: 'bbox',
          x: o.xmin,
          y: o.ymin,
          width: o.xmax - o.xmin,
          height: o.ymax - o.ymin,
          classCode: o.name,
          attributes: { pose: o.pose, truncated: o.truncated, difficult: o.difficult },
        });
        objects++;
      });
    }
    expect(objects).toBe(78);
  });
});
