import { instancesOf, SynxError, type Item, type JsonValue, type Media } from '@synx/model';
import {
  balancedHashSplit,
  describeRatios,
  hashSplit,
  SMALL_SPLIT_ITEMS,
  splitQuotas,
  unitHash,
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
  for (const media of item.media) {
    if (media.annotations.length > 0) {
      addLabels(counts, media);
    }
  }
  return [...counts];
}

/** The label counts of one media (as {@link itemLabels}). */
export function mediaLabels(media: Media): Map<string, number> {
  return addLabels(new Map(), media);
}

function addLabels(counts: Map<string, number>, media: Media): Map<string, number> {
  const bump = (code: string | null): void => {
    if (code !== null) {
      counts.set(code, (counts.get(code) ?? 0) + 1);
    }
  };
  const { instances, rest } = instancesOf(media);
  for (const inst of instances) {
    bump(inst.classCode);
  }
  for (const a of rest) {
    if (a.kind === 'classification') {
      bump(a.classCode);
    }
  }
  return counts;
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
 * How the items are split, chosen once per export ({@link splitStrategy}):
 * - {@link HashSplit} (`--split`): a pure function of (seed, unit key, ratios), so items never
 *   move when the project grows; the unit key is the data unit (two assignments of one data unit
 *   stay together) or, with `groupBy`, the group value.
 * - {@link StratifiedSplit} (`--split --stratify`): iterative stratification over every unit,
 *   read in a first pass; deterministic for a seed, but adding data may move items (the plan
 *   says so).
 * - {@link GroundTruthSplit}: a GT version's train/validation/test categories, when no `--split`
 *   is given.
 *
 * A first pass over the source (`observe` every item, then `seal`) is made when the splits
 * cannot be known otherwise (`needsPass`): stratification, groups, GT categories, and small
 * datasets (where a split could come out empty, which must be known before anything is written).
 */
export interface SplitStrategy {
  readonly mode: SplitSummary['mode'];
  /** True when items must be read once before writing. */
  needsPass(): boolean;
  /** First pass (or the plan's pass): one call per item, in source order. */
  observe(item: Item): void;
  /** Ends the first pass: solves the stratification, fixes the GT split names. */
  seal(): void;
  /** The splits the format is told to write (undefined: none). */
  names(): SplitName[] | undefined;
  /** The split of an item during the write pass. */
  splitOf(item: Item): SplitName | undefined;
  /** Write pass: counts the item when no first pass counted it. */
  record(item: Item, split: SplitName | undefined): void;
  /** Throws before anything is written when a split would be empty. */
  assertNoEmptySplit(itemCount: number): void;
  /** The split facts so far (complete after the write pass, or after `seal` with a first pass). */
  summary(): SplitSummary | undefined;
}

/** The split strategy of a request (undefined: the export is not split). */
export function splitStrategy(
  request: SplitRequest | undefined,
  source: Pick<Source, 'info' | 'itemCount'>,
  classOrder: readonly string[],
): SplitStrategy | undefined {
  const gt = source.info.target === 'ground_truth';
  if (request === undefined) {
    return gt ? new GroundTruthSplit(classOrder) : undefined;
  }
  const notes = gt
    ? ["the ground-truth version's train/validation/test categories are not used: --split decides"]
    : [];
  return request.stratify === true
    ? new StratifiedSplit(request, source, classOrder, notes)
    : new HashSplit(request, source, classOrder, notes);
}

/** A hint for an empty split that never repeats the ratios given. */
export function emptySplitHint(
  units: number,
  what: 'item' | 'group',
  ratios: readonly number[],
  groupBy: string | undefined,
): string {
  const k = ratios.length;
  if (units <= 1) {
    return `one ${what} cannot fill ${String(k)} splits: export without --split, or export more items`;
  }
  if (units < k) {
    return `${String(units)} ${what}s can fill at most ${String(units)} splits: give 2 shares (e.g. --split 0.5/0.5), or export more items`;
  }
  // Enough units: only uneven groups (or a source that changed) leave a split empty.
  const two = k === 3 ? ', or two splits (e.g. --split 0.8/0.2)' : '';
  return groupBy === undefined
    ? `export again (the source changed while it was read)${two}`
    : `the ${String(units)} groups are too uneven for these shares: use a finer --group-by key, or no --group-by${two}`;
}

/** What the ratio strategies share: the request, groups (`groupBy`), notes and the summary. */
abstract class RatioSplit implements SplitStrategy {
  abstract readonly mode: 'hash' | 'stratified';
  protected readonly request: SplitRequest;
  protected readonly seed: number;
  protected readonly classOrder: readonly string[];
  protected readonly source: Pick<Source, 'info' | 'itemCount'>;
  protected readonly notes: string[];
  protected observed = false;
  #sealed = false;
  readonly #groups = new Set<string>();
  #ungrouped = 0;

  constructor(
    request: SplitRequest,
    source: Pick<Source, 'info' | 'itemCount'>,
    classOrder: readonly string[],
    notes: string[],
  ) {
    this.request = request;
    this.seed = request.seed ?? 0;
    this.source = source;
    this.classOrder = classOrder;
    this.notes = notes;
  }

  abstract needsPass(): boolean;
  abstract observe(item: Item): void;
  abstract splitOf(item: Item): SplitName | undefined;
  abstract record(item: Item, split: SplitName | undefined): void;
  protected abstract stats(): SplitStats | undefined;

  /** The unit an item belongs to for splitting: its data unit, or its `groupBy` value. */
  protected unitKey(item: Item): string {
    const groupBy = this.request.groupBy;
    if (groupBy !== undefined) {
      const v = metaValue(item.dataUnit?.meta, groupBy);
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        return `group:${String(v)}`;
      }
    }
    return item.key;
  }

  protected hashOf(item: Item): SplitName {
    return hashSplit(this.seed, this.unitKey(item), this.request.ratios);
  }

  protected noteGroup(item: Item): void {
    if (this.request.groupBy === undefined) {
      return;
    }
    const key = this.unitKey(item);
    if (key.startsWith('group:')) {
      this.#groups.add(key);
    } else {
      this.#ungrouped++;
    }
  }

  seal(): void {
    this.#sealed = true;
    const groupBy = this.request.groupBy;
    if (groupBy !== undefined && this.#groups.size === 0 && this.#ungrouped > 0) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `--group-by ${groupBy}: none of the ${String(this.#ungrouped)} items has "${groupBy}" in its data-unit meta`,
        {
          hint:
            this.source.info.kind === 'synapse-folder'
              ? 'a Synapse export folder holds no data-unit meta: export from the API (--project) to group'
              : 'check the meta key (dotted paths such as source.video work) with one data unit',
        },
      );
    }
  }

  names(): SplitName[] {
    return [...this.request.ratios.names];
  }

  assertNoEmptySplit(itemCount: number): void {
    const summary = this.summary();
    if (summary.empty.length === 0) {
      return;
    }
    const { ratios, groupBy } = this.request;
    const units =
      groupBy === undefined ? itemCount : (summary.groups ?? 0) + (summary.ungrouped ?? 0);
    const what = groupBy === undefined ? 'item' : 'group';
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `split ${summary.empty.map((s) => `"${s}"`).join(' and ')} would get no item (${String(itemCount)} items${groupBy === undefined ? '' : ` in ${String(summary.groups ?? 0)} groups`}; ${describeRatios(ratios)}): a trainer fails on an empty split`,
      {
        hint: emptySplitHint(units, what, ratios.ratios, groupBy),
        details: { split: summary },
      },
    );
  }

  summary(): SplitSummary {
    const names = this.names();
    const stats = this.stats();
    const { groupBy } = this.request;
    return {
      mode: this.mode,
      names,
      ratios: this.request.ratios.ratios,
      seed: this.seed,
      ...(groupBy === undefined
        ? {}
        : { groupBy, groups: this.#groups.size, ungrouped: this.#ungrouped }),
      items: stats?.items ?? names.map(() => 0),
      classes: stats?.classes ?? [],
      maxDeviation: stats?.maxDeviation,
      empty: stats?.empty ?? (this.#sealed ? names : []),
      notes: [
        ...this.notes,
        ...(this.#ungrouped > 0
          ? [
              `${String(this.#ungrouped)} item(s) have no "${groupBy ?? ''}" in their data-unit meta: each is its own group`,
            ]
          : []),
      ],
    };
  }
}

/** A unit seen by the first pass of a small hash split. */
interface SmallUnit {
  readonly u: number;
  weight: number;
  readonly labels: Map<string, number>;
}

/**
 * `--split`: each unit's split is a hash of (seed, unit key, ratios). On small data (a first
 * pass finds fewer than {@link SMALL_SPLIT_ITEMS} expected items in the smallest split) the
 * hash order gets a bounded correction (`balancedHashSplit`, ADR 0014): no split left empty
 * where the units can fill it, each within one item of its share.
 */
export class HashSplit extends RatioSplit {
  readonly mode = 'hash';
  #stats: SplitStatsCollector;
  /** Units of the first pass while the data is small (dropped once it is not). */
  #units: Map<string, SmallUnit> | undefined = new Map();
  #items = 0;
  /** The corrected split of every unit, when the hash split was off. */
  #balanced: Map<string, SplitName> | undefined;

  constructor(
    request: SplitRequest,
    source: Pick<Source, 'info' | 'itemCount'>,
    classOrder: readonly string[],
    notes: string[] = [],
  ) {
    super(request, source, classOrder, notes);
    this.#stats = new SplitStatsCollector(request.ratios);
  }

  #small(items: number): boolean {
    return items * Math.min(...this.request.ratios.ratios) < SMALL_SPLIT_ITEMS;
  }

  needsPass(): boolean {
    if (this.request.groupBy !== undefined) {
      return true;
    }
    const n = this.source.itemCount;
    // Small data: the split is balanced after a count, and an empty one stops before writing.
    return n === undefined || this.#small(n);
  }

  observe(item: Item): void {
    this.observed = true;
    this.noteGroup(item);
    const labels = itemLabels(item);
    this.#stats.add(this.hashOf(item), labels);
    this.#items++;
    const units = this.#units;
    if (units === undefined) {
      return;
    }
    if (!this.#small(this.#items)) {
      this.#units = undefined; // not small: the plain hash split stands
      return;
    }
    const key = this.unitKey(item);
    let unit = units.get(key);
    if (unit === undefined) {
      unit = { u: unitHash(this.seed, key), weight: 0, labels: new Map() };
      units.set(key, unit);
    }
    unit.weight++;
    for (const [label, n] of labels) {
      unit.labels.set(label, (unit.labels.get(label) ?? 0) + n);
    }
  }

  override seal(): void {
    super.seal();
    const units = this.#units;
    if (units === undefined || units.size === 0) {
      return;
    }
    const { ratios } = this.request;
    this.#balanced = balancedHashSplit(
      [...units].map(([key, unit]) => ({ key, u: unit.u, weight: unit.weight })),
      ratios,
    );
    if (this.#balanced === undefined) {
      return;
    }
    const stats = new SplitStatsCollector(ratios);
    let moved = 0;
    for (const [key, unit] of units) {
      const split = this.#balanced.get(key) ?? hashSplit(this.seed, key, ratios);
      if (split !== hashSplit(this.seed, key, ratios)) {
        moved += unit.weight;
      }
      stats.add(split, unit.labels, unit.weight);
    }
    this.#stats = stats;
    this.notes.push(
      `small dataset: ${String(moved)} of ${String(this.#items)} item(s) placed off their hash split so each split is within one item of its share (${splitQuotas(this.#items, ratios.ratios).join('/')}); as the data grows past ${String(SMALL_SPLIT_ITEMS)} expected items in the smallest split they return to it (ADR 0014)`,
    );
  }

  splitOf(item: Item): SplitName {
    return this.#balanced?.get(this.unitKey(item)) ?? this.hashOf(item);
  }

  record(item: Item, split: SplitName | undefined): void {
    if (split !== undefined && !this.observed) {
      this.noteGroup(item);
      this.#stats.add(split, itemLabels(item));
    }
  }

  protected stats(): SplitStats {
    return this.#stats.result(this.classOrder);
  }
}

