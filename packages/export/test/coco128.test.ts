import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  realFixture,
  sharedFixture,
  startFakeSynapse,
  writeFolderFromCoco,
  type FakeSynapse,
} from '@synx/fake-synapse';
import { cocoFormat } from '@synx/format-coco';
import { jsonFormat } from '@synx/format-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport, type ExportManifest } from '../src/index.js';
import { tempDir, tree } from './helpers.js';

interface Coco {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    bbox: number[];
    iscrowd: number;
    area: number;
    segmentation: number[][] | { counts: number[]; size: number[] };
  }[];
  categories: { id: number; name: string; keypoints?: string[] }[];
}

const original = JSON.parse(
  readFileSync(realFixture('coco128', 'instances_train2017_subset.json'), 'utf8'),
) as Coco;
const root = tempDir('coco128');
const folder = join(root, 'synapse');
const TOKEN = 'syn_coco128_token';
let fake: FakeSynapse;

const coco = cocoFormat;
const json = jsonFormat;

beforeAll(async () => {
  await writeFolderFromCoco({
    coco: realFixture('coco128', 'instances_train2017_subset.json'),
    outDir: folder,
    media: 'placeholder',
    projectId: 128,
    title: 'COCO128 subset',
  });
  fake = await startFakeSynapse({ from: folder, token: TOKEN });
});
afterAll(async () => {
  await fake.close();
});

function load(dir: string, name = 'instances_default.json'): Coco {
  return JSON.parse(readFileSync(join(dir, 'annotations', name), 'utf8')) as Coco;
}

/** The acceptance check: our COCO against the original COCO, object by object. */
function compareWithOriginal(ours: Coco): void {
  const ourCat = new Map(ours.categories.map((c) => [c.id, c.name]));
  const origCat = new Map(original.categories.map((c) => [c.id, c.name]));
  // every image listed with its real width and height
  expect(ours.images.map((i) => [i.file_name, i.width, i.height]).sort()).toEqual(
    original.images.map((i) => [i.file_name, i.width, i.height]).sort(),
  );
  const ourImage = new Map(ours.images.map((i) => [i.id, i.file_name]));
  const origImage = new Map(original.images.map((i) => [i.id, i.file_name]));
  const key = (file: string | undefined, cls: string | undefined): string =>
    `${file ?? ''}|${cls ?? ''}`;
  const ourByKey = new Map<string, Coco['annotations']>();
  for (const a of ours.annotations) {
    const k = key(ourImage.get(a.image_id), ourCat.get(a.category_id));
    ourByKey.set(k, [...(ourByKey.get(k) ?? []), a]);
  }
  let matched = 0;
  for (const a of original.annotations) {
    const candidates =
      ourByKey.get(key(origImage.get(a.image_id), origCat.get(a.category_id))) ?? [];
    const hit = candidates.find((c) =>
      c.bbox.every((v, i) => Math.abs(v - (a.bbox[i] ?? NaN)) <= 0.5),
    );
    expect(
      hit,
      `annotation ${a.id} (${origCat.get(a.category_id)}) in ${origImage.get(a.image_id)}`,
    ).toBeDefined();
    if (hit === undefined) {
      continue;
    }
    matched++;
    expect(hit.iscrowd).toBe(a.iscrowd);
    if (Array.isArray(a.segmentation)) {
      expect(hit.segmentation).toEqual(a.segmentation); // polygons equal to the original vertices
    } else {
      expect((hit.segmentation as { counts: number[] }).counts).toEqual(a.segmentation.counts);
      expect((hit.segmentation as { size: number[] }).size).toEqual(a.segmentation.size);
    }
  }
  expect(matched).toBe(original.annotations.length);
  expect(ours.annotations).toHaveLength(original.annotations.length);
}

