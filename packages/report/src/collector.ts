import { createHash } from 'node:crypto';
import { dmParagraphOf, instancesOf, type Annotation, type Item, type Media } from '@synx/model';
import {
  AREA_BINS,
  ASPECT_BINS,
  binOf,
  CHAR_BINS,
  COUNT_BINS,
  HistogramCounter,
  IMAGE_BINS,
  SIDE_BINS,
} from './bins.js';
import { instanceExtent, sampleShapes } from './shapes.js';
import type {
  ReportData,
  ReportDataClass,
  ReportMediaRef,
  ReportOptions,
  SampleEntity,
  SampleEntry,
  SampleMedia,
  SampleText,
} from './types.js';

/** Codes found in the data beyond the class map that get a column of their own. */
const MAX_EXTRA_CLASSES = 64;
/** Exact image sizes counted one by one; later new sizes are counted together. */
const MAX_EXACT_SIZES = 64;
/** Images of one sample item drawn at most. */
const MAX_SAMPLE_MEDIA = 4;
const DEFAULT_SAMPLES = 12;
/** Entities of one sample text listed at most, and characters of each entity shown. */
const MAX_SAMPLE_ENTITIES = 40;
const MAX_ENTITY_CHARS = 80;

/** Unicode code points of a string (what a "character" is to Python, spaCy and HF offsets). */
function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) {
    n++;
  }
  return n;
}

/** The first `max` code points of `text`, and whether it was cut. */
function head(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) {
    return { text, cut: false };
  }
  let out = '';
  let n = 0;
  for (const ch of text) {
    if (n === max) {
      return { text: out, cut: true };
    }
    out += ch;
    n++;
  }
  return { text, cut: false };
}

/**
 * Where a named entity starts, for reading order: `[line, offset]` from its first range, either
 * `{ start: '/p[N]', startOffset }` (line N, `dmParagraphOf`) or `{ start: number }` (line 0); `[∞, ∞]` if neither.
 */
function entityStart(a: Annotation): [number, number] {
  if (a.kind !== 'named-entity') {
    return [Infinity, Infinity];
  }
  const r = a.ranges[0];
  if (typeof r !== 'object' || r === null || Array.isArray(r)) {
    return [Infinity, Infinity];
  }
  const start = r['start'];
  if (typeof start === 'number') {
    return [0, start];
  }
  const line = dmParagraphOf(start);
  const offset = r['startOffset'];
  return line === undefined || typeof offset !== 'number' ? [Infinity, Infinity] : [line, offset];
}

/** The class columns: the class map, then codes found in the data (bounded). */
class ClassSlots {
  readonly list: ReportDataClass[] = [];
  readonly #byCode = new Map<string, number>();
  readonly #byName = new Map<string, number>();
  #extra = 0;
  /** Objects whose class found no slot. */
  overflow = 0;

  constructor(classes: ReportOptions['classes']) {
    for (const c of [...classes].sort((a, b) => a.index - b.index)) {
      if (!this.#byCode.has(c.code)) {
        this.#byCode.set(c.code, this.list.length);
        this.list.push({ code: c.code, name: c.name, index: c.index });
      }
    }
    // Readers of formats that store names (YOLO, VOC) give names as class codes.
    this.list.forEach((c, i) => {
      if (!this.#byName.has(c.name)) {
        this.#byName.set(c.name, i);
      }
    });
  }

  /** The slot of a code; −1 for no class, −2 when the bounded list is full. */
  slotOf(code: string | null): number {
    if (code === null) {
      return -1;
    }
    const hit = this.#byCode.get(code) ?? this.#byName.get(code);
    if (hit !== undefined) {
      return hit;
    }
    if (this.#extra >= MAX_EXTRA_CLASSES) {
      return -2;
    }
    this.#extra++;
    this.#byCode.set(code, this.list.length);
    this.list.push({ code, name: code, index: null });
    return this.list.length - 1;
  }
}

/** A sample candidate and its sort key. */
interface Candidate {
  readonly hash: string;
  readonly itemId: string;
  readonly entry: SampleEntry;
}

function before(
  a: Pick<Candidate, 'hash' | 'itemId'>,
  b: Pick<Candidate, 'hash' | 'itemId'>,
): boolean {
  return a.hash < b.hash || (a.hash === b.hash && a.itemId < b.itemId);
}