/** `--split --stratify`: iterative stratification over every unit, solved after a first pass. */
export class StratifiedSplit extends RatioSplit {
  readonly mode = 'stratified';
  readonly #stratifier: StratifiedSplitter;
  #assignment: StratifiedAssignment | undefined;

  constructor(
    request: SplitRequest,
    source: Pick<Source, 'info' | 'itemCount'>,
    classOrder: readonly string[],
    notes: string[] = [],
  ) {
    super(request, source, classOrder, [
      ...notes,
      'stratified splits balance classes over the whole dataset: exporting again after the data grew may move items (plain --split never does)',
    ]);
    this.#stratifier = new StratifiedSplitter(request.ratios, this.seed);
  }

  needsPass(): boolean {
    return true;
  }

  observe(item: Item): void {
    this.observed = true;
    this.noteGroup(item);
    this.#stratifier.add(this.unitKey(item), itemLabels(item));
  }

  override seal(): void {
    super.seal();
    this.#assignment = this.#stratifier.solve(this.classOrder);
  }

  splitOf(item: Item): SplitName {
    // An item the first pass did not see (the source changed in between): hashed.
    return this.#assignment?.splitOf(this.unitKey(item)) ?? this.hashOf(item);
  }

  record(): void {
    // counted by the first pass
  }

