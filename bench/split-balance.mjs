#!/usr/bin/env node
// How close --split and --split --stratify come to the target shares, per class, on the bundled
// demo, the real fixtures (COCO128 subset, VOC 2012) and a larger synthetic project. Prints, per
// dataset and mode: items per split, the largest deviation of any class's share from its target
// ratio (percentage points), the same over classes with ≥ 20 objects, and the mean over classes
// of (deviation − the best whole counts allow). Run after `npm run build`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planExport } from '@synx/export';
import {
  realFixture,
  writeFolderFromCoco,
  writeFolderFromVoc,
  writeSyntheticFolder,
} from '@synx/fake-synapse';
import { cocoFormat } from '@synx/format-coco';
import { parseSplitRatios } from '@synx/split';

const root = mkdtempSync(join(tmpdir(), 'synx-bench-split-'));
const demo = join(import.meta.dirname, '..', 'apps', 'synx', 'demo', 'synapse-demo');
try {
  const coco128 = join(root, 'coco128');
  await writeFolderFromCoco({
    coco: realFixture('coco128', 'instances_train2017_subset.json'),
    outDir: coco128,
    media: 'placeholder',
  });
  const voc = join(root, 'voc');
  await writeFolderFromVoc({
    annotationsDir: realFixture('voc2012-multiformat', 'voc', 'Annotations'),
    outDir: voc,
    media: 'placeholder',
  });
  const synthetic = join(root, 'synthetic');
  await writeSyntheticFolder({ outDir: synthetic, items: 5000, objectsPerItem: 4, seed: 7 });
  const pt = (v) => (v * 100).toFixed(1).padStart(5);
  console.log(
    'dataset      ratios        mode        items per split     max dev   max dev (≥20 obj)  mean above floor',
  );
  for (const [name, dir] of [
    ['demo', demo],
    ['coco128', coco128],
    ['voc2012', voc],
    ['synthetic5k', synthetic],
  ]) {
    for (const ratios of ['0.8/0.1/0.1', '0.8/0.2']) {
      for (const stratify of [false, true]) {
        const plan = await planExport({
          source: { kind: 'folder', dir },
          format: cocoFormat,
          split: { ratios: parseSplitRatios(ratios), seed: 0, stratify },
        });
        const s = plan.split;
        const classes = s.classes;
        const big = classes.filter((c) => c.total >= 20);
        const max = Math.max(0, ...classes.map((c) => c.maxDeviation));
        const maxBig = Math.max(0, ...big.map((c) => c.maxDeviation));
        const above =
          classes.reduce((a, c) => a + Math.max(0, c.maxDeviation - c.floor), 0) /
          Math.max(1, classes.length);
        console.log(
          `${name.padEnd(12)} ${ratios.padEnd(13)} ${(stratify ? 'stratified' : 'hash').padEnd(11)} ${s.items.join('/').padEnd(18)} ${pt(max)} pt   ${big.length > 0 ? `${pt(maxBig)} pt (${big.length} cl.)` : '   —             '}   ${pt(above)} pt`,
        );
      }
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
