import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  pixelIndicesBbox,
  pixelIndicesToRle,
  rleArea,
  rleBbox,
  rleCountsFromString,
  rleCountsToString,
  rleToPixelIndices,
} from '../src/index.js';

describe('COCO RLE', () => {
  it('decodes column-major runs into sorted row-major indices and back', () => {
    // 3×2 image (h=2, w=3); column-major order: (0,0),(0,1),(1,0),(1,1),(2,0),(2,1)
    const rle = { counts: [1, 2, 3], size: [2, 3] as [number, number] };
    // foreground: col-major 1 → (x0,y1)=3, col-major 2 → (x1,y0)=1
    expect(rleToPixelIndices(rle)).toEqual([1, 3]);
    expect(pixelIndicesToRle([3, 1], 3, 2)).toEqual({ counts: [1, 2, 3], size: [2, 3] });
  });

  it('an empty mask is one run of zeros; a full mask starts with a zero-length run', () => {
    expect(pixelIndicesToRle([], 2, 2)).toEqual({ counts: [4], size: [2, 2] });
    expect(pixelIndicesToRle([0, 1, 2, 3], 2, 2)).toEqual({ counts: [0, 4], size: [2, 2] });
  });

  it('compressed strings round-trip', () => {
    const counts = [44826, 16, 411, 25, 402, 27, 400, 29, 399, 29, 5, 0, 1];
    expect(rleCountsFromString(rleCountsToString(counts))).toEqual(counts);
  });

  it('rejects runs that do not cover the image', () => {
    expect(() => rleToPixelIndices({ counts: [1, 1], size: [2, 2] })).toThrow(/cover 2 pixels/);
  });

  const fixture = join(
    import.meta.dirname,
    '../../fake-synapse/fixtures/real/coco128/instances_train2017_subset.json',
  );
  it.skipIf(!existsSync(fixture))(
    'reads the real COCO crowd mask: exact round trip, extent within a pixel of its box',
    () => {
      const coco = JSON.parse(readFileSync(fixture, 'utf8')) as {
        annotations: {
          iscrowd: number;
          area: number;
          bbox: number[];
          segmentation: { counts: number[]; size: [number, number] };
        }[];
      };
      const crowd = coco.annotations.filter((a) => a.iscrowd === 1);
      expect(crowd.length).toBeGreaterThan(0);
      for (const a of crowd) {
        // COCO's `area` and `bbox` of crowd objects come from the original drawing, not the mask:
        // here the mask has 1,958 pixels for an `area` of 2,125, and its extent is one pixel wider.
        const [h, w] = a.segmentation.size;
        const indices = rleToPixelIndices(a.segmentation);
        expect(indices).toHaveLength(rleArea(a.segmentation));
        expect(rleArea(a.segmentation)).toBe(1958);
        const extent = rleBbox(a.segmentation);
        extent.forEach((v, i) => {
          expect(Math.abs(v - (a.bbox[i] ?? 0))).toBeLessThanOrEqual(1);
        });
        expect(extent).toEqual([104, 310, 460, 35]);
        expect(pixelIndicesToRle(indices, w, h).counts).toEqual(a.segmentation.counts);
        expect(rleCountsFromString(rleCountsToString(a.segmentation.counts))).toEqual(
          a.segmentation.counts,
        );
      }
    },
  );
});

describe('pixelIndicesBbox', () => {
  it('equals the box of the RLE of the same pixels, on random masks with stray indices', () => {
    let seed = 11;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let trial = 0; trial < 300; trial++) {
      const w = 1 + Math.floor(rand() * 40);
      const h = 1 + Math.floor(rand() * 40);
      const indices: number[] = [];
      const n = Math.floor(rand() * 60);
      for (let i = 0; i < n; i++) {
        const r = rand();
        // mostly valid pixels; some duplicates, out-of-range and non-integer indices
        indices.push(
          r < 0.05 ? -3 : r < 0.1 ? w * h + 2 : r < 0.15 ? 1.5 : Math.floor(rand() * w * h),
        );
        if (r > 0.9 && indices.length > 0) {
          indices.push(indices[0] ?? 0);
        }
      }
      expect(pixelIndicesBbox(indices, w, h), `${w}x${h} ${indices.join(',')}`).toEqual(
        rleBbox(pixelIndicesToRle(indices, w, h)),
      );
    }
  });

  it('is [0, 0, 0, 0] without a pixel inside the image', () => {
    expect(pixelIndicesBbox([], 4, 4)).toEqual([0, 0, 0, 0]);
    expect(pixelIndicesBbox([-1, 16, 2.5], 4, 4)).toEqual([0, 0, 0, 0]);
  });
});