describe('COCO128 as a Synapse folder → synx export --format coco', () => {
  const fromFolder = join(root, 'out-folder');
  const fromApi = join(root, 'out-api');
  let manifestFolder: ExportManifest;

  it('matches the original COCO JSON through --from DIR', async () => {
    const summary = await runExport({
      source: { kind: 'folder', dir: folder },
      format: coco,
      output: fromFolder,
      synxVersion: 'test',
    });
    expect(summary.counts.items).toBe(12);
    expect(summary.counts.images).toBe(12);
    expect(summary.counts.emptyImages).toBe(1);
    expect(summary.issues.errors).toBe(0);
    const ours = load(fromFolder);
    compareWithOriginal(ours);
    // categories 1..80 in COCO's order, the same names
    expect(ours.categories.map((c) => c.name)).toEqual(
      [...original.categories].sort((a, b) => a.id - b.id).map((c) => c.name),
    );
    expect(ours.categories.map((c) => c.id)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    // the image without objects stays listed
    expect(ours.images.some((i) => i.file_name === '000000000250.jpg')).toBe(true);
    manifestFolder = JSON.parse(
      readFileSync(join(fromFolder, 'synx-export.json'), 'utf8'),
    ) as ExportManifest;
    expect(manifestFolder.status).toBe('complete');
    expect(manifestFolder.counts.annotations.in).toEqual(manifestFolder.counts.annotations.written);
  });

  it('matches it through the API (fake backend), byte-identical to the folder path', async () => {
    const summary = await runExport({
      source: { kind: 'api', host: fake.url, token: TOKEN, target: 'assignment', project: 128 },
      format: coco,
      output: fromApi,
      synxVersion: 'test',
    });
    expect(summary.counts.items).toBe(12);
    compareWithOriginal(load(fromApi));
    const a = tree(fromFolder);
    const b = tree(fromApi);
    // The API run keeps the image sizes it read over HTTP for its next run: one per image.
    const cache = b.get('synx-image-sizes.jsonl')?.toString('utf8').trim().split('\n') ?? [];
    expect(cache).toHaveLength(12);
    b.delete('synx-image-sizes.jsonl');
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [path, bytes] of a) {
      // the manifest and report.html name their source (a folder, a host); the folder run's
      // gallery also draws over the folder's images
      if (path === 'synx-export.json' || path === 'report.html') {
        continue;
      }
      expect(b.get(path)?.equals(bytes), path).toBe(true);
    }
    const manifestApi = JSON.parse(
      readFileSync(join(fromApi, 'synx-export.json'), 'utf8'),
    ) as ExportManifest;
    const strip = (m: ExportManifest) => ({ ...m, source: undefined, run: undefined });
    expect(strip(manifestApi)).toEqual(strip(manifestFolder));
    expect(manifestApi.source).toMatchObject({
      kind: 'synapse-api',
      host: fake.url,
      target: 'assignment',
      projectId: 128,
    });
    expect(JSON.stringify(manifestApi)).not.toContain(TOKEN);
  });

  it('re-exports byte-identically', async () => {
    const again = join(root, 'out-again');
    await runExport({
      source: { kind: 'folder', dir: folder },
      format: coco,
      output: again,
      synxVersion: 'test',
    });
    const a = tree(fromFolder);
    for (const [path, bytes] of tree(again)) {
      if (path !== 'synx-export.json') {
        expect(bytes.equals(a.get(path) ?? Buffer.alloc(0)), path).toBe(true);
      }
    }
  });

  it('keeps the class ids of a user class map with categoryIds=map (COCO 1..90)', async () => {
    const { parseClassMapFile } = await import('@synx/model');
    const classMap = parseClassMapFile(
      readFileSync(realFixture('coco128', 'instances_train2017_subset.json'), 'utf8'),
      'instances.json',
    );
    const out = join(root, 'out-ids');
    await runExport({
      source: { kind: 'folder', dir: folder },
      format: coco,
      output: out,
      classMap,
      formatOptions: { categoryIds: 'map' },
    });
    const ours = load(out);
    expect(ours.categories.map((c) => [c.id, c.name])).toEqual(
      [...original.categories].sort((a, b) => a.id - b.id).map((c) => [c.id, c.name]),
    );
    const origCat = new Map(original.categories.map((c) => [c.id, c.name]));
    const byBox = new Map(ours.annotations.map((a) => [a.bbox.join(','), a.category_id]));
    for (const a of original.annotations) {
      expect(byBox.get(a.bbox.join(',')), origCat.get(a.category_id)).toBe(a.category_id);
    }
  });

  it("--format json writes every item's DM v1 back byte-for-byte (folder and API)", async () => {
    for (const [name, source] of [
      ['json-folder', { kind: 'folder' as const, dir: folder }],
      [
        'json-api',
        {
          kind: 'api' as const,
          host: fake.url,
          token: TOKEN,
          target: 'assignment' as const,
          project: 128,
        },
      ],
    ] as const) {
      const out = join(root, name);
      const summary = await runExport({ source, format: json, output: out });
      expect(summary.counts.annotations.in).toEqual(summary.counts.annotations.written);
      const written = tree(join(out, 'json'));
      const src = tree(join(folder, 'json'));
      expect([...written.keys()]).toEqual([...src.keys()]);
      for (const [path, bytes] of src) {
        expect(written.get(path)?.equals(bytes), `${name}: ${path}`).toBe(true);
      }
    }
  });
});

describe.skipIf(sharedFixture('coco128', 'images') === undefined)(
  'COCO128 with its real images (../shared)',
  () => {
    it('reads every real width and height from the JPEG headers', async () => {
      const dir = join(root, 'real');
      await writeFolderFromCoco({
        coco: realFixture('coco128', 'instances_train2017_subset.json'),
        outDir: dir,
        imagesDir: sharedFixture('coco128', 'images') ?? '',
        media: 'copy',
      });
      const out = join(root, 'real-out');
      await runExport({ source: { kind: 'folder', dir }, format: coco, output: out });
      compareWithOriginal(load(out));
    });
  },
);

describe('two assignments of one data unit', () => {
  it('get distinct image names, deterministically', async () => {
    const twice = await startFakeSynapse({ from: folder, token: TOKEN, assignmentsPerTask: 2 });
    try {
      const out = join(root, 'twice');
      const summary = await runExport({
        source: { kind: 'api', host: twice.url, token: TOKEN, target: 'assignment', project: 128 },
        format: coco,
        output: out,
      });
      expect(summary.counts.items).toBe(24);
      const names = load(out).images.map((i) => i.file_name);
      const firstUnit = twice.dataset.units[0];
      expect(names.slice(0, 2)).toEqual([
        '000000000009.jpg',
        `000000000009__${firstUnit?.assignmentIds[1] ?? ''}.jpg`,
      ]);
      expect(new Set(names).size).toBe(24);
    } finally {
      await twice.close();
    }
  });
});