/**
 * Counts what the report shows while items stream past, with memory bounded whatever the number
 * of items: counters per split and class, histograms with fixed bins, a bounded list of exact
 * image sizes, and per split the `samplesPerSplit` items with the smallest SHA-256 of
 * `seed\0item.key` (deterministic, independent of item order up to ties).
 *
 * @example
 * const collector = new ReportCollector({ classes, keypointNames: [], splits: ['train', 'val'] });
 * for (const e of items) collector.add(e.item, e.split, e.images.map((i) => ({ media: i.media })));
 * const data = collector.data();
 */
export class ReportCollector {
  readonly #options: ReportOptions;
  readonly #names: readonly string[];
  readonly #slots: ClassSlots;
  readonly #keypoints = new Map<string, number>();
  readonly #samplesPerSplit: number;
  readonly #seed: number;
  // One column per split plus one for items without a (known) split.
  readonly #items: number[];
  readonly #images: number[];
  readonly #empty: number[];
  readonly #unsized: number[];
  readonly #objects: number[];
  readonly #kinds = new Map<string, number[]>();
  readonly #classObjects: number[][] = [];
  readonly #classImages: number[][] = [];
  readonly #classLabels: number[][] = [];
  readonly #boxWidth = new HistogramCounter(SIDE_BINS);
  readonly #boxHeight = new HistogramCounter(SIDE_BINS);
  readonly #boxArea = new HistogramCounter(AREA_BINS);
  readonly #boxAspect = new HistogramCounter(ASPECT_BINS);
  readonly #boxSizes = { small: 0, medium: 0, large: 0 };
  #boxUnknown = 0;
  readonly #imageWidth = new HistogramCounter(IMAGE_BINS);
  readonly #imageHeight = new HistogramCounter(IMAGE_BINS);
  readonly #grid = new Map<number, number>();
  readonly #sizes = new Map<string, number>();
  #sizesOther = 0;
  readonly #perImage = new HistogramCounter(COUNT_BINS);
  readonly #texts: number[];
  readonly #emptyTexts: number[];
  readonly #entities: number[];
  readonly #relations: number[];
  readonly #classEntities: number[][] = [];
  readonly #classTexts: number[][] = [];
  #entityOverflow = 0;
  readonly #entityLength = new HistogramCounter(CHAR_BINS);
  readonly #perText = new HistogramCounter(COUNT_BINS);
  readonly #samples: Candidate[][];

  constructor(options: ReportOptions) {
    this.#options = options;
    this.#names = options.splits ?? [];
    this.#slots = new ClassSlots(options.classes);
    options.keypointNames.forEach((name, i) => {
      if (!this.#keypoints.has(name)) {
        this.#keypoints.set(name, i);
      }
    });
    this.#samplesPerSplit = Math.max(0, Math.floor(options.samplesPerSplit ?? DEFAULT_SAMPLES));
    this.#seed = options.seed ?? 0;
    const columns = this.#names.length + 1;
    const zeros = (): number[] => Array.from({ length: columns }, () => 0);
    this.#items = zeros();
    this.#images = zeros();
    this.#empty = zeros();
    this.#unsized = zeros();
    this.#objects = zeros();
    this.#texts = zeros();
    this.#emptyTexts = zeros();
    this.#entities = zeros();
    this.#relations = zeros();
    this.#samples = Array.from({ length: columns }, () => []);
  }

