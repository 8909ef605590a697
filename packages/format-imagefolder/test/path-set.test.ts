import { describe, expect, it } from 'vitest';
import { PathSet } from '../src/path-set.js';

describe('PathSet: the paths an export files its images under, 8 bytes each', () => {
  it('holds what was added, and nothing else (50,000 paths)', () => {
    const set = new PathSet();
    for (let i = 0; i < 50_000; i++) {
      set.add(`train/c${String(i % 7)}/img_${String(i)}.jpg`);
    }
    for (let i = 0; i < 50_000; i += 997) {
      expect(set.has(`train/c${String(i % 7)}/img_${String(i)}.jpg`)).toBe(true);
      expect(set.has(`val/c${String(i % 7)}/img_${String(i)}.jpg`)).toBe(false);
    }
    expect(set.has('train/c0/img_50000.jpg')).toBe(false);
  });

  it('an empty set holds nothing', () => {
    expect(new PathSet().has('a.jpg')).toBe(false);
  });
});
