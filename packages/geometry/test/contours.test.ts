import { describe, expect, it } from 'vitest';
import { bridgePolygons, polygonArea, traceContours } from '../src/index.js';

/** Row-major indices of the '#' cells of a picture. */
function mask(rows: string[]): { indices: number[]; width: number; height: number } {
  const width = rows[0]?.length ?? 0;
  const indices: number[] = [];
  rows.forEach((r, y) => {
    for (let x = 0; x < r.length; x++) {
      if (r.charAt(x) === '#') {
        indices.push(y * width + x);
      }
    }
  });
  return { indices, width, height: rows.length };
}

describe('traceContours', () => {
  it('outlines a single pixel by its four corners', () => {
    const m = mask(['#']);
    expect(traceContours(m.indices, m.width, m.height)).toEqual([
      {
        points: [
          { x: 0, y: 0 },
          { x: 1, y: 0 },
          { x: 1, y: 1 },
          { x: 0, y: 1 },
        ],
        area: 1,
      },
    ]);
  });

  it('encloses exactly the region: polygon area equals the pixel count for concave shapes', () => {
    const shapes = [
      ['####', '#..#', '####'], // a ring: the outline fills the hole
      ['##..', '##..', '####', '####'],
      ['#.#.#', '#####', '..#..'],
      ['.###.', '##.##', '.###.'],
    ];
    for (const rows of shapes) {
      const m = mask(rows);
      const [c] = traceContours(m.indices, m.width, m.height);
      const holes = rows
        .join('')
        .split('')
        .filter((ch) => ch === '.').length;
      const pixels = m.indices.length;
      expect(c?.area).toBe(pixels);
      // outer outline area = pixels + enclosed background
      const area = polygonArea(c?.points ?? []);
      expect(area).toBeGreaterThanOrEqual(pixels);
      expect(area).toBeLessThanOrEqual(pixels + holes);
    }
    const l = mask(['#..', '#..', '###']);
    expect(polygonArea(traceContours(l.indices, l.width, l.height)[0]?.points ?? [])).toBe(5);
  });

  it('separates 4-connected regions (diagonal neighbours are separate), largest first', () => {
    const m = mask(['#...', '.###', '.###']);
    const cs = traceContours(m.indices, m.width, m.height);
    expect(cs.map((c) => c.area)).toEqual([6, 1]);
    expect(cs[0]?.points).toEqual([
      { x: 1, y: 1 },
      { x: 4, y: 1 },
      { x: 4, y: 3 },
      { x: 1, y: 3 },
    ]);
  });

  it('handles masks touching the image border and ignores out-of-range indices', () => {
    const m = mask(['###', '###']);
    const cs = traceContours([...m.indices, -1, 999], m.width, m.height);
    expect(cs).toHaveLength(1);
    expect(polygonArea(cs[0]?.points ?? [])).toBe(6);
    expect(traceContours([], 3, 3)).toEqual([]);
  });

  it('bridges parts into one outline that visits every vertex', () => {
    const a = [
      { x: 0, y: 0 },
      { x: 2, y: 0 },
      { x: 2, y: 2 },
      { x: 0, y: 2 },
    ];
    const b = [
      { x: 5, y: 0 },
      { x: 7, y: 0 },
      { x: 7, y: 2 },
      { x: 5, y: 2 },
    ];
    const joined = bridgePolygons([a, b]);
    expect(joined).toHaveLength(a.length + b.length + 2);
    for (const p of [...a, ...b]) {
      expect(joined).toContainEqual(p);
    }
    // the bridge leaves from the closest pair (2,0)→(5,0) and comes back the same way
    const i = joined.findIndex((p) => p.x === 5 && p.y === 0);
    expect(joined[i - 1]).toEqual({ x: 2, y: 0 });
    expect(polygonArea(joined)).toBeCloseTo(polygonArea(a) + polygonArea(b));
  });
});
