// ADR 0017: one rule for geometry against its image, the same in every format.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { cocoFormat } from '@synx/format-coco';
import { csvFormat } from '@synx/format-csv';
import { vocFormat } from '@synx/format-voc';
import { yoloFormat } from '@synx/format-yolo';
import { polygonArea } from '@synx/geometry';
import { encodeJpeg } from '@synx/image-header';
import type { Annotation, Issue, Media } from '@synx/model';
import { SynapseFolderWriter } from '@synx/synapse-folder';
import { describe, expect, it } from 'vitest';
import { fitToImage, runExport } from '../src/index.js';
import { tempDir } from './helpers.js';

const root = tempDir('fit');
const base = { tool: 'x', classCode: 'car', attributes: {} };

function media(annotations: Annotation[], width?: number, height?: number): Media {
  return {
    id: 'image_1',
    kind: 'image',
    annotations,
    sections: ['annotations'],
    ...(width === undefined ? {} : { width }),
    ...(height === undefined ? {} : { height }),
  };
}

describe('fitToImage', () => {
  it('leaves out degenerate shapes whatever the image, and names their field', () => {
    const m = media([
      { ...base, id: 'z', kind: 'bbox', x: 1, y: 1, width: 0, height: 5, dataIndex: 0 },
      {
        ...base,
        id: 'p',
        kind: 'polygon',
        points: [
          { x: 1, y: 1 },
          { x: 2, y: 2 },
        ],
        dataIndex: 1,
      },
      { ...base, id: 'l', kind: 'polyline', points: [{ x: 1, y: 1 }], dataIndex: 2 },
      { ...base, id: 'k', kind: 'mask', pixelIndices: [], dataIndex: 3 },
      { ...base, id: 'ok', kind: 'bbox', x: 1, y: 1, width: 2, height: 2, dataIndex: 4 },
    ]);
    const unfit = fitToImage(m, 'item', () => undefined);
    expect(unfit.map((u) => [u.annotation.id, u.code, u.field])).toEqual([
      ['z', 'SYNX_GEOMETRY_EMPTY', 'annotationsData.image_1[0].coordinate'],
      ['p', 'SYNX_GEOMETRY_EMPTY', 'annotationsData.image_1[1].coordinate'],
      ['l', 'SYNX_GEOMETRY_EMPTY', 'annotationsData.image_1[2].coordinate'],
      ['k', 'SYNX_GEOMETRY_EMPTY', 'annotationsData.image_1[3].pixel_indices'],
    ]);
    expect(m.annotations.map((a) => a.id)).toEqual(['ok']);
  });

  it('clips what is partly outside, leaves out what is wholly outside, keeps rotated corners', () => {
    const issues: Issue[] = [];
    const m = media(
      [
        { ...base, id: 'in', kind: 'bbox', x: 10, y: 10, width: 20, height: 20 },
        { ...base, id: 'part', kind: 'bbox', x: -10, y: 90, width: 30, height: 30, dataIndex: 1 },
        { ...base, id: 'out', kind: 'bbox', x: 200, y: 10, width: 5, height: 5 },
        {
          ...base,
          id: 'rot',
          kind: 'bbox',
          x: 90,
          y: 90,
          width: 20,
          height: 20,
          rotation: 0.5,
        },
        {
          ...base,
          id: 'poly',
          kind: 'polygon',
          points: [
            { x: -50, y: 50, id: 'v1' },
            { x: 50, y: -50, id: 'v2' },
            { x: 50, y: 50, id: 'v3' },
          ],
        },
        { ...base, id: 'kp', kind: 'keypoint', x: 101, y: 5 },
        { ...base, id: 'mask', kind: 'mask', pixelIndices: [0, 9_999, 10_000, 50_000] },
      ],
      100,
      100,
    );
    const unfit = fitToImage(m, 'item', (i) => issues.push(i));
    expect(unfit.map((u) => [u.annotation.id, u.code])).toEqual([
      ['out', 'SYNX_GEOMETRY_OUTSIDE'],
      ['kp', 'SYNX_GEOMETRY_OUTSIDE'],
    ]);
    const byId = new Map(m.annotations.map((a) => [a.id, a]));
    expect(byId.get('in')).toMatchObject({ x: 10, y: 10, width: 20, height: 20 });
    expect(byId.get('part')).toMatchObject({ x: 0, y: 90, width: 20, height: 10 });
    expect(byId.get('rot')).toMatchObject({ x: 90, y: 90, width: 20, height: 20, rotation: 0.5 });
    const poly = byId.get('poly');
    const points = poly?.kind === 'polygon' ? poly.points : [];
    // the triangle's part inside the image is the square [0, 50]²; the corner inside keeps its id
    expect(polygonArea(points)).toBe(2500);
    expect(points).toHaveLength(4);
    expect(points).toContainEqual({ x: 50, y: 50, id: 'v3' });
    expect(points.every((p) => p.x >= 0 && p.x <= 50 && p.y >= 0 && p.y <= 50)).toBe(true);
    const mask = byId.get('mask');
    expect(mask?.kind === 'mask' ? mask.pixelIndices : []).toEqual([0, 9_999]);
    expect(issues.map((i) => [i.annotationId, i.code, i.field])).toEqual([
      ['part', 'SYNX_GEOMETRY_CLIPPED', 'annotationsData.image_1[1].coordinate'],
      ['poly', 'SYNX_GEOMETRY_CLIPPED', 'annotations.image_1.coordinate'],
      ['mask', 'SYNX_GEOMETRY_CLIPPED', 'annotations.image_1.pixel_indices'],
    ]);
    expect(issues.every((i) => i.severity === 'warning' && i.itemId === 'item')).toBe(true);
  });

  it('clips nothing when the image size is unknown', () => {
    const m = media([{ ...base, id: 'b', kind: 'bbox', x: -5, y: -5, width: 1e6, height: 3 }]);
    expect(fitToImage(m, 'item', () => undefined)).toEqual([]);
    expect(m.annotations[0]).toMatchObject({ x: -5, width: 1e6 });
  });
});

