import { SynxError } from '@synx/model';
import { unitHash } from './hash.js';
import type { SplitName, SplitRatios } from './spec.js';
import { splitStats, type SplitStats } from './stats.js';

/** Growable typed arrays: the splitter stores per-unit facts columnar, not as objects. */
class F64 {
  a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}
class U32 {
  a = new Uint32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** Upper bound of local-search passes after the greedy assignment. */
const MAX_REFINE_PASSES = 20;
/** Pairwise swaps are tried only up to this many units (they cost units² per pass). */
const SWAP_LIMIT = 2000;

/** The result of {@link StratifiedSplitter.solve}. */
export interface StratifiedAssignment {
  /** The split of a unit key that was added; undefined for a key never seen. */
  splitOf(unitKey: string): SplitName | undefined;
  /** Distinct units (items, or groups of items). */
  readonly units: number;
  readonly stats: SplitStats;
}

/**
 * Iterative stratification (Sechidis, Tsoumakas & Vlahavas 2011) for multi-label units, made
 * deterministic and generalised to weighted units and label counts:
 *
 * - each unit (an item, or a group of items that must stay together) has a weight (its items)
 *   and label counts (e.g. objects per class);
 * - split j should receive `ratio_j × total` of every label and of the weight;
 * - repeatedly take the label with the fewest units left, and give each of its units (in seeded
 *   hash order) to the split that still lacks most of that label; ties go to the split lacking
 *   most weight, then to a seeded choice;
 * - units without labels fill the splits that lack most weight.
 *
 * Everything depends only on the seed and the added data, never on the order of `add` calls or
 * on `Math.random`. Memory: about 12 bytes per unit plus 12 per (unit, label) pair; units are
 * keyed by a 53-bit hash of their key (two keys colliding would share a split; with ten million
 * units the chance is below 1%).
 */
export class StratifiedSplitter {
  readonly #spec: SplitRatios;
  readonly #seed: number | string;
  readonly #hash = new F64();
  readonly #weight = new F64();
  /** (add index, label, count) triples. */
  readonly #tAdd = new U32();
  readonly #tLabel = new U32();
  readonly #tCount = new F64();
  readonly #labels = new Map<string, number>();
  readonly #labelNames: string[] = [];
  #solved = false;

  constructor(spec: SplitRatios, seed: number | string) {
    this.#spec = spec;
    this.#seed = seed;
  }

  /** Adds a unit (or more of one: adds with the same key are summed). */
  add(unitKey: string, labels: Iterable<readonly [string, number]>, weight = 1): void {
    if (this.#solved) {
      throw new SynxError('SYNX_INTERNAL', 'StratifiedSplitter.add after solve');
    }
    const index = this.#hash.n;
    this.#hash.push(unitHash(this.#seed, unitKey));
    this.#weight.push(weight);
    for (const [label, count] of labels) {
      if (count <= 0) {
        continue;
      }
      let l = this.#labels.get(label);
      if (l === undefined) {
        l = this.#labelNames.length;
        this.#labels.set(label, l);
        this.#labelNames.push(label);
      }
      this.#tAdd.push(index);
      this.#tLabel.push(l);
      this.#tCount.push(count);
    }
  }

