import { instancesOf, SynxError, type Item, type JsonValue } from '@synx/model';
import {
  describeRatios,
  hashSplit,
  SplitStatsCollector,
  StratifiedSplitter,
  type SplitName,
  type SplitRatios,
  type SplitStats,
  type StratifiedAssignment,
} from '@synx/split';
import type { Source } from './sources/source.js';

/** What the user asked for with `--split`, `--seed`, `--stratify`, `--group-by`. */
export interface SplitRequest {
  readonly ratios: SplitRatios;
  /** Default 0. */
  readonly seed?: number | undefined;
  /** Balance class frequencies across splits (iterative stratification). */
  readonly stratify?: boolean | undefined;
  /** A data-unit meta key (dotted paths allowed): items sharing its value share a split. */
  readonly groupBy?: string | undefined;
}

/** How the items were split, for the plan, the report and the manifest. */
export interface SplitSummary {
  readonly mode: 'hash' | 'stratified' | 'ground-truth';
  readonly names: readonly SplitName[];
  readonly ratios?: readonly number[];
  readonly seed?: number;
  readonly groupBy?: string;
  /** Items per split. */
  readonly items: readonly number[];
  /** Groups (units that stay together) when `groupBy` is set. */
  readonly groups?: number;
  /** Items without the `groupBy` value (each is its own group). */
  readonly ungrouped?: number;
  /** Objects (and image labels) per class per split, with each class's largest deviation. */
  readonly classes: SplitStats['classes'];
  readonly maxDeviation: SplitStats['maxDeviation'];
  readonly empty: readonly SplitName[];
  readonly notes: readonly string[];
}

/** GT categories as split names. */
const GT_SPLIT: Record<string, SplitName> = { train: 'train', validation: 'val', test: 'test' };

/**
 * The label counts of an item for stratification and split statistics: object instances per
 * class (a group is one object) plus image-level classifications.
 */
export function itemLabels(item: Item): [string, number][] {
  const counts = new Map<string, number>();
  const bump = (code: string | null): void => {
    if (code !== null) {
      counts.set(code, (counts.get(code) ?? 0) + 1);
    }
  };
  for (const media of item.media) {
    if (media.annotations.length === 0) {
      continue;
    }
    const { instances, rest } = instancesOf(media);
    for (const inst of instances) {
      bump(inst.classCode);
    }
    for (const a of rest) {
      if (a.kind === 'classification') {
        bump(a.classCode);
      }
    }
  }
  return [...counts];
}

/** A meta value by key, or by dotted path when the key itself is absent. */
function metaValue(
  meta: Record<string, JsonValue> | undefined,
  key: string,
): JsonValue | undefined {
  if (meta === undefined) {
    return undefined;
  }
  if (key in meta) {
    return meta[key];
  }
  let v: JsonValue | undefined = meta;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      return undefined;
    }
    v = (v as Record<string, JsonValue>)[part];
  }
  return v;
}

/**
 * Decides the split of every item. Modes:
 * - `hash` (`--split`): a pure function of (seed, unit key, ratios), so items never move when the
 *   project grows; the unit key is the data unit (two assignments of one data unit stay
 *   together) or, with `groupBy`, the group value.
 * - `stratified` (`--split --stratify`): iterative stratification over every unit, read in a
 *   first pass; deterministic for a seed, but adding data may move items (the plan says so).
 * - `ground-truth`: a GT version's train/validation/test categories, when no `--split` is given.
 *
 * A first pass over the source (`observe` every item, then `seal`) is made when the splits
 * cannot be known otherwise: stratification, groups, GT categories, and small datasets (where a
 * split could come out empty, which must be known before anything is written).
 */