describe('every format treats a box outside its image the same way', () => {
  const formats = { coco: cocoFormat, csv: csvFormat, voc: vocFormat, yolo: yoloFormat };

  it('clips the partly-outside box to the same box, leaves out the outside one with a warning', async () => {
    const src = join(root, 'src');
    const w = new SynapseFolderWriter(src);
    await w.writeProject({
      id: 1,
      title: 'fit',
      configuration: {
        classification: { bounding_box: { classification_schema: [{ code: 'car', name: 'car' }] } },
      },
    });
    const box = (id: string, x: number, y: number, width: number, height: number) => ({
      a: { id, tool: 'bounding_box', classification: { class: 'car' } },
      d: { id, coordinate: { x, y, width, height } },
    });
    const anns = [
      box('inside', 10, 10, 20, 10),
      box('part', 50, 30, 40, 40),
      box('out', 100, 5, 10, 10),
    ];
    await w.write({
      stem: 'img',
      data: {
        annotations: { image_1: anns.map((x) => x.a) },
        annotationsData: { image_1: anns.map((x) => x.d) },
      },
      media: { name: 'img.jpg', bytes: encodeJpeg({ width: 64, height: 48 }) },
    });
    const boxes: Record<string, number[][]> = {};
    for (const [id, format] of Object.entries(formats)) {
      const out = join(root, id);
      const summary = await runExport({
        source: { kind: 'folder', dir: src },
        format: format,
        output: out,
      });
      expect(summary.status, id).toBe('complete');
      const codes = summary.issues.byCode.map((c) => [c.code, c.severity, c.count]);
      expect(codes, id).toContainEqual(['SYNX_GEOMETRY_OUTSIDE', 'warning', 1]);
      expect(codes, id).toContainEqual(['SYNX_GEOMETRY_CLIPPED', 'warning', 1]);
      expect(summary.dropped.find((g) => g.kind === 'bbox')?.reason, id).toBe(
        'outside the 64×48 image',
      );
      // x0, y0, x1, y1 in pixels
      if (id === 'coco') {
        const c = JSON.parse(
          readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8'),
        ) as {
          annotations: { bbox: number[] }[];
        };
        boxes[id] = c.annotations.map(({ bbox: [x = 0, y = 0, bw = 0, bh = 0] }) => [
          x,
          y,
          x + bw,
          y + bh,
        ]);
      } else if (id === 'csv') {
        const rows = parseCsv<Record<string, string>>(
          readFileSync(join(out, 'annotations.csv'), 'utf8'),
          { columns: true },
        );
        boxes[id] = rows
          .filter((r) => r['kind'] === 'bbox')
          .map((r) => ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => Number(r[k])));
      } else if (id === 'voc') {
        const xml = readFileSync(
          join(out, 'VOCdevkit', 'VOC2012', 'Annotations', 'img.xml'),
          'utf8',
        );
        // 1-based devkit corners: xmin = x + 1, xmax = x + width
        boxes[id] = [
          ...xml.matchAll(
            /<xmin>(.+?)<\/xmin>\s*<ymin>(.+?)<\/ymin>\s*<xmax>(.+?)<\/xmax>\s*<ymax>(.+?)<\/ymax>/g,
          ),
        ].map((m) => [Number(m[1]) - 1, Number(m[2]) - 1, Number(m[3]), Number(m[4])]);
      } else {
        const dir = join(out, 'labels');
        const file = readdirSync(dir).find((f) => f.endsWith('.txt')) ?? '';
        boxes[id] = readFileSync(join(dir, file), 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' ').slice(1).map(Number))
          .map(([cx = 0, cy = 0, bw = 0, bh = 0]) =>
            [(cx - bw / 2) * 64, (cy - bh / 2) * 48, (cx + bw / 2) * 64, (cy + bh / 2) * 48].map(
              (v) => Math.round(v * 1000) / 1000,
            ),
          );
      }
    }
    const want = [
      [10, 10, 30, 20],
      [50, 30, 64, 48],
    ];
    for (const [id, got] of Object.entries(boxes)) {
      expect(got, id).toEqual(want);
    }
  });
});