  #row(table: number[][], slot: number): number[] {
    let row = table[slot];
    while (row === undefined) {
      table.push(Array.from({ length: this.#names.length + 1 }, () => 0));
      row = table[slot];
    }
    return row;
  }

  #bump(table: number[][], slot: number, column: number): void {
    if (slot >= 0) {
      const row = this.#row(table, slot);
      row[column] = (row[column] ?? 0) + 1;
    }
  }

  #countKind(kind: string, col: number): void {
    let row = this.#kinds.get(kind);
    if (row === undefined) {
      row = Array.from({ length: this.#names.length + 1 }, () => 0);
      this.#kinds.set(kind, row);
    }
    row[col] = (row[col] ?? 0) + 1;
  }

  /** Counts the text media of an item: texts, named entities per class, relations. */
  #addTexts(texts: readonly Media[], col: number): void {
    for (const m of texts) {
      this.#texts[col] = (this.#texts[col] ?? 0) + 1;
      let entities = 0;
      const inText = new Set<number>();
      for (const a of m.annotations) {
        this.#countKind(a.kind, col);
        if (a.kind === 'named-entity') {
          entities++;
          const s = this.#slots.slotOf(a.classCode);
          if (s === -2) {
            this.#entityOverflow++;
          }
          this.#bump(this.#classEntities, s, col);
          if (s >= 0) {
            inText.add(s);
          }
          this.#entityLength.add(codePoints(a.content));
        } else if (a.kind === 'relation') {
          this.#relations[col] = (this.#relations[col] ?? 0) + 1;
        }
      }
      this.#entities[col] = (this.#entities[col] ?? 0) + entities;
      if (entities === 0) {
        this.#emptyTexts[col] = (this.#emptyTexts[col] ?? 0) + 1;
      }
      this.#perText.add(entities);
      for (const s of inText) {
        this.#bump(this.#classTexts, s, col);
      }
    }
  }

  /**
   * Counts one item as written. `split` is its split (undefined when the export is not split,
   * or the split is not known); `media` are its images as written, with the saved original of
   * each when there is one. When `media` is empty, the item's image media are counted. The
   * item's text media (kind `text`) are always counted, from the item.
   */
  add(item: Item, split: string | undefined, media: readonly ReportMediaRef[]): void {
    const known = split === undefined ? -1 : this.#names.indexOf(split);
    const col = known < 0 ? this.#names.length : known;
    this.#items[col] = (this.#items[col] ?? 0) + 1;
    const refs: readonly ReportMediaRef[] =
      media.length > 0
        ? media
        : item.media.filter((m) => m.kind === 'image').map((m) => ({ media: m }));
    const slotOf = (code: string | null): number => {
      const s = this.#slots.slotOf(code);
      return s === -2 ? -1 : s;
    };
    const labels = new Set<number>();
    for (const { media: m } of refs) {
      this.#images[col] = (this.#images[col] ?? 0) + 1;
      if (m.annotations.length === 0) {
        this.#empty[col] = (this.#empty[col] ?? 0) + 1;
      }
      let counted = 0;
      for (const a of m.annotations) {
        this.#countKind(a.kind, col);
        if (a.kind !== 'group') {
          counted++;
        }
      }
      this.#perImage.add(counted);
      const w = m.width;
      const h = m.height;
      if (w === undefined || h === undefined) {
        this.#unsized[col] = (this.#unsized[col] ?? 0) + 1;
      } else {
        this.#imageWidth.add(w);
        this.#imageHeight.add(h);
        const cell = binOf(IMAGE_BINS, w) * 1000 + binOf(IMAGE_BINS, h);
        this.#grid.set(cell, (this.#grid.get(cell) ?? 0) + 1);
        const key = `${w}x${h}`;
        const n = this.#sizes.get(key);
        if (n !== undefined) {
          this.#sizes.set(key, n + 1);
        } else if (this.#sizes.size < MAX_EXACT_SIZES) {
          this.#sizes.set(key, 1);
        } else {
          this.#sizesOther++;
        }
      }
      if (m.annotations.length === 0) {
        continue;
      }
      const { instances, rest } = instancesOf(m);
      this.#objects[col] = (this.#objects[col] ?? 0) + instances.length;
      const onImage = new Set<number>();
      for (const inst of instances) {
        const s = this.#slots.slotOf(inst.classCode);
        if (s === -2) {
          this.#slots.overflow++;
        }
        this.#bump(this.#classObjects, s, col);
        if (s >= 0) {
          onImage.add(s);
        }
        const e = instanceExtent(inst, w);
        if (e === undefined) {
          this.#boxUnknown++;
          continue;
        }
        this.#boxWidth.add(e.width);
        this.#boxHeight.add(e.height);
        const area = e.width * e.height;
        this.#boxArea.add(area);
        if (e.width > 0 && e.height > 0) {
          this.#boxAspect.add(Math.log2(e.width / e.height));
        }
        if (area < 32 * 32) {
          this.#boxSizes.small++;
        } else if (area < 96 * 96) {
          this.#boxSizes.medium++;
        } else {
          this.#boxSizes.large++;
        }
      }
      for (const a of rest) {
        if (a.kind === 'classification') {
          const s = this.#slots.slotOf(a.classCode);
          this.#bump(this.#classLabels, s, col);
          if (s >= 0) {
            onImage.add(s);
            labels.add(s);
          }
        }
      }
      for (const s of onImage) {
        this.#bump(this.#classImages, s, col);
      }
    }
    const texts = item.media.filter((m) => m.kind === 'text');
    this.#addTexts(texts, col);
    this.#sample(item, col, refs, texts, labels, slotOf);
  }

  #sample(
    item: Item,
    col: number,
    refs: readonly ReportMediaRef[],
    texts: readonly Media[],
    labels: Set<number>,
    slotOf: (code: string | null) => number,
  ): void {
    const k = this.#samplesPerSplit;
    const heap = this.#samples[col];
    if (k === 0 || heap === undefined) {
      return;
    }
    const hash = createHash('sha256').update(`${this.#seed}\0${item.key}`).digest('hex');
    const last = heap[heap.length - 1];
    const key = { hash, itemId: item.id };
    if (heap.length >= k && last !== undefined && !before(key, last)) {
      return;
    }
    const keypointIndex = (code: string | null): number =>
      code === null ? -1 : (this.#keypoints.get(code) ?? this.#keypointByNumber(code));
    const media: SampleMedia[] = refs.slice(0, MAX_SAMPLE_MEDIA).map(({ media: m, file }) => ({
      mediaId: m.id,
      file: file ?? null,
      name: m.file?.name ?? null,
      width: m.width ?? null,
      height: m.height ?? null,
      shapes: sampleShapes(m, slotOf, keypointIndex),
      objects: m.annotations.length === 0 ? 0 : instancesOf(m).instances.length,
    }));
    const entry: SampleEntry = {
      itemId: item.id,
      hash,
      labels: [...labels].sort((a, b) => a - b),
      media,
      texts: texts.slice(0, MAX_SAMPLE_MEDIA).map((m) => sampleText(m, slotOf)),
    };
    // Sorted insertion into at most k entries.
    let at = heap.length;
    while (at > 0 && before(key, heap[at - 1] ?? key)) {
      at--;
    }
    heap.splice(at, 0, { hash, itemId: item.id, entry });
    if (heap.length > k) {
      heap.pop();
    }
  }

  /** YOLO pose labels number keypoints `0`, `1`, …: a number within range is its index. */
  #keypointByNumber(code: string): number {
    const n = Number(code);
    return /^\d+$/.test(code) && n < this.#options.keypointNames.length ? n : -1;
  }