export class SplitPlanner {
  readonly mode: 'none' | SplitSummary['mode'];
  readonly #request: SplitRequest | undefined;
  readonly #seed: number;
  readonly #classOrder: readonly string[];
  readonly #source: Source;
  readonly #notes: string[] = [];
  #stats: SplitStatsCollector | undefined;
  #stratifier: StratifiedSplitter | undefined;
  #assignment: StratifiedAssignment | undefined;
  #gtSeen = new Set<SplitName>();
  #groups = new Set<string>();
  #ungrouped = 0;
  #sealed = false;
  #observed = false;

  constructor(request: SplitRequest | undefined, source: Source, classOrder: readonly string[]) {
    this.#request = request;
    this.#source = source;
    this.#seed = request?.seed ?? 0;
    this.#classOrder = classOrder;
    const gt = source.info.target === 'ground_truth';
    if (request === undefined) {
      this.mode = gt ? 'ground-truth' : 'none';
    } else {
      this.mode = request.stratify === true ? 'stratified' : 'hash';
      if (gt) {
        this.#notes.push(
          "the ground-truth version's train/validation/test categories are not used: --split decides",
        );
      }
      if (request.stratify === true) {
        this.#notes.push(
          'stratified splits balance classes over the whole dataset: exporting again after the data grew may move items (plain --split never does)',
        );
        this.#stratifier = new StratifiedSplitter(request.ratios, this.#seed);
      } else {
        this.#stats = new SplitStatsCollector(request.ratios);
      }
    }
  }

  /** True when items must be read once before writing. */
  needsPass(): boolean {
    if (this.mode === 'none') {
      return false;
    }
    if (this.mode !== 'hash' || this.#request?.groupBy !== undefined) {
      return true;
    }
    const n = this.#source.itemCount;
    const smallest = Math.min(...(this.#request?.ratios.ratios ?? [1]));
    // Below ~30 expected items in the smallest split an empty split is possible: count first.
    return n === undefined || n * smallest < 30;
  }

  /** The unit an item belongs to for splitting. */
  unitKey(item: Item): string {
    const groupBy = this.#request?.groupBy;
    if (groupBy !== undefined) {
      const v = metaValue(item.dataUnit?.meta, groupBy);
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        return `group:${String(v)}`;
      }
    }
    return item.key;
  }

  #noteGroup(item: Item): void {
    const groupBy = this.#request?.groupBy;
    if (groupBy === undefined) {
      return;
    }
    const key = this.unitKey(item);
    if (key.startsWith('group:')) {
      this.#groups.add(key);
    } else {
      this.#ungrouped++;
    }
  }

  /** First pass (or the plan's pass): one call per item, in source order. */
  observe(item: Item): void {
    this.#observed = true;
    if (this.mode === 'ground-truth') {
      const split = item.gtCategory === undefined ? undefined : GT_SPLIT[item.gtCategory];
      if (split !== undefined) {
        this.#gtSeen.add(split);
      }
      return;
    }
    if (this.mode === 'none') {
      return;
    }
    this.#noteGroup(item);
    if (this.#stratifier !== undefined) {
      this.#stratifier.add(this.unitKey(item), itemLabels(item));
      return;
    }
    const request = this.#request;
    if (request !== undefined) {
      this.#stats?.add(hashSplit(this.#seed, this.unitKey(item), request.ratios), itemLabels(item));
    }
  }

  /** Ends the first pass: solves the stratification and fixes the GT split names. */
  seal(): void {
    this.#sealed = true;
    const groupBy = this.#request?.groupBy;
    if (groupBy !== undefined && this.#groups.size === 0 && this.#ungrouped > 0) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `--group-by ${groupBy}: none of the ${String(this.#ungrouped)} items has "${groupBy}" in its data-unit meta`,
        {
          hint:
            this.#source.info.kind === 'synapse-folder'
              ? 'a Synapse export folder holds no data-unit meta: export from the API (--project) to group'
              : 'check the meta key (dotted paths such as source.video work) with one data unit',
        },
      );
    }
    if (this.mode === 'ground-truth') {
      this.#stats = new SplitStatsCollector({
        names: this.names() ?? [],
        ratios: (this.names() ?? []).map(() => 0),
      });
      return;
    }
    if (this.#stratifier !== undefined) {
      this.#assignment = this.#stratifier.solve(this.#classOrder);
    }
  }

  /** The splits the format is told to write (undefined: not split). */
  names(): SplitName[] | undefined {
    if (this.mode === 'none') {
      return undefined;
    }
    if (this.mode === 'ground-truth') {
      const names = (['train', 'val', 'test'] as const).filter((n) => this.#gtSeen.has(n));
      return names.length === 0 ? undefined : names;
    }
    return [...(this.#request?.ratios.names ?? [])];
  }

  /** The split of an item during the write pass. */
  splitOf(item: Item): SplitName | undefined {
    switch (this.mode) {
      case 'none':
        return undefined;
      case 'ground-truth':
        return item.gtCategory === undefined ? undefined : GT_SPLIT[item.gtCategory];
      case 'stratified': {
        const s = this.#assignment?.splitOf(this.unitKey(item));
        if (s === undefined) {
          // An item the first pass did not see (the source changed in between): hash it.
          return this.#request === undefined
            ? undefined
            : hashSplit(this.#seed, this.unitKey(item), this.#request.ratios);
        }
        return s;
      }
      case 'hash':
        return this.#request === undefined
          ? undefined
          : hashSplit(this.#seed, this.unitKey(item), this.#request.ratios);
    }
  }

  /** Write pass: counts the item when no first pass counted it. */
  record(item: Item, split: SplitName | undefined): void {
    if (split === undefined) {
      return;
    }
    if (this.mode === 'ground-truth') {
      this.#stats?.add(split, itemLabels(item));
      return;
    }
    if (!this.#observed && this.mode === 'hash') {
      this.#noteGroup(item);
      this.#stats?.add(split, itemLabels(item));
    }
  }

  /** Throws before anything is written when a split would be empty. */
  assertNoEmptySplit(itemCount: number): void {
    const summary = this.summary();
    if (summary === undefined || summary.mode === 'ground-truth' || summary.empty.length === 0) {
      return;
    }
    const ratios = this.#request?.ratios;
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `split ${summary.empty.map((s) => `"${s}"`).join(' and ')} would get no item (${String(itemCount)} items${this.#request?.groupBy === undefined ? '' : ` in ${String(summary.groups ?? 0)} groups`}; ${ratios === undefined ? '' : describeRatios(ratios)}): a trainer fails on an empty split`,
      {
        hint: 'give fewer or larger shares (e.g. --split 0.8/0.2), another --seed, or export more items',
        details: { split: summary },
      },
    );
  }

  /** The split facts so far (complete after the write pass, or after `seal` with a first pass). */
  summary(): SplitSummary | undefined {
    const names = this.names();
    if (this.mode === 'none' || names === undefined) {
      return undefined;
    }
    const stats: SplitStats | undefined =
      this.#assignment?.stats ?? this.#stats?.result(this.#classOrder);
    const request = this.#request;
    const zero = names.map(() => 0);
    return {
      mode: this.mode,
      names,
      ...(request === undefined ? {} : { ratios: request.ratios.ratios, seed: this.#seed }),
      ...(request?.groupBy === undefined
        ? {}
        : { groupBy: request.groupBy, groups: this.#groups.size, ungrouped: this.#ungrouped }),
      items: stats?.items ?? zero,
      classes: stats?.classes ?? [],
      maxDeviation: this.mode === 'ground-truth' ? undefined : stats?.maxDeviation,
      empty: stats?.empty ?? (this.#sealed ? names : []),
      notes: [
        ...this.#notes,
        ...(this.#ungrouped > 0
          ? [
              `${String(this.#ungrouped)} item(s) have no "${request?.groupBy ?? ''}" in their data-unit meta: each is its own group`,
            ]
          : []),
      ],
    };
  }
}
