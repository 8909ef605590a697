import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  realFixture,
  startFakeSynapse,
  writeFolderFromCoco,
  type FakeSynapse,
} from '@synx/fake-synapse';
import { SynapseFolderWriter } from '@synx/synapse-folder';
import { encodeJpeg } from '@synx/image-header';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, synx, tempDir, tree } from './helpers.js';

const root = tempDir('cli');
const TOKEN = 'syn_cli_secret_token_987654';
const coco128 = join(root, 'coco128');
let fake: FakeSynapse;

interface Coco {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    image_id: number;
    category_id: number;
    bbox: number[];
    iscrowd: number;
    segmentation: unknown;
  }[];
  categories: { id: number; name: string }[];
}
const original = JSON.parse(
  readFileSync(realFixture('coco128', 'instances_train2017_subset.json'), 'utf8'),
) as Coco;

beforeAll(async () => {
  await writeFolderFromCoco({
    coco: realFixture('coco128', 'instances_train2017_subset.json'),
    outDir: coco128,
    media: 'placeholder',
    projectId: 128,
    title: 'COCO128 subset',
  });
  fake = await startFakeSynapse({ from: coco128, token: TOKEN });
});
afterAll(async () => {
  await fake.close();
});

describe('help and formats', () => {
  it('documents every command, the export flags and the exit codes', async () => {
    const top = await synx(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['export', 'doctor', 'formats', 'plugins']) {
      expect(top.stdout).toContain(cmd);
    }
    const help = await synx(['export', '--help']);
    for (const flag of [
      '--target',
      '--project',
      '--gt-version',
      '--format',
      '--output',
      '--filter',
      '--dry-run',
      '--full',
      '--split',
      '--save-original-files',
      '--storage',
      '--from',
      '--host',
      '--token',
      '--json',
      '--strict',
      '--yes',
      '--class-map',
      '--option',
    ]) {
      expect(help.stdout, flag).toContain(flag);
    }
    // Format flags are not export's own: the help says where they are listed.
    expect(help.stdout).not.toContain('--yolo-task');
    expect(help.stdout).toContain('`synx formats show <id>` lists a format');
    expect(help.stdout).toMatch(/EXIT CODES\n\s+0 {2}/);
    expect(help.stdout).toMatch(/11 {2}.*nothing/i);
    expect(help.stdout).toContain('10  incomplete: the export finished');
    expect((await synx(['doctor', '--help'])).stdout).toContain('agents/');
  });

  it('lists the built-in formats from their plugin manifests', async () => {
    const r = await synx(['formats', 'list', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as {
      row: string;
      id: string;
      package: string;
      type: string;
    }[];
    expect(rows.every((x) => x.row === 'format')).toBe(true);
    expect(rows.map((x) => [x.id, x.package, x.type])).toEqual([
      ['coco', '@synx/format-coco', 'core'],
      ['conll', '@synx/format-ner', 'core'],
      ['csv', '@synx/format-csv', 'core'],
      ['hf-ner', '@synx/format-ner', 'core'],
      ['imagefolder', '@synx/format-imagefolder', 'core'],
      ['json', '@synx/format-json', 'core'],
      ['spacy', '@synx/format-ner', 'core'],
      ['voc', '@synx/format-voc', 'core'],
      ['yolo', '@synx/format-yolo', 'core'],
    ]);
  });
});

describe('synx export on the bundled demo', () => {
  it('--dry-run: the output tree with the items of each split folder or file', async () => {
    const text = await synx([
      'export',
      '--from',
      DEMO,
      '--format',
      'yolo',
      '--split',
      '80/10/10',
      '--dry-run',
    ]);
    const json = await synx([
      'export',
      '--from',
      DEMO,
      '--format',
      'yolo',
      '--split',
      '80/10/10',
      '--dry-run',
      '--json',
    ]);
    const plan = JSON.parse(json.stdout) as { split: { names: string[]; items: number[] } };
    plan.split.names.forEach((name, i) => {
      expect(text.stdout).toMatch(
        new RegExp(`labels/${name}/<image stem>\\.txt +${String(plan.split.items[i])} items`),
      );
    });
    expect(plan.split.items.reduce((a, b) => a + b, 0)).toBe(30);
  });
  it('writes a COCO dataset and prints the final report', async () => {
    const out = join(root, 'demo-coco');
    const r = await synx(['export', '--from', DEMO, '--format', 'coco', '--output', out]);
    // Without a terminal: plain progress lines on stderr, here only the last one.
    expect(r.stderr).toMatch(
      /^synx: export done 30\/30 items · 198 annotations · in [\d.]+ m?s\n$/,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Exported 30 items \(30 images, 1 without objects\) as coco to .* in \d+ (ms|s)/,
    );
    expect(r.stdout).toContain('annotations  198 in: bbox 89');
    expect(r.stdout).toContain('classes      8 from the project configuration');
    expect(r.stdout).toContain('dropped   6 polyline: COCO segmentation holds closed polygons');
    expect(r.stdout).toContain(`manifest     ${out}/synx-export.json`);
    const c = JSON.parse(
      readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8'),
    ) as Coco;
    // every output file with what it holds, and how to load it
    expect(r.stdout).toContain(
      `    annotations/instances_default.json — 30 images, ${c.annotations.length} annotations\n    classes.json\n`,
    );
    expect(r.stdout).toContain(
      `  load with    pycocotools: COCO("${out}/annotations/instances_default.json")`,
    );
    expect(r.stdout).toMatch(
      /\n {7}1 {2}car +\d+ annotations · \d+ objects? on \d+ images? {2}\(Car\)\n/,
    );
    expect(c.images).toHaveLength(30);
    expect(c.images.map((i) => i.file_name)).toContain('渋谷の交差点_café.jpg');
    expect(c.categories.map((x) => x.name)).toEqual([
      'person',
      'car',
      'bicycle',
      'traffic_sign',
      'dog',
      'road',
      'building',
      'lane',
    ]);
  });

  it('--dry-run prints the plan and writes nothing; --json gives the same as JSON', async () => {
    const out = join(root, 'demo-dry');
    const r = await synx([
      'export',
      '--from',
      DEMO,
      '--format',
      'coco',
      '--output',
      out,
      '--dry-run',
    ]);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(false);
    expect(r.stdout).toContain('Plan (dry run — nothing is written)');
    expect(r.stdout).toContain(
      '- 6 polyline: dropped — COCO segmentation holds closed polygons, not polylines',
    );
    expect(r.stdout).toContain('- 11 rotated-bbox: converted to axis-aligned bbox');
    expect(r.stdout).toContain('annotations/instances_default.json');
    const j = await synx([
      'export',
      '--from',
      DEMO,
      '--format',
      'coco',
      '--output',
      out,
      '--dry-run',
      '--json',
    ]);
    const plan = JSON.parse(j.stdout) as {
      items: number;
      losses: { feature: string; count: number }[];
    };
    expect(plan.items).toBe(30);
    expect(plan.losses.map((l) => [l.feature, l.count])).toContainEqual(['polyline', 6]);
    expect(existsSync(out)).toBe(false);
  });

  it('--dry-run --full reads every item; --full alone is refused', async () => {
    const full = await synx([
      'export',
      '--from',
      DEMO,
      '--format',
      'coco',
      '--dry-run',
      '--full',
      '--json',
    ]);
    expect(full.code, full.stderr).toBe(0);
    const plan = JSON.parse(full.stdout) as { items: number; sampled: unknown };
    expect(plan.items).toBe(30);
    expect(plan.sampled).toEqual({ items: 30, of: 30, exact: true });
    // not a terminal: no progress line
    expect(full.stderr).not.toContain('read ');
    const alone = await synx(['export', '--from', DEMO, '--format', 'coco', '--full']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--dry-run');
  });

  // The demo holds 78 boxes, 11 rotated boxes, 17 polygons, 6 polylines, 65 keypoints,
  // 10 classifications, 10 groups and 1 relation: each format says what it cannot hold, with counts.
  it.each([
    [
      'yolo',
      [],
      [
        '- 10 classification: dropped',
        '- 65 keypoint: dropped — keypoints need --yolo-task pose',
        '- 17 polygon: converted to bbox',
        '- 6 polyline: dropped',
        '- 1 relation: dropped',
        '- 11 rotated-bbox: converted to axis-aligned bbox',
      ],
    ],
    [
      'yolo',
      ['--yolo-task', 'obb'],
      ['- 17 polygon: converted to obb', '- 6 polyline: dropped', '- 65 keypoint: dropped'],
    ],
    [
      'voc',
      [],
      [
        '- 10 classification: dropped — VOC XML has no image-level labels',
        '- 65 keypoint: converted to bbox',
        '- 17 polygon: converted to bbox',
        '- 6 polyline: dropped',
        '- 1 relation: dropped',
        '- 11 rotated-bbox: converted to axis-aligned bbox',
      ],
    ],
    [
      'csv',
      [],
      [
        '- 10 group: converted to its members’ rows',
        '- 1 relation: dropped — CSV rows hold image annotations with 2D geometry',
      ],
    ],
    [
      'csv',
      ['--csv-preset', 'tfod'],
      [
        '- 10 classification: dropped',
        '- 65 keypoint: dropped',
        '- 6 polyline: dropped',
        '- 17 polygon: converted to extent box',
      ],
    ],
    ['json', [], []],
  ])(
    '--dry-run --format %s %j lists what the format cannot hold in the demo',
    async (format, extra, lines) => {
      const out = join(root, `dry-${format}-${extra.join('')}`);
      const r = await synx([
        'export',
        '--from',
        DEMO,
        '--format',
        format,
        ...extra,
        '--output',
        out,
        '--dry-run',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(out)).toBe(false);
      for (const line of lines) {
        expect(r.stdout).toContain(line);
      }
      if (lines.length === 0) {
        expect(r.stdout).not.toContain('cannot hold');
      }
    },
  );
});

describe('the API path against the fake backend', () => {
  /** `synx export` from the fake backend, with the test's token unless another is given. */
  const fromApi = (args: string[], token = TOKEN): ReturnType<typeof synx> =>
    synx(['export', '--host', fake.url, '--token', token, ...args]);
  const apiOut = join(root, 'api-coco');
  const dirOut = join(root, 'dir-coco');

  it('synx export --host … --project … --target assignment --format coco matches the original COCO JSON', async () => {
    const r = await fromApi([
      '--project',
      '128',
      '--target',
      'assignment',
      '--format',
      'coco',
      '--output',
      apiOut,
    ]);
    expect(r.stderr).toMatch(
      /^synx: export done 12\/12 items · [\d,]+ annotations · in [\d.]+ m?s\n$/,
    );
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    const ours = JSON.parse(
      readFileSync(join(apiOut, 'annotations', 'instances_default.json'), 'utf8'),
    ) as Coco;
    const catName = (c: Coco, id: number) => c.categories.find((x) => x.id === id)?.name;
    const fileOf = (c: Coco, id: number) => c.images.find((x) => x.id === id)?.file_name;
    expect(ours.images.map((i) => [i.file_name, i.width, i.height]).sort()).toEqual(
      original.images.map((i) => [i.file_name, i.width, i.height]).sort(),
    );
    for (const a of original.annotations.filter((x) => x.iscrowd === 0)) {
      const hit = ours.annotations.find(
        (o) =>
          fileOf(ours, o.image_id) === fileOf(original, a.image_id) &&
          catName(ours, o.category_id) === catName(original, a.category_id) &&
          o.bbox.every((v, i) => Math.abs(v - (a.bbox[i] ?? NaN)) <= 0.5),
      );
      expect(hit, `annotation of ${catName(original, a.category_id)}`).toBeDefined();
      expect(hit?.segmentation).toEqual(a.segmentation);
    }
    const manifest = readFileSync(join(apiOut, 'synx-export.json'), 'utf8');
    expect(manifest).not.toContain(TOKEN);
  });

  it("--from DIR gives byte-identical output (apart from the manifest's and the report's source)", async () => {
    const r = await synx(['export', '--from', coco128, '--format', 'coco', '--output', dirOut]);
    expect(r.code).toBe(0);
    const a = tree(apiOut);
    const b = tree(dirOut);
    // The API run keeps the image sizes it read over HTTP for a rerun: one line per image.
    const cache = a.get('synx-image-sizes.jsonl')?.toString('utf8').trim().split('\n') ?? [];
    expect(cache).toHaveLength(12);
    a.delete('synx-image-sizes.jsonl');
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [path, bytes] of a) {
      // the manifest and report.html name the source (host or folder); the folder run's
      // gallery also shows the folder's images
      if (path !== 'synx-export.json' && path !== 'report.html') {
        expect(b.get(path)?.equals(bytes), path).toBe(true);
      }
    }
    const strip = (p: string) => {
      const m = JSON.parse(readFileSync(join(p, 'synx-export.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      delete m['source'];
      delete m['run'];
      return m;
    };
    expect(strip(apiOut)).toEqual(strip(dirOut));
  });

  it('--format json round-trips DM v1 byte-for-byte from the API', async () => {
    const out = join(root, 'api-json');
    const r = await fromApi(['--project', '128', '--format', 'json', '--output', out]);
    expect(r.code).toBe(0);
    const src = tree(join(coco128, 'json'));
    const got = tree(join(out, 'json'));
    expect([...got.keys()]).toEqual([...src.keys()]);
    for (const [path, bytes] of src) {
      expect(got.get(path)?.equals(bytes), path).toBe(true);
    }
  });

  it('gives distinct exit codes and readable messages for 401, 404 and a dropped connection, never the token', async () => {
    const bad = await fromApi(
      ['--project', '128', '--format', 'coco', '--output', join(root, 'x1')],
      `${TOKEN}x`,
    );
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(
      `synx: Synapse at ${fake.url} rejected the access token (401: Invalid token.)`,
    );
    expect(bad.stderr).toContain('hint:');
    const missing = await fromApi([
      '--project',
      '999',
      '--format',
      'coco',
      '--output',
      join(root, 'x2'),
    ]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(`project 999 was not found on ${fake.url}`);
    fake.setFaults({ routes: { projects: { drop: 1, maxConsecutive: 1000 } } });
    const dropped = await fromApi([
      '--project',
      '128',
      '--format',
      'coco',
      '--output',
      join(root, 'x3'),
    ]);
    fake.setFaults({});
    expect(dropped.code).toBe(5);
    expect(dropped.stderr).toContain('the connection was dropped');
    for (const r of [bad, missing, dropped]) {
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
    }
    expect(existsSync(join(root, 'x2'))).toBe(false);
  }, 180_000);

  it('--json errors are JSON with the code', async () => {
    const r = await fromApi(['--project', '999', '--format', 'coco', '--json']);
    expect(r.code).toBe(4);
    const body = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SYNX_NOT_FOUND');
  });
});

describe('bad input and --strict', () => {
  const dir = join(root, 'malformed');

  beforeAll(async () => {
    const w = new SynapseFolderWriter(dir);
    await w.writeProject({
      id: 1,
      title: 'bad',
      configuration: {
        classification: { bounding_box: { classification_schema: [{ code: 'car', name: 'Car' }] } },
      },
    });
    const jpeg = encodeJpeg({ width: 32, height: 32 });
    await w.write({
      stem: 'good',
      data: {
        annotations: {
          image_1: [{ id: 'G000000001', tool: 'bounding_box', classification: { class: 'car' } }],
        },
        annotationsData: {
          image_1: [{ id: 'G000000001', coordinate: { x: 1, y: 1, width: 5, height: 5 } }],
        },
      },
      media: { name: 'good.jpg', bytes: jpeg },
    });
    await w.write({
      stem: 'broken',
      data: {
        annotations: {
          image_1: [{ id: 'B000000001', tool: 'bounding_box', classification: { class: 'car' } }],
        },
        annotationsData: {
          image_1: [{ id: 'B000000001', coordinate: { x: 1, y: 1, width: -5, height: 5 } }],
        },
      },
      media: { name: 'broken.jpg', bytes: jpeg },
    });
  });

  it('names the malformed item in the report, exports the rest, and exits 10 (incomplete)', async () => {
    const out = join(root, 'malformed-out');
    const r = await synx(['export', '--from', dir, '--format', 'coco', '--output', out]);
    expect(r.code).toBe(10);
    expect(r.stdout).toContain('INCOMPLETE (exit code 10)');
    expect(r.stdout).toContain('1 error');
    expect(r.stdout).toContain('SYNX_DM_INVALID_GEOMETRY');
    expect(r.stdout).toContain('items broken');
    const c = JSON.parse(
      readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8'),
    ) as Coco;
    expect(c.annotations).toHaveLength(1);
  });

  it('--strict turns it into a failure with exit code 6', async () => {
    const r = await synx([
      'export',
      '--from',
      dir,
      '--format',
      'coco',
      '--output',
      join(root, 'strict-out'),
      '--strict',
    ]);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('--strict');
    expect(r.stderr).toContain('item broken');
  });
});

describe('fails fast and clearly', () => {
  it('names the missing flags when there is no terminal', async () => {
    const r = await synx(['export', '--format', 'coco']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing --project (or --gt-version, or --from DIR)');
    const none = await synx(['export']);
    expect(none.stderr).toContain(
      '--format (one of: coco, conll, csv, hf-ner, imagefolder, json, spacy, voc, yolo)',
    );
  });

  it('refuses reserved flags instead of ignoring them', async () => {
    for (const args of [['--storage', '3']]) {
      const r = await synx([
        'export',
        '--from',
        DEMO,
        '--format',
        'coco',
        '--output',
        join(root, 'never'),
        ...args,
      ]);
      expect(r.code, args.join(' ')).toBe(7);
      expect(r.stderr).toContain('is not supported yet');
    }
    expect(existsSync(join(root, 'never'))).toBe(false);
  });

  it('--split: the plan shows items and classes per split; the export writes them; bad input exits 2', async () => {
    const args = ['export', '--from', DEMO, '--format', 'yolo', '--split', '0.8/0.1/0.1'];
    const plan = await synx([...args, '--seed', '3', '--stratify', '--dry-run', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const p = JSON.parse(plan.stdout) as {
      split: {
        mode: string;
        seed: number;
        items: number[];
        classes: { label: string; counts: number[] }[];
      };
    };
    expect(p.split).toMatchObject({ mode: 'stratified', seed: 3, items: [24, 3, 3] });
    expect(p.split.classes.find((c) => c.label === 'car')?.counts.reduce((a, b) => a + b)).toBe(30);
    const text = await synx([...args, '--seed', '3', '--stratify', '--dry-run']);
    expect(text.stdout).toMatch(/split {8}stratified, seed 3/);
    expect(text.stdout).toMatch(/ {4}train +24 items \(80\.0% of 80\.0%\)/);
    expect(text.stdout).toContain('largest deviation');
    expect(text.stdout).toContain('labels/val/<image stem>.txt');

    const out = join(root, 'demo-split');
    const r = await synx([...args, '--seed', '3', '--stratify', '--output', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ {4}val +3 items/);
    const sizes = ['train', 'val', 'test'].map((s) => readdirSync(join(out, 'labels', s)).length);
    expect(sizes).toEqual([24, 3, 3]);

    for (const [bad, message] of [
      [['--split', '0.8/0.3'], 'the shares sum to 1.1, not 1'],
      [['--split', '0.8/0.1/0.1', '--group-by', 'video'], 'none of the 30 items has "video"'],
      [['--seed', '4'], '--split'],
    ] as const) {
      const e = await synx([
        'export',
        '--from',
        DEMO,
        '--format',
        'coco',
        '--output',
        join(root, 'never'),
        ...bad,
      ]);
      expect(e.code, bad.join(' ')).toBe(2);
      expect(e.stderr).toContain(message);
    }
    expect(existsSync(join(root, 'never'))).toBe(false);
  });

  it('an unknown format lists the installed ones', async () => {
    const r = await synx(['export', '--from', DEMO, '--format', 'kitti']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no format "kitti" is installed');
    expect(r.stderr).toContain(
      'installed formats: coco, conll, csv, hf-ner, imagefolder, json, spacy, voc, yolo',
    );
  });
});

describe('synx doctor', () => {
  it('checks the config file, the host and the token', async () => {
    const home = join(root, 'home-ok');
    mkdirSync(join(home, '.synapse'), { recursive: true });
    writeFileSync(
      join(home, '.synapse', 'config.json'),
      JSON.stringify({ host: fake.url, access_token: TOKEN }),
    );
    chmodSync(join(home, '.synapse', 'config.json'), 0o600);
    const ok = await synx(['doctor', '--json'], { home });
    expect(ok.code).toBe(0);
    const body = JSON.parse(ok.stdout) as {
      ok: boolean;
      checks: { check: string; status: string }[];
    };
    expect(body.checks.map((c) => [c.check, c.status])).toEqual([
      ['config file', 'ok'],
      ['host', 'ok'],
      ['token', 'ok'],
    ]);
    chmodSync(join(home, '.synapse', 'config.json'), 0o644);
    const loose = await synx(['doctor'], { home, env: { SYNAPSE_ACCESS_TOKEN: 'wrong-token' } });
    expect(loose.code).toBe(1);
    expect(loose.stdout).toContain('readable by others');
    expect(loose.stdout).toContain('invalid or expired (401)');
    expect(loose.stdout).not.toContain('wrong-token');
  });
});

describe('third-party format plugins', () => {
  it('a linked plugin shows in formats list and exports through the same contract', async () => {
    const home = join(root, 'home-plugin');
    mkdirSync(home, { recursive: true });
    const plugin = join(import.meta.dirname, 'fixtures', 'synx-format-lines');
    const link = await synx(['plugins', 'link', plugin, '--no-install'], { home });
    expect(link.code, link.stderr).toBe(0);
    const list = await synx(['formats', 'list', '--json'], { home });
    const rows = JSON.parse(list.stdout) as { id: string; package: string; type: string }[];
    expect(rows.map((r) => [r.id, r.package, r.type])).toContainEqual([
      'lines',
      'synx-format-lines',
      'link',
    ]);
    const out = join(root, 'lines-out');
    const r = await synx(['export', '--from', DEMO, '--format', 'lines', '--output', out], {
      home,
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(out, 'boxes.txt'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(89); // every box of the demo, rotated ones included
    const manifest = JSON.parse(readFileSync(join(out, 'synx-export.json'), 'utf8')) as {
      format: { id: string; package: string };
    };
    expect(manifest.format).toMatchObject({ id: 'lines', package: 'synx-format-lines' });
  });
});
