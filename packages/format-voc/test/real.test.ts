import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseVocXml,
  realFixture,
  sharedFixture,
  writeFolderFromVoc,
  type VocFile,
} from '@synx/fake-synapse';
import {
  classMapFromProjectConfiguration,
  convertDmV1,
  IssueCollector,
  type Item,
} from '@synx/model';
import { describe, expect, it } from 'vitest';
import { bndbox, lines, readOurs, tempDir, write } from './helpers.js';

const annotationsDir = realFixture('voc2012-multiformat', 'voc', 'Annotations');
const imagesDir = sharedFixture('voc2012-multiformat', 'images');
const PYTHON = '/usr/bin/python3';
const hasTorchvision =
  existsSync(PYTHON) &&
  spawnSync(PYTHON, ['-c', 'import torchvision'], { stdio: 'ignore' }).status === 0;

/** The original VOC files, by stem. */
function originals(): Map<string, VocFile> {
  const out = new Map<string, VocFile>();
  for (const f of readdirSync(annotationsDir)
    .filter((n) => n.endsWith('.xml'))
    .sort()) {
    out.set(f.replace(/\.xml$/, ''), parseVocXml(readFileSync(join(annotationsDir, f), 'utf8'), f));
  }
  return out;
}

/**
 * The real VOC fixture as synx sees it: the fixture builder's Synapse folder (DM v1 boxes with
 * pose/truncated/difficult as classification attributes), converted to canonical items, with
 * the image sizes and channel counts the image headers would give.
 */
async function fixtureItems() {
  const folder = tempDir('folder-');
  await writeFolderFromVoc({ annotationsDir, outDir: folder, media: 'none' });
  const project = JSON.parse(readFileSync(join(folder, 'project.json'), 'utf8')) as {
    configuration: unknown;
  };
  const classes = classMapFromProjectConfiguration(project.configuration);
  const src = originals();
  const items: Item[] = [];
  for (const [stem, voc] of src) {
    const data: unknown = JSON.parse(readFileSync(join(folder, 'json', `${stem}.json`), 'utf8'));
    const { media } = convertDmV1(data, {
      itemId: stem,
      reporter: new IssueCollector(),
      files: { image_1: { name: voc.filename } },
    });
    for (const m of media) {
      m.width = voc.width;
      m.height = voc.height;
      if (voc.depth !== undefined) {
        m.depth = voc.depth;
      }
    }
    items.push({ id: stem, sourceKind: 'folder', key: stem, stem, media });
  }
  return { items, classes, src };
}

describe('the real VOC 2012 fixture', () => {
  it('writes back every object within 1 px, with its flags, one XML per image', async () => {
    const { items, classes, src } = await fixtureItems();
    const { dir, outcomes, issues } = await write(items, {}, undefined, classes);
    const root = join(dir, 'VOCdevkit', 'VOC2012');
    expect(readdirSync(join(root, 'Annotations'))).toHaveLength(35);
    expect(lines(join(root, 'ImageSets', 'Main', 'trainval.txt'))).toEqual([...src.keys()]);
    let objects = 0;
    for (const [stem, original] of src) {
      const ours = readOurs(join(root, 'Annotations', `${stem}.xml`));
      expect(ours.filename).toBe(original.filename);
      expect(ours.size).toEqual({
        width: String(original.width),
        height: String(original.height),
        depth: String(original.depth),
      });
      const got = ours.object ?? [];
      expect(got, stem).toHaveLength(original.objects.length);
      original.objects.forEach((o, k) => {
        const g = got[k]!;
        expect(g.name).toBe(o.name);
        const [xmin, ymin, xmax, ymax] = bndbox(g);
        for (const [a, b] of [
          [xmin, o.xmin],
          [ymin, o.ymin],
          [xmax, o.xmax],
          [ymax, o.ymax],
        ] as const) {
          expect(Math.abs(a - b), `${stem} object ${k}`).toBeLessThanOrEqual(1);
        }
        expect([g.pose, g.truncated, g.difficult]).toEqual([o.pose, o.truncated, o.difficult]);
        objects++;
      });
    }
    expect(objects).toBe(78);
    expect(outcomes).toHaveLength(78);
    expect(outcomes.every((o) => o.outcome === 'written')).toBe(true);
    expect(issues).toEqual([]);
  });

  it.skipIf(!hasTorchvision || imagesDir === undefined)(
    "torchvision's VOCDetection reads the export (35 images, every object)",
    async () => {
      const { items, classes, src } = await fixtureItems();
      const { dir } = await write(items, {}, undefined, classes);
      const jpegs = join(dir, 'VOCdevkit', 'VOC2012', 'JPEGImages');
      mkdirSync(jpegs, { recursive: true });
      for (const voc of src.values()) {
        copyFileSync(join(imagesDir!, voc.filename), join(jpegs, voc.filename));
      }
      const script = `
import json, sys
from torchvision.datasets import VOCDetection
ds = VOCDetection(root=sys.argv[1], year='2012', image_set='trainval')
objects = {}
size_mismatches = 0
for i in range(len(ds)):
    img, target = ds[i]
    a = target['annotation']
    objects[a['filename']] = len(a.get('object', []))
    if img.size != (int(a['size']['width']), int(a['size']['height'])):
        size_mismatches += 1
print(json.dumps({'count': len(ds), 'objects': objects, 'size_mismatches': size_mismatches}))
`;
      const run = spawnSync(PYTHON, ['-c', script, dir], { encoding: 'utf8', timeout: 300_000 });
      expect(run.status, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
        count: number;
        objects: Record<string, number>;
        size_mismatches: number;
      };
      expect(out.count).toBe(35);
      expect(out.size_mismatches).toBe(0);
      expect(out.objects).toEqual(
        Object.fromEntries([...src.values()].map((v) => [v.filename, v.objects.length])),
      );
    },
    300_000,
  );
});
