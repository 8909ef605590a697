// mulberry32 seeds the test data (the library itself uses no randomness).
import { mulberry32 } from '@synx/fake-synapse';
import { describe, expect, it, vi } from 'vitest';
import {
  describeRatios,
  deviationFloor,
  hashSplit,
  parseSplitRatios,
  pickByRatios,
  SplitStatsCollector,
  StratifiedSplitter,
  unitHash,
  type SplitName,
  type SplitRatios,
} from '../src/index.js';

const THREE = parseSplitRatios('0.8/0.1/0.1');

describe('parseSplitRatios', () => {
  it('reads two or three shares as fractions or percentages', () => {
    expect(parseSplitRatios('0.8/0.1/0.1')).toEqual({
      names: ['train', 'val', 'test'],
      ratios: [0.8, 0.1, 0.1],
    });
    expect(parseSplitRatios('0.9/0.1').names).toEqual(['train', 'val']);
    const pct = parseSplitRatios('70/20/10');
    expect(pct.ratios.map((r) => +r.toFixed(12))).toEqual([0.7, 0.2, 0.1]);
    expect(parseSplitRatios(' .5/.5 ').ratios).toEqual([0.5, 0.5]);
    expect(describeRatios(THREE)).toBe('train 80% · val 10% · test 10%');
  });

  it.each([
    ['0.8', /two or three shares/],
    ['0.5/0.2/0.2/0.1', /two or three shares/],
    ['0.8/0.3', /sum to 1\.1, not 1/],
    ['1/0', /"0" is not a positive number/],
    ['0.8/-0.1/0.3', /"-0.1" is not a positive number/],
    ['0.8/abc', /"abc" is not a positive number/],
    ['0.8/1e-1/0.1', /"1e-1" is not a positive number/],
  ])('refuses %s with a message that says why', (text, message) => {
    expect(() => parseSplitRatios(text)).toThrow(message);
  });
});

describe('hash splits', () => {
  it('unitHash is SHA-256 based and reproducible outside synx (values from Python hashlib)', () => {
    expect(unitHash(0, '42')).toBe(0.7434136117019706);
    expect(unitHash(7, 'data-unit-1001')).toBe(0.8120320808985081);
    expect(unitHash(2026, '渋谷')).toBe(0.2537224508312239);
  });

  it('pickByRatios walks cumulative shares, the last split taking the rounding', () => {
    expect(pickByRatios(0, [0.8, 0.1, 0.1])).toBe(0);
    expect(pickByRatios(0.7999, [0.8, 0.1, 0.1])).toBe(0);
    expect(pickByRatios(0.8, [0.8, 0.1, 0.1])).toBe(1);
    expect(pickByRatios(0.95, [0.8, 0.1, 0.1])).toBe(2);
    expect(pickByRatios(0.9999999999999999, [0.7, 0.2, 0.1])).toBe(2);
  });

  it('is close to the ratios, changes with the seed, and never moves old keys when data grows', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `unit-${String(i)}`);
    const before = new Map(keys.map((k) => [k, hashSplit(5, k, THREE)]));
    const counts = { train: 0, val: 0, test: 0 };
    for (const s of before.values()) {
      counts[s]++;
    }
    expect(Math.abs(counts.train / 20_000 - 0.8)).toBeLessThan(0.01);
    expect(Math.abs(counts.val / 20_000 - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(counts.test / 20_000 - 0.1)).toBeLessThan(0.01);
    // 10% new keys, asked in another order: old keys keep their split
    const grown = [...keys.map((k) => `new-${k}`).slice(0, 2000), ...keys].reverse();
    for (const k of grown) {
      const s = hashSplit(5, k, THREE);
      if (before.has(k)) {
        expect(s).toBe(before.get(k));
      }
    }
    const other = keys.filter((k) => hashSplit(6, k, THREE) !== before.get(k)).length;
    expect(other).toBeGreaterThan(2000);
  });
});

/** A multi-label dataset with skewed classes: some rare, some co-occurring. */
function dataset(n: number, seed: number): { key: string; labels: [string, number][] }[] {
  const rnd = mulberry32(seed);
  const classes = ['person', 'car', 'dog', 'bicycle', 'bus', 'zebra', 'kite', 'toaster'];
  const freq = [0.6, 0.45, 0.2, 0.12, 0.06, 0.03, 0.015, 0.008];
  return Array.from({ length: n }, (_, i) => {
    const labels: [string, number][] = [];
    classes.forEach((c, k) => {
      if (rnd() < (freq[k] ?? 0)) {
        labels.push([c, 1 + Math.floor(rnd() * 4)]);
      }
    });
    return { key: `item-${String(i)}`, labels };
  });
}

function hashStats(data: ReturnType<typeof dataset>, spec: SplitRatios, seed: number) {
  const c = new SplitStatsCollector(spec);
  for (const d of data) {
    c.add(hashSplit(seed, d.key, spec), d.labels);
  }
  return c.result();
}