  protected stats(): SplitStats | undefined {
    return this.#assignment?.stats;
  }
}

/** A ground-truth version's own train/validation/test categories (no `--split`). */
export class GroundTruthSplit implements SplitStrategy {
  readonly mode = 'ground-truth';
  readonly #classOrder: readonly string[];
  readonly #seen = new Set<SplitName>();
  #stats: SplitStatsCollector | undefined;
  #sealed = false;

  constructor(classOrder: readonly string[]) {
    this.#classOrder = classOrder;
  }

  needsPass(): boolean {
    return true;
  }

  observe(item: Item): void {
    const split = this.splitOf(item);
    if (split !== undefined) {
      this.#seen.add(split);
    }
  }

  seal(): void {
    this.#sealed = true;
    const names = this.names() ?? [];
    this.#stats = new SplitStatsCollector({ names, ratios: names.map(() => 0) });
  }

  names(): SplitName[] | undefined {
    const names = (['train', 'val', 'test'] as const).filter((n) => this.#seen.has(n));
    return names.length === 0 ? undefined : names;
  }

  splitOf(item: Item): SplitName | undefined {
    return item.gtCategory === undefined ? undefined : GT_SPLIT[item.gtCategory];
  }

  record(item: Item, split: SplitName | undefined): void {
    if (split !== undefined) {
      this.#stats?.add(split, itemLabels(item));
    }
  }

  assertNoEmptySplit(): void {
    // a category no item has is not a split
  }

  summary(): SplitSummary | undefined {
    const names = this.names();
    if (names === undefined) {
      return undefined;
    }
    const stats = this.#stats?.result(this.#classOrder);
    return {
      mode: this.mode,
      names,
      items: stats?.items ?? names.map(() => 0),
      classes: stats?.classes ?? [],
      maxDeviation: undefined,
      empty: stats?.empty ?? (this.#sealed ? names : []),
      notes: [],
    };
  }
}
