import { describe, expect, it } from 'vitest';
import {
  clampBox,
  pointsExtent,
  polygonArea,
  rotatedBoxCorners,
  rotatedBoxHull,
} from '../src/index.js';

describe('polygon helpers', () => {
  it('area and extent', () => {
    const square = [
      { x: 0, y: 0 },
      { x: 4, y: 0 },
      { x: 4, y: 3 },
      { x: 0, y: 3 },
    ];
    expect(polygonArea(square)).toBe(12);
    expect(polygonArea([...square].reverse())).toBe(12);
    expect(
      pointsExtent([
        { x: 5, y: 1 },
        { x: 2, y: 7 },
      ]),
    ).toEqual({ x: 2, y: 1, width: 3, height: 6 });
  });

  it('rotates boxes clockwise on screen about the centre', () => {
    const c = rotatedBoxCorners({ x: 0, y: 0, width: 4, height: 2, rotation: Math.PI / 2 });
    // centre (2,1); the top-left corner (-2,-1) turns clockwise to (+1,-2) → (3,-1)
    expect(c[0].x).toBeCloseTo(3);
    expect(c[0].y).toBeCloseTo(-1);
    const hull = rotatedBoxHull({ x: 0, y: 0, width: 4, height: 2, rotation: Math.PI / 2 });
    expect(hull.x).toBeCloseTo(1);
    expect(hull.y).toBeCloseTo(-1);
    expect(hull.width).toBeCloseTo(2);
    expect(hull.height).toBeCloseTo(4);
    expect(rotatedBoxHull({ x: 1, y: 2, width: 3, height: 4 })).toEqual({
      x: 1,
      y: 2,
      width: 3,
      height: 4,
    });
  });

  it('clamps to the image and says so', () => {
    expect(clampBox({ x: -2, y: 1, width: 5, height: 2 }, 10, 10)).toEqual({
      box: { x: 0, y: 1, width: 3, height: 2 },
      clamped: true,
    });
    expect(clampBox({ x: 1, y: 1, width: 2, height: 2 }, 10, 10).clamped).toBe(false);
  });
});