  /**
   * Assigns every unit. `order` ranks labels for ties and for the stats (the class-map order);
   * labels not in it follow in code order.
   */
  solve(order: readonly string[] = []): StratifiedAssignment {
    this.#solved = true;
    const S = this.#spec.names.length;
    const ratios = this.#spec.ratios;
    const adds = this.#hash.n;
    const hashes = this.#hash.a.subarray(0, adds);

    // Units: adds sorted by hash, equal hashes merged.
    const byHash = new Uint32Array(adds);
    for (let i = 0; i < adds; i++) {
      byHash[i] = i;
    }
    byHash.sort((a, b) => (hashes[a] ?? 0) - (hashes[b] ?? 0));
    const unitOfAdd = new Uint32Array(adds);
    const unitHashes = new F64();
    const unitWeight = new F64();
    for (let k = 0; k < adds; k++) {
      const i = byHash[k] ?? 0;
      const h = hashes[i] ?? 0;
      if (unitHashes.n === 0 || unitHashes.a[unitHashes.n - 1] !== h) {
        unitHashes.push(h);
        unitWeight.push(0);
      }
      const u = unitHashes.n - 1;
      unitOfAdd[i] = u;
      unitWeight.a[u] = (unitWeight.a[u] ?? 0) + (this.#weight.a[i] ?? 0);
    }
    const U = unitHashes.n;

    // Label rank: the given order first, then by code.
    const L = this.#labelNames.length;
    const given = new Map(order.map((c, i) => [c, i]));
    const rankOrder = this.#labelNames
      .map((name, l) => ({ name, l }))
      .sort((a, b) => {
        const ga = given.get(a.name);
        const gb = given.get(b.name);
        if (ga !== undefined || gb !== undefined) {
          return (ga ?? Infinity) - (gb ?? Infinity);
        }
        return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
      });
    const rank = new Uint32Array(L);
    rankOrder.forEach((x, r) => {
      rank[x.l] = r;
    });

    // Per unit: merged (label, count) pairs in CSR form.
    const T = this.#tAdd.n;
    const start = new Uint32Array(U + 1);
    for (let t = 0; t < T; t++) {
      const u = unitOfAdd[this.#tAdd.a[t] ?? 0] ?? 0;
      start[u + 1] = (start[u + 1] ?? 0) + 1;
    }
    for (let u = 0; u < U; u++) {
      start[u + 1] = (start[u + 1] ?? 0) + (start[u] ?? 0);
    }
    const fill = start.slice(0, U);
    const pLabel = new Uint32Array(T);
    const pCount = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      const u = unitOfAdd[this.#tAdd.a[t] ?? 0] ?? 0;
      const at = fill[u] ?? 0;
      fill[u] = at + 1;
      pLabel[at] = this.#tLabel.a[t] ?? 0;
      pCount[at] = this.#tCount.a[t] ?? 0;
    }
    // Merge repeated labels of a unit (a unit added twice) into the first occurrence.
    const seen = new Int32Array(L).fill(-1);
    const end = new Uint32Array(U);
    for (let u = 0; u < U; u++) {
      let w = start[u] ?? 0;
      for (let p = start[u] ?? 0; p < (start[u + 1] ?? 0); p++) {
        const l = pLabel[p] ?? 0;
        const first = seen[l] ?? -1;
        if (first >= (start[u] ?? 0)) {
          pCount[first] = (pCount[first] ?? 0) + (pCount[p] ?? 0);
        } else {
          seen[l] = w;
          pLabel[w] = l;
          pCount[w] = pCount[p] ?? 0;
          w++;
        }
      }
      end[u] = w;
    }

    // Label → units (in hash order, i.e. unit index order) and totals.
    const lStart = new Uint32Array(L + 1);
    const total = new Float64Array(L);
    for (let u = 0; u < U; u++) {
      for (let p = start[u] ?? 0; p < (end[u] ?? 0); p++) {
        const l = pLabel[p] ?? 0;
        lStart[l + 1] = (lStart[l + 1] ?? 0) + 1;
        total[l] = (total[l] ?? 0) + (pCount[p] ?? 0);
      }
    }
    for (let l = 0; l < L; l++) {
      lStart[l + 1] = (lStart[l + 1] ?? 0) + (lStart[l] ?? 0);
    }
    const lFill = lStart.slice(0, L);
    const lUnits = new Uint32Array(lStart[L] ?? 0);
    for (let u = 0; u < U; u++) {
      for (let p = start[u] ?? 0; p < (end[u] ?? 0); p++) {
        const l = pLabel[p] ?? 0;
        const at = lFill[l] ?? 0;
        lFill[l] = at + 1;
        lUnits[at] = u;
      }
    }
    const remUnits = new Float64Array(L);
    for (let l = 0; l < L; l++) {
      remUnits[l] = (lStart[l + 1] ?? 0) - (lStart[l] ?? 0);
    }

    let totalWeight = 0;
    for (let u = 0; u < U; u++) {
      totalWeight += unitWeight.a[u] ?? 0;
    }
    // Remaining demand per (split, label) and per split.
    const need = new Float64Array(S * L);
    const needW = new Float64Array(S);
    for (let j = 0; j < S; j++) {
      needW[j] = (ratios[j] ?? 0) * totalWeight;
      for (let l = 0; l < L; l++) {
        need[j * L + l] = (ratios[j] ?? 0) * (total[l] ?? 0);
      }
    }
    const assigned = new Uint8Array(U); // split + 1; 0 = not yet
    const ties = new Uint8Array(S);
    const EPS = 1e-9;

    const choose = (u: number, l: number | undefined): number => {
      let n = 0;
      let best = -Infinity;
      let bestW = -Infinity;
      for (let j = 0; j < S; j++) {
        const v = l === undefined ? 0 : (need[j * L + l] ?? 0);
        const w = needW[j] ?? 0;
        if (v > best + EPS || (Math.abs(v - best) <= EPS && w > bestW + EPS)) {
          best = v;
          bestW = w;
          n = 0;
          ties[n++] = j;
        } else if (Math.abs(v - best) <= EPS && Math.abs(w - bestW) <= EPS) {
          ties[n++] = j;
        }
      }
      // A seeded, uniform choice among equals: the unit's hash scaled (units are hash-ordered,
      // so use the low bits of the hash rather than its rank).
      const h = unitHashes.a[u] ?? 0;
      return ties[n === 1 ? 0 : Math.floor(((h * 2 ** 20) % 1) * n)] ?? 0;
    };
    const assign = (u: number, j: number): void => {
      assigned[u] = j + 1;
      needW[j] = (needW[j] ?? 0) - (unitWeight.a[u] ?? 0);
      for (let p = start[u] ?? 0; p < (end[u] ?? 0); p++) {
        const l = pLabel[p] ?? 0;
        need[j * L + l] = (need[j * L + l] ?? 0) - (pCount[p] ?? 0);
        remUnits[l] = (remUnits[l] ?? 0) - 1;
      }
    };

    for (;;) {
      // The label with the fewest units left (ties: the label rank).
      let pick = -1;
      for (let l = 0; l < L; l++) {
        const r = remUnits[l] ?? 0;
        if (r > 0) {
          const pr = pick < 0 ? Infinity : (remUnits[pick] ?? 0);
          if (r < pr || (r === pr && (rank[l] ?? 0) < (rank[pick] ?? 0))) {
            pick = l;
          }
        }
      }
      if (pick < 0) {
        break;
      }
      for (let p = lStart[pick] ?? 0; p < (lStart[pick + 1] ?? 0); p++) {
        const u = lUnits[p] ?? 0;
        if (assigned[u] === 0) {
          assign(u, choose(u, pick));
        }
      }
    }
    for (let u = 0; u < U; u++) {
      if (assigned[u] === 0) {
        assign(u, choose(u, undefined));
      }
    }

    // Refinement: the greedy pass decides rare labels first, and a unit chosen for a rare label
    // carries its other labels with it. Local search then moves single units between splits
    // while that lowers the squared error of every label count (weighted by 1 / label total)
    // and of the item counts; deterministic (units in hash order), bounded passes.
    const err = (v: number, total: number): number => (total > 0 ? (v * v) / total : 0);
    for (let pass = 0; pass < MAX_REFINE_PASSES; pass++) {
      let moved = 0;
      for (let u = 0; u < U; u++) {
        const from = (assigned[u] ?? 1) - 1;
        const w = unitWeight.a[u] ?? 0;
        let bestTo = -1;
        let bestDelta = -1e-9;
        for (let to = 0; to < S; to++) {
          if (to === from) {
            continue;
          }
          // need = desired − assigned: moving adds to `to` (need shrinks), removes from `from`.
          let delta =
            err((needW[to] ?? 0) - w, totalWeight) -
            err(needW[to] ?? 0, totalWeight) +
            err((needW[from] ?? 0) + w, totalWeight) -
            err(needW[from] ?? 0, totalWeight);
          for (let p = start[u] ?? 0; p < (end[u] ?? 0); p++) {
            const l = pLabel[p] ?? 0;
            const c = pCount[p] ?? 0;
            const t = total[l] ?? 0;
            const nt = need[to * L + l] ?? 0;
            const nf = need[from * L + l] ?? 0;
            delta += err(nt - c, t) - err(nt, t) + err(nf + c, t) - err(nf, t);
          }
          if (delta < bestDelta) {
            bestDelta = delta;
            bestTo = to;
          }
        }
        if (bestTo >= 0) {
          needW[from] = (needW[from] ?? 0) + w;
          needW[bestTo] = (needW[bestTo] ?? 0) - w;
          for (let p = start[u] ?? 0; p < (end[u] ?? 0); p++) {
            const l = pLabel[p] ?? 0;
            const c = pCount[p] ?? 0;
            need[from * L + l] = (need[from * L + l] ?? 0) + c;
            need[bestTo * L + l] = (need[bestTo * L + l] ?? 0) - c;
          }
          assigned[u] = bestTo + 1;
          moved++;
        }
      }
      if (moved === 0) {
        break;
      }
    }

    // Small datasets: also try swapping two units between splits (a move alone would upset the
    // item counts). O(units² × labels) per pass, so only below SWAP_LIMIT units.
    if (U <= SWAP_LIMIT) {
      const delta = new Float64Array(L);
      const touched: number[] = [];
      for (let pass = 0; pass < MAX_REFINE_PASSES; pass++) {
        let swapped = 0;
        for (let u = 0; u < U; u++) {
          for (let v = u + 1; v < U; v++) {
            const a = (assigned[u] ?? 1) - 1;
            const b = (assigned[v] ?? 1) - 1;
            if (a === b) {
              continue;
            }
            // need_a grows by what u takes away and shrinks by what v brings; need_b the reverse.
            const dw = (unitWeight.a[u] ?? 0) - (unitWeight.a[v] ?? 0);
            let d =
              err((needW[a] ?? 0) + dw, totalWeight) -
              err(needW[a] ?? 0, totalWeight) +
              err((needW[b] ?? 0) - dw, totalWeight) -
              err(needW[b] ?? 0, totalWeight);
            touched.length = 0;
            for (let p = start[u] ?? 0; p < (end[u] ?? 0); p++) {
              const l = pLabel[p] ?? 0;
              if (delta[l] === 0) {
                touched.push(l);
              }
              delta[l] = (delta[l] ?? 0) + (pCount[p] ?? 0);
            }
            for (let p = start[v] ?? 0; p < (end[v] ?? 0); p++) {
              const l = pLabel[p] ?? 0;
              if (delta[l] === 0) {
                touched.push(l);
              }
              delta[l] = (delta[l] ?? 0) - (pCount[p] ?? 0);
            }
            for (const l of touched) {
              const x = delta[l] ?? 0;
              const t = total[l] ?? 0;
              const na = need[a * L + l] ?? 0;
              const nb = need[b * L + l] ?? 0;
              d += err(na + x, t) - err(na, t) + err(nb - x, t) - err(nb, t);
            }
            if (d < -1e-9) {
              needW[a] = (needW[a] ?? 0) + dw;
              needW[b] = (needW[b] ?? 0) - dw;
              for (const l of touched) {
                const x = delta[l] ?? 0;
                need[a * L + l] = (need[a * L + l] ?? 0) + x;
                need[b * L + l] = (need[b * L + l] ?? 0) - x;
              }
              assigned[u] = b + 1;
              assigned[v] = a + 1;
              swapped++;
            }
            for (const l of touched) {
              delta[l] = 0;
            }
          }
        }
        if (swapped === 0) {
          break;
        }
      }
    }

    // Stats.
    const items = this.#spec.names.map(() => 0);
    const labelCounts = new Map<string, number[]>();
    for (let l = 0; l < L; l++) {
      labelCounts.set(
        this.#labelNames[l] ?? '',
        this.#spec.names.map(() => 0),
      );
    }
    for (let u = 0; u < U; u++) {
      const j = (assigned[u] ?? 1) - 1;
      items[j] = (items[j] ?? 0) + (unitWeight.a[u] ?? 0);
      for (let p = start[u] ?? 0; p < (end[u] ?? 0); p++) {
        const row = labelCounts.get(this.#labelNames[pLabel[p] ?? 0] ?? '');
        if (row !== undefined) {
          row[j] = (row[j] ?? 0) + (pCount[p] ?? 0);
        }
      }
    }
    const stats = splitStats(this.#spec, items, labelCounts, order);
    const sortedHashes = unitHashes.a.subarray(0, U);
    const names = this.#spec.names;
    const seed = this.#seed;
    return {
      units: U,
      stats,
      splitOf(unitKey: string): SplitName | undefined {
        const h = unitHash(seed, unitKey);
        let lo = 0;
        let hi = U - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          const v = sortedHashes[mid] ?? 0;
          if (v < h) {
            lo = mid + 1;
          } else if (v > h) {
            hi = mid - 1;
          } else {
            return names[(assigned[mid] ?? 1) - 1];
          }
        }
        return undefined;
      },
    };
  }
}
