// Training-ready outputs: what the consumers that read an export need, checked on the output
// files (and, where Debian's python3 has them, in torchvision itself).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  realFixture,
  sharedFixture,
  writeFolderFromCoco,
  writeFolderFromVoc,
} from '@synx/fake-synapse';
import { encodeJpeg, readImageHeaderFromFileSync } from '@synx/image-header';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEMO, synx, tempDir } from './helpers.js';

const root = tempDir('training-ready');
const PYTHON = '/usr/bin/python3';
const pythonHas = (modules: string): boolean =>
  existsSync(PYTHON) &&
  spawnSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0;
const hasTorchvision = pythonHas('torchvision, PIL');
const hasPycocotools = hasTorchvision && pythonHas('pycocotools');
const hasPil = pythonHas('PIL');

function python(script: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`python failed (${String(r.status)}):\n${r.stderr}`);
  }
  return r.stdout;
}

interface CocoFile {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    id: number;
    image_id: number;
    bbox: number[];
    area: number;
    segmentation: number[][] | { counts: unknown; size: number[] };
  }[];
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed JSON read
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** Every annotation has a non-empty list of polygons of ≥ 3 points, or an RLE. */
function segmentationProblems(coco: CocoFile): string[] {
  const problems: string[] = [];
  for (const a of coco.annotations) {
    const seg = a.segmentation;
    if (Array.isArray(seg)) {
      if (seg.length === 0 || seg.some((p) => !Array.isArray(p) || p.length < 6 || p.length % 2)) {
        problems.push(`annotation ${String(a.id)}: ${JSON.stringify(seg)}`);
      }
    } else if (!Array.isArray(seg.size) || seg.counts === undefined) {
      problems.push(`annotation ${String(a.id)}: ${JSON.stringify(seg)}`);
    }
  }
  return problems;
}

