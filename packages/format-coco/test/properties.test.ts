import { describeWriterProperties } from '@synx/format-testkit';
import { expect } from 'vitest';
import { cocoFormat } from '../src/index.js';

const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

interface Coco {
  images: { id: number; width?: unknown; height?: unknown }[];
  annotations: { bbox: unknown[]; area: unknown; keypoints?: unknown[]; segmentation: unknown }[];
}

describeWriterProperties(cocoFormat, {
  checkFile: ({ rel, text }) => {
    if (!rel.startsWith('annotations/')) {
      return;
    }
    // What pycocotools needs of each entry: numbers where numbers go.
    const coco = JSON.parse(text) as Coco;
    for (const img of coco.images) {
      for (const side of [img.width, img.height]) {
        if (side !== undefined) {
          expect(
            Number.isInteger(side) && (side as number) > 0,
            `${rel} image side ${JSON.stringify(side)}`,
          ).toBe(true);
        }
      }
    }
    for (const a of coco.annotations) {
      expect(a.bbox.length, rel).toBe(4);
      expect(a.bbox.every(finite), `${rel} bbox ${JSON.stringify(a.bbox)}`).toBe(true);
      expect(finite(a.area) && (a.area as number) >= 0, `${rel} area ${String(a.area)}`).toBe(true);
      expect((a.keypoints ?? []).every(finite), `${rel} keypoints`).toBe(true);
      const seg = a.segmentation;
      if (Array.isArray(seg)) {
        for (const poly of seg as unknown[][]) {
          expect(poly.every(finite), `${rel} segmentation`).toBe(true);
        }
      } else {
        const rle = seg as { counts: unknown[]; size: unknown[] };
        expect(
          [...rle.counts, ...rle.size].every((v) => Number.isInteger(v) && (v as number) >= 0),
          `${rel} RLE`,
        ).toBe(true);
      }
    }
  },
});
