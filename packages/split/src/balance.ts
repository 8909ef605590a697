import { pickByRatios } from './hash.js';
import type { SplitName, SplitRatios } from './spec.js';

/** A unit to split: its key, its unit hash (`unitHash(seed, key)`) and its item count. */
export interface HashedUnit {
  readonly key: string;
  readonly u: number;
  readonly weight: number;
}

/**
 * Below this many expected items in the smallest split, a plain hash split can come out empty
 * or far from the shares (35 items at 80/20 can give 32/3), and {@link balancedHashSplit}
 * corrects it. Above it, the hash split is kept as it is.
 */
export const SMALL_SPLIT_ITEMS = 30;

/** Whole item counts per split: largest remainder of `total × ratio`, each ≥ 1 when possible. */
export function splitQuotas(total: number, ratios: readonly number[]): number[] {
  const exact = ratios.map((r) => total * r);
  const q = exact.map((e) => Math.floor(e));
  let left = total - q.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => ({ i, rem: e - Math.floor(e) }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) {
      break;
    }
    q[i] = (q[i] ?? 0) + 1;
    left--;
  }
  if (total >= ratios.length) {
    // no split left empty: take one from the largest
    for (let i = 0; i < q.length; i++) {
      if (q[i] === 0) {
        let big = 0;
        for (let j = 1; j < q.length; j++) {
          if ((q[j] ?? 0) > (q[big] ?? 0)) {
            big = j;
          }
        }
        q[big] = (q[big] ?? 0) - 1;
        q[i] = 1;
      }
    }
  }
  return q;
}

/**
 * The split of each unit of a small dataset, when the plain hash split is off: the ADR 0014 rule
 * "hash order with a bounded correction".
 *
 * The plain hash split (unit hash `u` against the cumulative shares) is kept when every split
 * gets an item (where the units can fill every split) and each split is within one item of its
 * share. Otherwise the units are taken in hash order (`u`, then key) and the split boundaries
 * are moved to the whole-item quotas ({@link splitQuotas}): a unit goes to the split whose
 * quota interval holds the middle of its items. Only units between a nominal boundary and its
 * corrected place change split — the ones nearest the boundary — and as the dataset grows past
 * {@link SMALL_SPLIT_ITEMS} expected items in the smallest split, the correction ends and every
 * unit is back at its plain hash split (at most the units once moved move back).
 *
 * @returns the split of every unit by key when corrected; undefined when the hash split stands.
 */
export function balancedHashSplit(
  units: readonly HashedUnit[],
  spec: SplitRatios,
): Map<string, SplitName> | undefined {
  const k = spec.names.length;
  const total = units.reduce((a, u) => a + u.weight, 0);
  const counts = spec.names.map(() => 0);
  for (const unit of units) {
    const i = pickByRatios(unit.u, spec.ratios);
    counts[i] = (counts[i] ?? 0) + unit.weight;
  }
  const canFill = units.length >= k;
  const fine = counts.every(
    (c, i) => (c > 0 || !canFill) && Math.abs(c - total * (spec.ratios[i] ?? 0)) <= 1 + 1e-9,
  );
  if (fine) {
    return undefined;
  }
  const quotas = splitQuotas(total, spec.ratios);
  const bounds: number[] = [];
  let acc = 0;
  for (const q of quotas) {
    acc += q;
    bounds.push(acc);
  }
  const sorted = [...units].sort(
    (a, b) => a.u - b.u || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const out = new Map<string, SplitName>();
  let before = 0;
  for (const unit of sorted) {
    const mid = before + unit.weight / 2;
    let i = bounds.findIndex((b) => mid < b);
    if (i < 0) {
      i = k - 1;
    }
    out.set(unit.key, spec.names[i] ?? spec.names[k - 1] ?? 'train');
    before += unit.weight;
  }
  return out;
}