async function exportOk(args: string[]): Promise<string> {
  const r = await synx(['export', ...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('COCO: every annotation rasterises (ADR 0025)', () => {
  it('the demo and both real fixtures: a non-empty polygon list or an RLE for every annotation, boxes and areas as before', async () => {
    const sources: [string, string][] = [['demo', DEMO]];
    const coco128 = join(root, 'coco128-src');
    await writeFolderFromCoco({
      coco: realFixture('coco128', 'instances_train2017_subset.json'),
      outDir: coco128,
      media: 'placeholder',
    });
    sources.push(['coco128', coco128]);
    const voc = join(root, 'voc-src');
    await writeFolderFromVoc({
      annotationsDir: realFixture('voc2012-multiformat', 'voc', 'Annotations'),
      outDir: voc,
      media: 'placeholder',
    });
    sources.push(['voc2012', voc]);
    for (const [name, from] of sources) {
      const out = join(root, `coco-${name}`);
      await exportOk(['--from', from, '--format', 'coco', '--output', out]);
      const coco = readJson<CocoFile>(join(out, 'annotations', 'instances_default.json'));
      expect(coco.annotations.length, name).toBeGreaterThan(0);
      expect(segmentationProblems(coco), name).toEqual([]);
      // detection consumers unaffected: the same boxes and areas as with boxSegmentation=empty
      const plain = join(root, `coco-${name}-empty`);
      await exportOk([
        '--from',
        from,
        '--format',
        'coco',
        '--option',
        'boxSegmentation=empty',
        '--output',
        plain,
      ]);
      const before = readJson<CocoFile>(join(plain, 'annotations', 'instances_default.json'));
      expect(coco.annotations.map((a) => [a.bbox, a.area])).toEqual(
        before.annotations.map((a) => [a.bbox, a.area]),
      );
      if (name !== 'coco128') {
        // box-only objects exist there (coco128 has a polygon or RLE on every object)
        expect(segmentationProblems(before).length, `${name} empty`).toBeGreaterThan(0);
      }
    }
    // the demo's box-only objects: the box itself, clockwise from the top-left
    const demo = readJson<CocoFile>(
      join(root, 'coco-demo', 'annotations', 'instances_default.json'),
    );
    const boxOnly = demo.annotations.filter(
      (a) =>
        Array.isArray(a.segmentation) &&
        a.segmentation.length === 1 &&
        a.segmentation[0]!.length === 8,
    );
    expect(boxOnly.length).toBeGreaterThanOrEqual(79);
  });
});

describe('VOC: every <filename> is a JPEG named .jpg in JPEGImages/', () => {
  const out = join(root, 'voc-demo');
  const vocWithMedia = [
    ...['--from', DEMO, '--format', 'voc', '--split', '0.8/0.2'],
    ...['--save-original-files', '--output', out],
  ];

  it('transcodes the demo PNG, names it .jpg, records it, and a rerun fetches nothing again', async () => {
    await exportOk(vocWithMedia);
    const base = join(out, 'VOCdevkit', 'VOC2012');
    const xmls = readdirSync(join(base, 'Annotations'));
    expect(xmls.length).toBe(30);
    for (const x of xmls) {
      const xml = readFileSync(join(base, 'Annotations', x), 'utf8');
      const filename = /<filename>([^<]*)<\/filename>/.exec(xml)?.[1] ?? '';
      expect(filename, x).toMatch(/\.jpg$/);
      const file = join(base, 'JPEGImages', filename.replace(/&amp;/g, '&'));
      expect(existsSync(file), file).toBe(true);
      expect(readImageHeaderFromFileSync(file).format, file).toBe('jpeg');
    }
    const manifest = readJson<{
      media: { transformed: { transcoded: Record<string, number>; encoding: string } };
    }>(join(out, 'synx-export.json'));
    expect(manifest.media.transformed.transcoded).toEqual({ png: 1 });
    expect(manifest.media.transformed.encoding).toBe('jpeg');
    const bytes = readdirSync(join(base, 'JPEGImages')).map((f) =>
      readFileSync(join(base, 'JPEGImages', f)),
    );
    await exportOk(vocWithMedia); // the same command again
    const rerun = readJson<{
      media: { copied: number; skipped: number; transformed: { earlier: number } };
    }>(join(out, 'synx-export.json'));
    expect(rerun.media.copied).toBe(0);
    expect(rerun.media.skipped).toBe(30);
    expect(rerun.media.transformed.earlier).toBe(2); // the PNG and the EXIF-rotated JPEG
    expect(
      readdirSync(join(base, 'JPEGImages')).map((f) => readFileSync(join(base, 'JPEGImages', f))),
    ).toEqual(bytes);
  });

  it.skipIf(!hasTorchvision)(
    "torchvision's VOCDetection loads every split, with every object",
    () => {
      const got = python(
        `
import sys
from torchvision.datasets import VOCDetection
for s in ("train", "val", "trainval"):
    ds = VOCDetection(sys.argv[1], year="2012", image_set=s)
    objects = 0
    for img, target in ds:
        ann = target["annotation"]
        assert img.size == (int(ann["size"]["width"]), int(ann["size"]["height"])), ann["filename"]
        objects += len(ann.get("object", []))
    print(s, len(ds), objects)
`,
        out,
      );
      const lines = got.trim().split('\n');
      const trainval = lines.find((l) => l.startsWith('trainval '));
      expect(trainval?.split(' ')[1]).toBe('30');
      const n = (s: string) => Number(lines.find((l) => l.startsWith(`${s} `))?.split(' ')[1]);
      expect(n('train') + n('val')).toBe(30);
    },
  );
});

describe('COCO with media in torchvision', () => {
  it.skipIf(!hasPycocotools)(
    'CocoDetection loads every split of the demo, every image at its size',
    async () => {
      const out = join(root, 'coco-demo-media');
      await exportOk([
        '--from',
        DEMO,
        '--format',
        'coco',
        '--split',
        '0.8/0.2',
        '--save-original-files',
        '--output',
        out,
      ]);
      const got = python(
        `
import sys, json
from torchvision.datasets import CocoDetection
for s in ("train", "val"):
    ann = f"{sys.argv[1]}/annotations/instances_{s}.json"
    ds = CocoDetection(f"{sys.argv[1]}/images/{s}", ann)
    sizes = {i["id"]: (i["width"], i["height"]) for i in json.load(open(ann))["images"]}
    n = 0
    for k in range(len(ds)):
        img, target = ds[k]
        assert img.size == sizes[ds.ids[k]]
        n += len(target)
    print(s, len(ds), n)
`,
        out,
      );
      // (pycocotools prints its own progress lines too)
      const total = got
        .trim()
        .split('\n')
        .filter((l) => /^(train|val) \d+ \d+$/.test(l))
        .reduce((a, l) => a + Number(l.split(' ')[1]), 0);
      expect(total).toBe(30);
    },
  );
});

describe('EXIF orientation of saved originals (ADR 0008)', () => {
  /** A folder of one orientation-6 image with one box, as a Synapse raw export. */
  function exifFolder(): string {
    const dir = join(root, 'exif-src');
    mkdirSync(join(dir, 'json'), { recursive: true });
    mkdirSync(join(dir, 'origin_files'), { recursive: true });
    const real = sharedFixture('exif-orientation', 'Landscape_6.jpg');
    const target = join(dir, 'origin_files', 'Landscape_6.jpg');
    if (real !== undefined && existsSync(real)) {
      copyFileSync(real, target);
    } else {
      // stored 120×180, displayed 180×120
      writeFileSync(
        target,
        encodeJpeg({ width: 120, height: 180, orientation: 6, shade: (x, y) => (x * 2 + y) % 256 }),
      );
    }
    writeFileSync(
      join(dir, 'json', 'Landscape_6.json'),
      JSON.stringify({
        annotations: {
          image_1: [{ id: 'b1', tool: 'bounding_box', classification: { class: 'thing' } }],
        },
        annotationsData: {
          image_1: [{ id: 'b1', coordinate: { x: 10, y: 20, width: 30, height: 40 } }],
        },
      }),
    );
    return dir;
  }

  it('apply (default): the saved file is upright at the size COCO writes; keep: stored as is', async () => {
    const from = exifFolder();
    const apply = join(root, 'exif-apply');
    await exportOk([
      '--from',
      from,
      '--format',
      'coco',
      '--save-original-files',
      '--output',
      apply,
    ]);
    const coco = readJson<CocoFile>(join(apply, 'annotations', 'instances_default.json'));
    const image = coco.images[0]!;
    expect(image.width).toBeGreaterThan(image.height); // displayed landscape
    const saved = readImageHeaderFromFileSync(join(apply, 'images', image.file_name));
    expect([saved.storedWidth, saved.storedHeight, saved.orientation]).toEqual([
      image.width,
      image.height,
      1,
    ]);
    const keep = join(root, 'exif-keep');
    await exportOk([
      '--from',
      from,
      '--format',
      'coco',
      '--save-original-files',
      '--media-orientation',
      'keep',
      '--output',
      keep,
    ]);
    const kept = readImageHeaderFromFileSync(join(keep, 'images', image.file_name));
    expect([kept.storedWidth, kept.storedHeight, kept.orientation]).toEqual([
      image.height,
      image.width,
      6,
    ]);
    expect(readFileSync(join(keep, 'images', image.file_name))).toEqual(
      readFileSync(join(from, 'origin_files', 'Landscape_6.jpg')),
    );
    if (hasPil) {
      // what a PIL-based loader (torchvision) sees, without exif_transpose
      const size = (p: string) =>
        python('import sys\nfrom PIL import Image\nprint(*Image.open(sys.argv[1]).size)', p).trim();
      expect(size(join(apply, 'images', image.file_name))).toBe(`${image.width} ${image.height}`);
      expect(size(join(keep, 'images', image.file_name))).toBe(`${image.height} ${image.width}`);
    }
  });
});

describe('small data splits by default (ADR 0014)', () => {
  it('the 12-image COCO fixture and the 35-image VOC fixture split 80/20 with no empty split, within one item', async () => {
    const coco128 = join(root, 'split-coco128');
    await writeFolderFromCoco({
      coco: realFixture('coco128', 'instances_train2017_subset.json'),
      outDir: coco128,
      media: 'placeholder',
    });
    const voc = join(root, 'split-voc');
    await writeFolderFromVoc({
      annotationsDir: realFixture('voc2012-multiformat', 'voc', 'Annotations'),
      outDir: voc,
      media: 'placeholder',
    });
    for (const [from, n] of [
      [coco128, 12],
      [voc, 35],
    ] as const) {
      const out = join(root, `split-out-${n}`);
      await exportOk(['--from', from, '--format', 'yolo', '--split', '0.8/0.2', '--output', out]);
      const train = readdirSync(join(out, 'labels', 'train')).length;
      const val = readdirSync(join(out, 'labels', 'val')).length;
      expect(train + val).toBe(n);
      expect(val, `${n}: ${train}/${val}`).toBeGreaterThan(0);
      expect(Math.abs(val - n * 0.2), `${n}: ${train}/${val}`).toBeLessThanOrEqual(1);
    }
  });
});

describe('labels without media, and per-class counts without a split', () => {
  it('warns, notes it in data.yaml, and the manifest counts objects and images per class', async () => {
    const out = join(root, 'labels-only');
    const r = await synx(['export', '--from', DEMO, '--format', 'yolo', '--output', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const yaml = readFileSync(join(out, 'data.yaml'), 'utf8');
    expect(yaml).toMatch(/^# labels only: this export saved no images, so images\/ is empty/m);
    expect(parseYaml(yaml)).toMatchObject({ train: 'images', val: 'images' });
    const issues = readFileSync(join(out, 'synx-issues.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { code: string; severity: string; message: string });
    const notSaved = issues.filter((i) => i.code === 'SYNX_MEDIA_NOT_SAVED');
    expect(notSaved.map((i) => i.severity)).toEqual(['warning']);
    expect(notSaved[0]?.message).toMatch(/^labels only: no image was saved, so images\/ is empty/);
    const manifest = readJson<{
      split: unknown;
      classes: {
        entries: { code: string; annotations: number; images: number; objects: number }[];
      };
    }>(join(out, 'synx-export.json'));
    expect(manifest.split).toBeNull();
    const objects = manifest.classes.entries.reduce((a, c) => a + c.objects, 0);
    // what the label files hold: one line per object
    const lines = readdirSync(join(out, 'labels'))
      .map(
        (f) =>
          readFileSync(join(out, 'labels', f), 'utf8')
            .split('\n')
            .filter(Boolean).length,
      )
      .reduce((a, b) => a + b, 0);
    expect(objects).toBeGreaterThanOrEqual(lines);
    for (const c of manifest.classes.entries) {
      expect(c.images, c.code).toBeLessThanOrEqual(30);
      expect(c.objects >= c.images, c.code).toBe(true);
    }
    const withMedia = join(root, 'labels-media');
    await exportOk([
      '--from',
      DEMO,
      '--format',
      'yolo',
      '--save-original-files',
      '--output',
      withMedia,
    ]);
    expect(readFileSync(join(withMedia, 'data.yaml'), 'utf8')).not.toMatch(/labels only/);
    expect(
      existsSync(join(withMedia, 'synx-issues.jsonl'))
        ? readFileSync(join(withMedia, 'synx-issues.jsonl'), 'utf8')
        : '',
    ).not.toMatch(/SYNX_MEDIA_NOT_SAVED/);
  });
});
