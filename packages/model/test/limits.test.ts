import { describe, expect, it } from 'vitest';
import {
  convertDmV1,
  geometryProblem,
  MAX_COORDINATE,
  type Annotation,
  type Issue,
} from '../src/index.js';

const base = { id: 'a1', tool: 'bounding_box', classCode: 'car', attributes: {} };

describe('geometryProblem', () => {
  it('accepts ordinary geometry, -0 and values at the bound', () => {
    const ok: Annotation[] = [
      { ...base, kind: 'bbox', x: -0, y: 0, width: MAX_COORDINATE, height: 1 },
      {
        ...base,
        kind: 'polygon',
        points: [
          { x: 1, y: 2 },
          { x: -MAX_COORDINATE, y: 3 },
        ],
      },
      { ...base, kind: 'keypoint', x: 0.5, y: 1e-300 },
      { ...base, kind: 'mask', pixelIndices: [0, 5, 1e12] },
    ];
    for (const a of ok) {
      expect(geometryProblem(a)).toBeUndefined();
    }
  });

  it('names the first bad number: non-finite, absurd, negative size, bad pixel index', () => {
    const cases: [Annotation, string][] = [
      [{ ...base, kind: 'bbox', x: Number.NaN, y: 0, width: 1, height: 1 }, 'x'],
      [{ ...base, kind: 'bbox', x: 0, y: 0, width: 1e308, height: 1 }, 'width'],
      [{ ...base, kind: 'bbox', x: 0, y: 0, width: 1, height: -2 }, 'height'],
      [{ ...base, kind: 'bbox', x: 0, y: 0, width: 1, height: 1, rotation: Infinity }, 'rotation'],
      [
        {
          ...base,
          kind: 'polyline',
          points: [
            { x: 1, y: 1 },
            { x: 2, y: -Infinity },
          ],
        },
        'points[1].y',
      ],
      [{ ...base, kind: 'keypoint', x: 2 ** 60, y: 0 }, 'x'],
      [{ ...base, kind: 'mask', pixelIndices: [1, 2.5] }, 'pixelIndices[1]'],
      [{ ...base, kind: 'mask', pixelIndices: [1e300] }, 'pixelIndices[0]'],
    ];
    for (const [a, field] of cases) {
      const p = geometryProblem(a);
      expect(p?.field).toBe(field);
      expect(p?.reason.startsWith(field)).toBe(true);
    }
  });
});

describe('DM v1 conversion applies the bound', () => {
  it('reports an absurd box with its item, annotation and field, and keeps it only raw', () => {
    const issues: Issue[] = [];
    const out = convertDmV1(
      {
        annotations: {
          image_1: [{ id: 'b1', tool: 'bounding_box', classification: { class: 'car' } }],
        },
        annotationsData: {
          image_1: [{ id: 'b1', coordinate: { x: 1e300, y: 1e300, width: 1e308, height: 1e308 } }],
        },
      },
      { itemId: 'item-7', reporter: { report: (i) => issues.push(i) } },
    );
    expect(out.media[0]?.annotations[0]?.kind).toBe('other');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      severity: 'error',
      itemId: 'item-7',
      annotationId: 'b1',
      field: 'annotationsData.image_1[0].coordinate.x',
    });
  });
});
