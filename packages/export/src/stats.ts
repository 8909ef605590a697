import type { AnnotationKind, Media } from '@synx/model';

/** Counts of one outcome per annotation kind. */
export type KindCounts = Partial<Record<AnnotationKind, number>>;

/** One (kind, outcome, reason) group of the report. */
export interface OutcomeGroup {
  kind: AnnotationKind;
  outcome: 'converted' | 'dropped';
  reason: string;
  count: number;
  /** Up to five item ids, for finding examples. */
  items: string[];
}

/** Everything counted during an export. */
export interface ExportCounts {
  items: number;
  images: number;
  /** Images with no annotation at all. */
  emptyImages: number;
  /** Images whose EXIF orientation rotates them (5–8) or flips them (2–4). */
  orientedImages: number;
  /** Images whose width/height could not be determined. */
  unsizedImages: number;
  annotations: {
    in: KindCounts;
    written: KindCounts;
    converted: KindCounts;
    dropped: KindCounts;
  };
}

/** The image counters of {@link ExportCounts}. */
export type ImageCounts = Pick<
  ExportCounts,
  'images' | 'emptyImages' | 'orientedImages' | 'unsizedImages'
>;

/** Counts one image media: without objects, EXIF-rotated, of unknown size. */
export function countImage(counts: ImageCounts, media: Media): void {
  counts.images++;
  if (media.annotations.length === 0) {
    counts.emptyImages++;
  }
  if (media.orientation !== undefined && media.orientation !== 1) {
    counts.orientedImages++;
  }
  if (media.width === undefined || media.height === undefined) {
    counts.unsizedImages++;
  }
}

function bump(counts: KindCounts, kind: AnnotationKind, n = 1): void {
  counts[kind] = (counts[kind] ?? 0) + n;
}

function sortedCounts(counts: KindCounts): KindCounts {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Accumulates counts and outcome groups with bounded memory. */
export class ExportStats {
  readonly counts: ExportCounts = {
    items: 0,
    images: 0,
    emptyImages: 0,
    orientedImages: 0,
    unsizedImages: 0,
    annotations: { in: {}, written: {}, converted: {}, dropped: {} },
  };
  readonly #groups = new Map<string, OutcomeGroup>();

  in(kind: AnnotationKind, n = 1): void {
    bump(this.counts.annotations.in, kind, n);
  }

  outcome(
    kind: AnnotationKind,
    outcome: 'written' | 'converted' | 'dropped',
    reason: string | undefined,
    itemId: string,
  ): void {
    bump(this.counts.annotations[outcome], kind);
    if (outcome === 'written') {
      return;
    }
    const why = reason ?? 'no reason given';
    const key = `${kind}\u0000${outcome}\u0000${why}`;
    let g = this.#groups.get(key);
    if (g === undefined) {
      g = { kind, outcome, reason: why, count: 0, items: [] };
      this.#groups.set(key, g);
    }
    g.count++;
    if (g.items.length < 5 && !g.items.includes(itemId)) {
      g.items.push(itemId);
    }
  }

  /** Converted and dropped groups, sorted for stable output. */
  groups(): OutcomeGroup[] {
    return [...this.#groups.values()]
      .map((g) => ({ ...g, items: [...g.items] }))
      .sort((a, b) => (a.outcome + a.kind + a.reason < b.outcome + b.kind + b.reason ? -1 : 1));
  }

  /** Kinds whose in-count differs from written + converted + dropped (a format bug). */
  unaccounted(): { kind: AnnotationKind; missing: number }[] {
    const a = this.counts.annotations;
    const out: { kind: AnnotationKind; missing: number }[] = [];
    for (const [kind, n] of Object.entries(a.in) as [AnnotationKind, number][]) {
      const done = (a.written[kind] ?? 0) + (a.converted[kind] ?? 0) + (a.dropped[kind] ?? 0);
      if (done !== n) {
        out.push({ kind, missing: n - done });
      }
    }
    return out;
  }

  snapshot(): ExportCounts {
    const a = this.counts.annotations;
    return {
      ...this.counts,
      annotations: {
        in: sortedCounts(a.in),
        written: sortedCounts(a.written),
        converted: sortedCounts(a.converted),
        dropped: sortedCounts(a.dropped),
      },
    };
  }
}
