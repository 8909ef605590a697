import type { SplitName, SplitRatios } from './spec.js';

/** One class across the splits. */
export interface ClassSplitCounts {
  readonly label: string;
  readonly total: number;
  /** Count per split, in the order of `SplitStats.names`. */
  readonly counts: readonly number[];
  /** Largest |share in a split − target ratio| for this class (0…1). */
  readonly maxDeviation: number;
  /**
   * The smallest largest-deviation whole counts allow (a class of 3 objects cannot be split
   * 80/10/10): a lower bound, reached only if objects could be placed one by one.
   */
  readonly floor: number;
}

/** How a split came out: items and class counts per split, and how far from the target. */
export interface SplitStats {
  readonly names: readonly SplitName[];
  readonly ratios: readonly number[];
  /** Items (or item weights) per split. */
  readonly items: readonly number[];
  /** Classes in label order. */
  readonly classes: readonly ClassSplitCounts[];
  /** The class and split furthest from the target ratio; undefined without classes. */
  readonly maxDeviation:
    { readonly value: number; readonly label: string; readonly split: SplitName } | undefined;
  /** Splits that received no item. */
  readonly empty: readonly SplitName[];
}

/**
 * Counts items and labels per split as they are assigned, and reports per-class shares and
 * the largest deviation from the target ratios. Holds one counter per (class, split).
 */
export class SplitStatsCollector {
  readonly #spec: SplitRatios;
  readonly #items: number[];
  readonly #labels = new Map<string, number[]>();

  constructor(spec: SplitRatios) {
    this.#spec = spec;
    this.#items = spec.names.map(() => 0);
  }

  /** Records one item (or unit of `weight` items) and its labels with their counts. */
  add(split: SplitName, labels: Iterable<readonly [string, number]> = [], weight = 1): void {
    const j = this.#spec.names.indexOf(split);
    if (j < 0) {
      return;
    }
    this.#items[j] = (this.#items[j] ?? 0) + weight;
    for (const [label, count] of labels) {
      let row = this.#labels.get(label);
      if (row === undefined) {
        row = this.#spec.names.map(() => 0);
        this.#labels.set(label, row);
      }
      row[j] = (row[j] ?? 0) + count;
    }
  }

  /** The counts so far. `order` fixes the class order (others follow, sorted). */
  result(order: readonly string[] = []): SplitStats {
    return splitStats(this.#spec, this.#items, this.#labels, order);
  }
}

/** The best largest-deviation whole counts allow for a class of `total`, split by `ratios`. */
export function deviationFloor(ratios: readonly number[], total: number): number {
  if (total <= 0) {
    return 0;
  }
  let floor = 0;
  for (const r of ratios) {
    const exact = r * total;
    const best = Math.min(
      Math.abs(Math.floor(exact) / total - r),
      Math.abs(Math.ceil(exact) / total - r),
    );
    floor = Math.max(floor, best);
  }
  return floor;
}

/** Builds {@link SplitStats} from per-split item counts and per-label per-split counts. */
export function splitStats(
  spec: SplitRatios,
  items: readonly number[],
  labels: ReadonlyMap<string, readonly number[]>,
  order: readonly string[] = [],
): SplitStats {
  const known = new Set(order);
  const labelOrder = [
    ...order.filter((l) => labels.has(l)),
    ...[...labels.keys()].filter((l) => !known.has(l)).sort(),
  ];
  let worst: SplitStats['maxDeviation'];
  const classes = labelOrder.map((label): ClassSplitCounts => {
    const counts = labels.get(label) ?? [];
    const total = counts.reduce((a, b) => a + b, 0);
    let dev = 0;
    spec.names.forEach((name, j) => {
      const share = total === 0 ? 0 : (counts[j] ?? 0) / total;
      const d = Math.abs(share - (spec.ratios[j] ?? 0));
      if (d > dev) {
        dev = d;
      }
      if (total > 0 && (worst === undefined || d > worst.value)) {
        worst = { value: d, label, split: name };
      }
    });
    return {
      label,
      total,
      counts: [...counts],
      maxDeviation: dev,
      floor: deviationFloor(spec.ratios, total),
    };
  });
  return {
    names: spec.names,
    ratios: spec.ratios,
    items: [...items],
    classes,
    maxDeviation: worst,
    empty: spec.names.filter((_, j) => (items[j] ?? 0) === 0),
  };
}
