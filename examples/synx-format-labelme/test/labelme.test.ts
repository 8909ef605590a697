import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadFixture, readBack, runWriter, tempDir } from '@synx/format-testkit';
import { describe, expect, it } from 'vitest';
import { labelmeFormat, type LabelmeFile } from '../src/index.js';

// test/fixtures/primitives.json is LabelMe's own example file `examples/primitives/primitives.json`
// of wkentaro/labelme (written by labelme 4.0.0: every shape type, `imageData: null`, and the
// legacy `lineColor`/`fillColor` keys), reproduced as labelme's `json.dump(indent=2)` writes it.
const PRIMITIVES = join(import.meta.dirname, 'fixtures', 'primitives.json');

describe('LabelMe reader', () => {
  it('reads a file written by labelme itself', async () => {
    const dir = tempDir('labelme-primitives');
    copyFileSync(PRIMITIVES, join(dir, 'primitives.json'));
    const [item, ...more] = await readBack(labelmeFormat, {}, dir);
    expect(more).toEqual([]);
    expect(item?.stem).toBe('primitives');
    const media = item?.media[0];
    expect(media).toMatchObject({ file: { name: 'primitives.jpg' }, width: 560, height: 450 });
    const got = media?.annotations.map((a) => [a.kind, a.classCode]);
    expect(got).toEqual([
      ['bbox', 'rectangle'],
      ['bbox', 'circle'],
      ['bbox', 'rectangle'],
      ['polygon', 'polygon'],
      ['polyline', 'line'],
      ['keypoint', 'point'],
      ['polyline', 'line_strip'],
    ]);
    expect(media?.annotations[0]).toMatchObject({ x: 32, y: 35, width: 100, height: 100 });
    // A circle is its centre and a point on it: read as the circle's bounding box.
    const r = Math.hypot(30, 41);
    expect(media?.annotations[1]).toMatchObject({ x: 195 - r, y: 84 - r, width: 2 * r });
    expect(media?.annotations[3]).toMatchObject({
      points: [
        { x: 69, y: 318 },
        { x: 45, y: 403 },
        { x: 173, y: 406 },
        { x: 198, y: 321 },
      ],
    });
    expect(media?.annotations[5]).toMatchObject({ x: 345, y: 174 });
    expect(media?.annotations[6]).toMatchObject({
      points: [
        { x: 440.53703703703707, y: 181.46296296296293 },
        { x: 402.53703703703707, y: 274.46296296296293 },
        { x: 544.5370370370371, y: 275.46296296296293 },
      ],
    });
  });
});

describe('LabelMe writer', () => {
  it('writes LabelMe files: rectangles, rotated boxes as polygons, group_id, flags, no masks', async () => {
    const root = tempDir('labelme-rich');
    const data = await loadFixture('rich', join(root, 'src'));
    const run = await runWriter(labelmeFormat, {}, data, join(root, 'out'));
    const names = readdirSync(run.dir).sort();
    expect(names).toContain('labels.txt');
    const files = names
      .filter((n) => n.endsWith('.json'))
      .map((n) => JSON.parse(readFileSync(join(run.dir, n), 'utf8')) as LabelmeFile);
    expect(files.length).toBe(run.exportItems.flatMap((e) => e.images).length);
    for (const f of files) {
      expect(Object.keys(f)).toEqual([
        'version',
        'flags',
        'shapes',
        'imagePath',
        'imageData',
        'imageHeight',
        'imageWidth',
      ]);
      expect(f.imageData).toBeNull();
      for (const s of f.shapes) {
        expect(Object.keys(s)).toEqual([
          'label',
          'points',
          'group_id',
          'shape_type',
          'flags',
          'description',
        ]);
        if (s.shape_type === 'rectangle') {
          expect(s.points.length).toBe(2);
        }
        if (s.shape_type === 'point') {
          expect(s.points.length).toBe(1);
        }
      }
    }
    const shapes = files.flatMap((f) => f.shapes);
    const types = new Set(shapes.map((s) => s.shape_type));
    expect([...types].sort()).toEqual(['linestrip', 'point', 'polygon', 'rectangle']);
    expect(shapes.some((s) => s.group_id !== null)).toBe(true);
    expect(files.some((f) => Object.values(f.flags).includes(true))).toBe(true);

    const rotated = run.outcomes.filter(
      (o) => o.outcome === 'converted' && o.annotation.kind === 'bbox',
    );
    expect(rotated.length).toBeGreaterThan(0);
    for (const o of rotated) {
      expect(o.reason).toContain('four corners');
    }
    const masks = run.outcomes.filter((o) => o.annotation.kind === 'mask');
    expect(masks.length).toBeGreaterThan(0);
    for (const o of masks) {
      expect(o.outcome).toBe('dropped');
      expect(o.reason).toMatch(/mask|class/);
    }
  });
});