describe('StratifiedSplitter', () => {
  it('keeps every class within a few points of the target and beats the plain hash split', () => {
    const data = dataset(3000, 11);
    const s = new StratifiedSplitter(THREE, 1);
    for (const d of data) {
      s.add(d.key, d.labels);
    }
    const result = s.solve();
    expect(result.units).toBe(3000);
    const plain = hashStats(data, THREE, 1);
    const strat = result.stats;
    // rare classes (toaster ≈ 24 items) cannot be split finer than one item's share
    for (const c of strat.classes.filter((x) => x.total >= 200)) {
      expect(c.maxDeviation, c.label).toBeLessThan(0.02);
    }
    // on classes with ≥ 100 objects: every one within 1 point, and far better than hashing
    const big = (st: typeof strat) => st.classes.filter((x) => x.total >= 100);
    const worst = (st: typeof strat) => Math.max(...big(st).map((x) => x.maxDeviation));
    expect(worst(strat)).toBeLessThan(0.011);
    expect(worst(strat) * 4).toBeLessThan(worst(plain));
    // a class of 30 objects in 1–4-object items cannot do better than whole items allow
    expect(strat.maxDeviation?.value).toBeLessThanOrEqual(plain.maxDeviation?.value ?? 0);
    // the item counts follow the ratios too
    expect(Math.abs((strat.items[0] ?? 0) / 3000 - 0.8)).toBeLessThan(0.01);
    // the stats agree with splitOf
    const check = new SplitStatsCollector(THREE);
    for (const d of data) {
      check.add(result.splitOf(d.key) ?? 'train', d.labels);
    }
    expect(check.result().classes).toEqual(strat.classes);
    expect(result.splitOf('never-added')).toBeUndefined();
  });

  it('depends only on the seed and the data: not on add order, never on Math.random', () => {
    const data = dataset(800, 3);
    const random = vi.spyOn(Math, 'random');
    const solve = (list: typeof data, seed: number) => {
      const s = new StratifiedSplitter(THREE, seed);
      for (const d of list) {
        s.add(d.key, d.labels);
      }
      const r = s.solve();
      return data.map((d) => r.splitOf(d.key));
    };
    const a = solve(data, 9);
    const shuffled = [...data].sort((x, y) => (unitHash(1, x.key) < unitHash(1, y.key) ? -1 : 1));
    expect(solve(shuffled, 9)).toEqual(a);
    expect(solve(data, 10)).not.toEqual(a);
    expect(random).not.toHaveBeenCalled();
    random.mockRestore();
  });

  it('keeps a unit together: adds with the same key are one unit, weighted', () => {
    const spec = parseSplitRatios('0.5/0.5');
    const s = new StratifiedSplitter(spec, 0);
    // 10 videos of 10 frames each, frames added interleaved
    for (let frame = 0; frame < 10; frame++) {
      for (let v = 0; v < 10; v++) {
        s.add(`video-${String(v)}`, [[v % 2 === 0 ? 'even' : 'odd', 1]]);
      }
    }
    const r = s.solve();
    expect(r.units).toBe(10);
    expect(r.stats.items).toEqual([50, 50]);
    // each class split 5 videos → shares as close as whole videos allow (3/2 → 10 points)
    for (const c of r.stats.classes) {
      expect(c.total).toBe(50);
      expect(c.maxDeviation).toBeLessThanOrEqual(0.1 + 1e-12);
    }
  });

  it('does not mutate its input and refuses adds after solve', () => {
    const labels = Object.freeze([Object.freeze(['a', 2] as const)]);
    const s = new StratifiedSplitter(THREE, 0);
    s.add('x', labels);
    s.solve();
    expect(labels).toEqual([['a', 2]]);
    expect(() => {
      s.add('y', []);
    }).toThrow(/after solve/);
  });

  it('fills splits with unlabelled units by weight', () => {
    const spec = parseSplitRatios('0.5/0.5');
    const s = new StratifiedSplitter(spec, 4);
    for (let i = 0; i < 100; i++) {
      s.add(`u${String(i)}`, []);
    }
    expect(s.solve().stats.items).toEqual([50, 50]);
  });
});

describe('deviationFloor', () => {
  it('is the best largest deviation whole counts allow', () => {
    expect(deviationFloor([0.8, 0.1, 0.1], 10)).toBe(0);
    // 3 objects at 80/10/10: 2/0/1 or 3/0/0 … at best 0.8 − 2/3 or 1/3 − 0.1
    expect(deviationFloor([0.8, 0.1, 0.1], 3)).toBeCloseTo(0.1333333, 6);
    expect(deviationFloor([0.5, 0.5], 1)).toBe(0.5);
    expect(deviationFloor([0.5, 0.5], 0)).toBe(0);
  });

  it('small data: stratification gets every class to its floor where a plain hash does not', () => {
    const spec = parseSplitRatios('0.5/0.5');
    const s = new StratifiedSplitter(spec, 0);
    // 8 items, 4 classes of 2 items each, each item with one class
    for (let i = 0; i < 8; i++) {
      s.add(`i${String(i)}`, [[`c${String(i % 4)}`, 1]]);
    }
    const r = s.solve();
    expect(r.stats.items).toEqual([4, 4]);
    for (const c of r.stats.classes) {
      expect(c.counts).toEqual([1, 1]);
      expect(c.maxDeviation).toBe(c.floor);
    }
  });
});

describe('SplitStatsCollector', () => {
  it('reports per-split counts, the worst class and empty splits', () => {
    const c = new SplitStatsCollector(THREE);
    const add = (split: SplitName, labels: [string, number][]) => {
      c.add(split, labels);
    };
    add('train', [['car', 8]]);
    add('train', [['dog', 1]]);
    add('val', [['car', 2]]);
    const r = c.result(['dog', 'car']);
    expect(r.items).toEqual([2, 1, 0]);
    expect(r.empty).toEqual(['test']);
    expect(r.classes.map((x) => [x.label, x.total, x.counts])).toEqual([
      ['dog', 1, [1, 0, 0]],
      ['car', 10, [8, 2, 0]],
    ]);
    expect(r.maxDeviation?.value).toBeCloseTo(0.2, 12);
    expect([r.maxDeviation?.label, r.maxDeviation?.split]).toEqual(['dog', 'train']);
  });
});