  /** What was counted, as JSON-serialisable data for {@link renderReport}. */
  data(): ReportData {
    const names = this.#names;
    const unknownUsed = (this.#items[names.length] ?? 0) > 0;
    // Columns shown: every split, plus the column of items without a known split when used (or
    // the only column when the export is not split).
    const columns = names.map((_, i) => i);
    if (names.length === 0 || unknownUsed) {
      columns.push(names.length);
    }
    const pick = (row: readonly number[] | undefined): number[] =>
      columns.map((c) => row?.[c] ?? 0);
    const slots = this.#slots.list;
    const table = (t: number[][]): number[][] => slots.map((_, i) => pick(t[i]));
    const kinds: Record<string, number[]> = {};
    for (const kind of [...this.#kinds.keys()].sort()) {
      kinds[kind] = pick(this.#kinds.get(kind));
    }
    const grid = [...this.#grid.entries()]
      .sort(([a], [b]) => a - b)
      .map(([cell, n]): [number, number, number] => [Math.floor(cell / 1000), cell % 1000, n]);
    const sizes = [...this.#sizes.entries()]
      .map(([key, n]): [number, number, number] => {
        const [w = 0, h = 0] = key.split('x').map(Number);
        return [w, h, n];
      })
      .sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1]);
    return {
      reportVersion: 1,
      classes: slots.map((c) => ({ ...c })),
      otherClassObjects: this.#slots.overflow,
      keypointNames: [...this.#options.keypointNames],
      skeleton: (this.#options.skeleton ?? namedSkeleton(this.#options.keypointNames)).map(
        ([a, b]): [number, number] => [a, b],
      ),
      splits: columns.map((c) => ({
        name: names[c] ?? '',
        label: names[c] ?? (names.length === 0 ? 'all' : 'split not known'),
      })),
      splitUnknown: names.length > 0 && unknownUsed,
      ratios: this.#options.ratios === undefined ? null : [...this.#options.ratios],
      seed: this.#seed,
      samplesPerSplit: this.#samplesPerSplit,
      counts: {
        items: pick(this.#items),
        images: pick(this.#images),
        emptyImages: pick(this.#empty),
        unsizedImages: pick(this.#unsized),
        objects: pick(this.#objects),
        annotations: kinds,
      },
      classObjects: table(this.#classObjects),
      classImages: table(this.#classImages),
      classLabels: table(this.#classLabels),
      boxWidth: this.#boxWidth.toJSON(),
      boxHeight: this.#boxHeight.toJSON(),
      boxArea: this.#boxArea.toJSON(),
      boxAspect: this.#boxAspect.toJSON(),
      boxSizes: { ...this.#boxSizes },
      boxUnknown: this.#boxUnknown,
      imageWidth: this.#imageWidth.toJSON(),
      imageHeight: this.#imageHeight.toJSON(),
      imageGrid: grid,
      imageSizes: sizes,
      imageSizesOther: this.#sizesOther,
      annotationsPerImage: this.#perImage.toJSON(),
      text: {
        texts: pick(this.#texts),
        emptyTexts: pick(this.#emptyTexts),
        entities: pick(this.#entities),
        relations: pick(this.#relations),
        classEntities: table(this.#classEntities),
        classTexts: table(this.#classTexts),
        otherClassEntities: this.#entityOverflow,
        entityLength: this.#entityLength.toJSON(),
        entitiesPerText: this.#perText.toJSON(),
      },
      samples: columns.map((c) => (this.#samples[c] ?? []).map((s) => s.entry)),
    };
  }
}

/** A sample text: its entities in reading order (bounded, each cut to a bounded length). */
function sampleText(m: Media, slotOf: (code: string | null) => number): SampleText {
  const all = m.annotations
    .map((a, i) => ({ a, i, at: entityStart(a) }))
    .filter(({ a }) => a.kind === 'named-entity')
    .sort((x, y) => x.at[0] - y.at[0] || x.at[1] - y.at[1] || x.i - y.i);
  const entities: SampleEntity[] = all.slice(0, MAX_SAMPLE_ENTITIES).map(({ a }) => {
    const { text, cut } = head(a.kind === 'named-entity' ? a.content : '', MAX_ENTITY_CHARS);
    return { c: slotOf(a.classCode), id: a.id, text, cut };
  });
  return {
    mediaId: m.id,
    name: m.file?.name ?? null,
    entities,
    entityCount: all.length,
    relations: m.annotations.filter((a) => a.kind === 'relation').length,
  };
}

/** COCO's person keypoints, in COCO's order. */
const COCO_KEYPOINTS = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
];
/** COCO's person skeleton (1-based indices into {@link COCO_KEYPOINTS}). */
const COCO_SKELETON: readonly (readonly [number, number])[] = [
  [16, 14],
  [14, 12],
  [17, 15],
  [15, 13],
  [12, 13],
  [6, 12],
  [7, 13],
  [6, 7],
  [6, 8],
  [7, 9],
  [8, 10],
  [9, 11],
  [2, 3],
  [1, 2],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 6],
  [5, 7],
];

/**
 * The skeleton edges a project's keypoint names imply when none is given: COCO's person
 * skeleton, for the edges whose two keypoints the project has by those names (case and `-`/` `
 * vs `_` ignored); none otherwise. Indices into `keypointNames`.
 */
export function namedSkeleton(keypointNames: readonly string[]): [number, number][] {
  const norm = (s: string): string => s.toLowerCase().replace(/[-\s]+/g, '_');
  const at = new Map(keypointNames.map((n, i) => [norm(n), i]));
  const edges: [number, number][] = [];
  for (const [a, b] of COCO_SKELETON) {
    const i = at.get(COCO_KEYPOINTS[a - 1] ?? '');
    const j = at.get(COCO_KEYPOINTS[b - 1] ?? '');
    if (i !== undefined && j !== undefined) {
      edges.push([i, j]);
    }
  }
  return edges;
}
