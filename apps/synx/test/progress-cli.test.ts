// A large export without a terminal (CI, logs): plain progress lines on stderr as it goes, and a
// report that names every output file with its counts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticFolder } from '@synx/fake-synapse';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { synx } from './helpers.js';

let root: string;
let src: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'synx-progress-'));
  src = join(root, 'src');
  await writeSyntheticFolder({ outDir: src, items: 5000, seed: 11, sizes: [[64, 48]] });
}, 300_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

it('5,000 items, no terminal: a progress line at least every 500 items, then the report with per-file counts', async () => {
  const out = join(root, 'out');
  const r = await synx([
    'export',
    '--from',
    src,
    '--format',
    'coco',
    '--split',
    '80/20',
    '--output',
    out,
  ]);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stderr.trim().split('\n');
  const counts = lines.map((l) => {
    const m = /^synx: (?:export|write|read)(?: done)? ([\d,]+)\/5,000 items/.exec(l);
    expect(m, l).not.toBeNull();
    return Number((m?.[1] ?? '').replace(/,/g, ''));
  });
  // As it goes: several lines, never more than 500 items apart, ending at 5,000.
  expect(counts.length, r.stderr).toBeGreaterThanOrEqual(10);
  expect(counts[0], r.stderr).toBeLessThanOrEqual(500);
  expect(counts.at(-1)).toBe(5000);
  for (let i = 1; i < counts.length; i++) {
    expect((counts[i] ?? 0) - (counts[i - 1] ?? 0), r.stderr).toBeLessThanOrEqual(500);
  }
  // The report: each annotations file with the images and annotations it holds.
  for (const split of ['train', 'val']) {
    const coco = JSON.parse(
      readFileSync(join(out, 'annotations', `instances_${split}.json`), 'utf8'),
    ) as { images: unknown[]; annotations: unknown[] };
    const n = (v: number): string => v.toLocaleString('en-US');
    expect(r.stdout).toMatch(
      new RegExp(
        `annotations/instances_${split}\\.json +— ${n(coco.images.length)} images, ${n(coco.annotations.length)} annotations`,
      ),
    );
  }
  expect(r.stdout).toMatch(/load with\s+pycocotools: COCO\(/);
  expect(r.stdout).toMatch(/manifest\s+\S+synx-export\.json/);
}, 300_000);
