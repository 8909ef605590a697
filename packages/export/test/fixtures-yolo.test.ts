import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { realFixture, writeFolderFromCoco, writeFolderFromVoc } from '@synx/fake-synapse';
import { yoloFormat } from '@synx/format-yolo';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runExport } from '../src/index.js';
import { tempDir } from './helpers.js';

const yolo = yoloFormat;
const root = tempDir('fixtures-yolo');

interface Row {
  cls: string;
  v: number[];
}

function rows(text: string, names: (i: number) => string): Row[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [c, ...v] = l.trim().split(/\s+/).map(Number);
      return { cls: names(c ?? -1), v };
    });
}

/** Every row of ours has a row of theirs with the same class and numbers within `tol` (one-to-one). */
function matchRows(ours: Row[], theirs: Row[], tol: number): void {
  const left = [...theirs];
  for (const r of ours) {
    const i = left.findIndex(
      (t) =>
        t.cls === r.cls &&
        t.v.length === r.v.length &&
        t.v.every((x, k) => Math.abs(x - (r.v[k] ?? NaN)) <= tol),
    );
    expect(i, `${r.cls} ${r.v.join(' ')}`).toBeGreaterThanOrEqual(0);
    left.splice(i, 1);
  }
  expect(left).toEqual([]);
}

describe("COCO128 → --format yolo against ultralytics' own labels", () => {
  it('matches every label line (class by name, 1e-6), skips the crowd box, writes every file', async () => {
    const src = join(root, 'coco128');
    await writeFolderFromCoco({
      coco: realFixture('coco128', 'instances_train2017_subset.json'),
      outDir: src,
      media: 'placeholder',
    });
    const out = join(root, 'coco128-yolo');
    const summary = await runExport({
      source: { kind: 'folder', dir: src },
      format: yolo,
      output: out,
    });
    const data = parse(readFileSync(join(out, 'data.yaml'), 'utf8')) as {
      names: Record<string, string>;
    };
    const ours = (i: number): string => data.names[String(i)] ?? '?';
    const classes = readFileSync(realFixture('coco128', 'yolo_ultralytics', 'classes.txt'), 'utf8')
      .trim()
      .split('\n');
    const theirs = (i: number): string => classes[i] ?? '?';
    // same class order: ultralytics maps COCO ids 1..90 to 0..79 in COCO order, as the project configures them
    expect(Object.values(data.names)).toEqual(classes);
    const refDir = realFixture('coco128', 'yolo_ultralytics', 'labels');
    const refFiles = readdirSync(refDir).sort();
    for (const f of refFiles) {
      expect(existsSync(join(out, 'labels', f)), `labels/${f}`).toBe(true);
      // within 1e-6 (+ float slack: 0.148062 vs ultralytics' 0.148063 for a true 0.1480625)
      matchRows(
        rows(readFileSync(join(out, 'labels', f), 'utf8'), ours),
        rows(readFileSync(join(refDir, f), 'utf8'), theirs),
        1e-6 + 1e-12,
      );
    }
    // the image without objects gets an empty file (ultralytics writes none)
    expect(readFileSync(join(out, 'labels', '000000000250.txt'), 'utf8')).toBe('');
    expect(readdirSync(join(out, 'labels')).sort()).toEqual(
      [...refFiles, '000000000250.txt'].sort(),
    );
    // the one crowd object is reported as skipped, like ultralytics
    const crowd = summary.dropped.filter((g) => g.reason.startsWith('crowd region'));
    expect(crowd.map((g) => g.kind).sort()).toEqual(['bbox', 'group', 'mask']);
    expect(crowd.every((g) => g.count === 1)).toBe(true);
  });
});

describe("VOC 2012 → --format yolo against CVAT's YOLO export", () => {
  it("matches CVAT's labels by class name", async () => {
    const src = join(root, 'voc');
    await writeFolderFromVoc({
      annotationsDir: realFixture('voc2012-multiformat', 'voc', 'Annotations'),
      outDir: src,
      media: 'placeholder',
    });
    const out = join(root, 'voc-yolo');
    await runExport({ source: { kind: 'folder', dir: src }, format: yolo, output: out });
    const data = parse(readFileSync(join(out, 'data.yaml'), 'utf8')) as {
      names: Record<string, string>;
    };
    const cvatNames = readFileSync(
      realFixture('voc2012-multiformat', 'yolo_cvat', 'obj.names'),
      'utf8',
    )
      .trim()
      .split('\n');
    const refDir = realFixture('voc2012-multiformat', 'yolo_cvat', 'obj_train_data');
    const files = readdirSync(refDir)
      .filter((f) => f.endsWith('.txt'))
      .sort();
    expect(files).toHaveLength(35);
    for (const f of files) {
      matchRows(
        rows(readFileSync(join(out, 'labels', f), 'utf8'), (i) => data.names[String(i)] ?? '?'),
        rows(readFileSync(join(refDir, f), 'utf8'), (i) => cvatNames[i] ?? '?'),
        1e-6 + 1e-12,
      );
    }
  });
});
