import { setMaxListeners } from 'node:events';
import {
  INSTANCE_TOOLS,
  IssueCollector,
  type ClassMap,
  type IssueSummary,
  type Item,
  type JsonValue,
  type MediaKind,
} from '@synx/model';
import type { AnnotationFeature } from '@synx/plugin-api';
import { resolveTreatment, type ResolvedTreatment } from './treatments.js';
import { featureOf, groupedIds } from './features.js';
import type { ExportRequest } from './request.js';
import { openExportSession, type ExportSession } from './session.js';
import type { Source, SourcedItem, SourceSample } from './sources/source.js';
import { splitStrategy, type SplitRequest, type SplitSummary } from './splits.js';
import { countImage, type ImageCounts } from './stats.js';

/** Pages an API sample reads by default: page 1 plus 4 evenly spread ones. */
export const DEFAULT_SAMPLE_PAGES = 5;

/** How {@link planExport} reads the source. */
export interface PlanOptions {
  /**
   * Read every item: exact counts and split previews (stratified splits and `groupBy` need it).
   * Default false: a sample (a few pages spread across an API list, or every k-th file of a
   * folder of more than 2,000 items).
   */
  readonly full?: boolean | undefined;
  /** Pages an API sample reads (page 1 plus evenly spread ones). Default 5. */
  readonly samplePages?: number | undefined;
  /** Items a folder sample reads at most. Default 2,000 (`FOLDER_SAMPLE_ITEMS`). */
  readonly sampleItems?: number | undefined;
  /**
   * Read the image headers of a folder source for sizes and image counts (default true). A
   * check that needs only the items and their annotations (the CLI's pre-flight) skips them.
   */
  readonly sizes?: boolean | undefined;
  /** Told how far the reading is: every 100 items and at the end. */
  readonly onProgress?: ((progress: PlanProgress) => void) | undefined;
}

/** How far {@link planExport} has read. */
export interface PlanProgress {
  readonly items: number;
  /** Items the source holds, when known. */
  readonly total?: number;
}

/** A value of the items' `status` or `tags`, with how many items carry it. */
export interface PlanValueCount {
  readonly value: string;
  readonly count: number;
}

/** One line of "what the format does with what the source holds". */
export interface PlanTreatment {
  readonly feature: AnnotationFeature;
  readonly count: number;
  readonly treatment: ResolvedTreatment;
}

/** Annotations on a media kind the format does not hold. */
export interface PlanWithheld {
  readonly kind: MediaKind;
  readonly count: number;
  /** `COCO holds image media only, not video`. */
  readonly reason: string;
}

/** A class with how often it occurs. */
export interface PlanClass {
  readonly index: number;
  readonly id?: number | undefined;
  readonly code: string;
  readonly name: string;
  readonly count: number;
}

/** The plan `--dry-run` prints: what would be exported and what would happen to it. Nothing is written. */
export interface ExportPlan {
  readonly source: Source['info'];
  readonly project: Source['project'];
  readonly format: { readonly id: string; readonly title: string; readonly options: unknown };
  readonly output: string;
  /**
   * Items the export would read: counted when every item was read (`sampled.exact`), else the
   * total the source reports (the list's `count`, the folder's files).
   */
  readonly items: number;
  /**
   * What was read: `items` of `of`. When not `exact`, every count below (images, media kinds,
   * annotations, classes, statuses, tags, issues) is as found in the `items` sampled items, not
   * scaled; split item counts are estimates for the whole source.
   */
  readonly sampled: {
    readonly items: number;
    readonly of: number | undefined;
    readonly exact: boolean;
  };
  readonly images: number;
  readonly emptyImages: number;
  readonly orientedImages: number;
  readonly mediaKinds: Partial<Record<MediaKind, number>>;
  /** Annotations per feature (kinds, rotated boxes, keypoints outside instances). */
  readonly annotations: Partial<Record<AnnotationFeature, number>>;
  /** The same per media kind: what a format that holds only some kinds is given. */
  readonly annotationsByMedia: Partial<
    Record<MediaKind, Partial<Record<AnnotationFeature, number>>>
  >;
  readonly classOrigin: string;
  readonly classes: PlanClass[];
  /** Class codes found in the data that the class map does not hold, with counts. */
  readonly unknownClasses: { code: string; count: number }[];
  /** Items per `status` (API sources), most frequent first. */
  readonly statuses: PlanValueCount[];
  /** Items per tag (API sources), most frequent first. */
  readonly tags: PlanValueCount[];
  /** Every feature present, with what the format does with it. */
  readonly treatments: PlanTreatment[];
  /** Features the format converts lossily or drops (a subset of `treatments`). */
  readonly losses: PlanTreatment[];
  /**
   * Annotations on media the format does not hold (a video's in COCO), per media kind: dropped
   * whatever their feature, and not in `treatments`.
   */
  readonly withheld: PlanWithheld[];
  readonly layout: string[];
  /** How items would be split (per-split items and classes, empty splits); undefined if not split. */
  readonly split: SplitSummary | undefined;
  readonly issues: IssueSummary;
  readonly notes: string[];
}

/**
 * Reports what an export would do, writing nothing. By default it reads a sample spread across
 * the source (see {@link PlanOptions}): the item total is the source's, the other counts are
 * those of the sampled items and `sampled` says so. With `full` (or when the sample is every
 * item) it reads everything and every count is exact. Image headers are read for folder sources
 * (cheap, local; in a sample only for the sampled items) and skipped for the API (sizes are read
 * during the export).
 */
export async function planExport(
  request: ExportRequest,
  options: PlanOptions = {},
): Promise<ExportPlan> {
  if (request.signal !== undefined) {
    // Every request in flight (items, header reads) listens to this one signal.
    setMaxListeners(1000, request.signal);
  }
  // A session stays open for the run that follows.
  const session: ExportSession = request.session ?? (await openExportSession(request));
  const { source, format, description, classes, isKnownClass } = session;
  try {
    const classOrder = classes.entries.map((e) => e.code);
    const splits = session.splits();
    const namer = session.namer();
    const withheld = new Map<MediaKind, PlanWithheld>();
    /** Features of the annotations the format is given (those on media it holds). */
    const given: Partial<Record<AnnotationFeature, number>> = {};
    const issues = new IssueCollector({ keep: 50 });
    for (const note of source.notes) {
      issues.report(note);
    }
    const annotations: Partial<Record<AnnotationFeature, number>> = {};
    const annotationsByMedia: ExportPlan['annotationsByMedia'] = {};
    const mediaKinds: Partial<Record<MediaKind, number>> = {};
    const classCounts = new Map<string, number>();
    const classTools = description.classTools ?? INSTANCE_TOOLS;
    const unknown = new Map<string, number>();
    const statuses = new Map<string, number>();
    const tags = new Map<string, number>();
    let items = 0;
    let read = 0;
    const imageCounts: ImageCounts = {
      images: 0,
      emptyImages: 0,
      orientedImages: 0,
      unsizedImages: 0,
    };
    const readSizes = request.source.kind === 'folder' && options.sizes !== false;
    const readOptions = { signal: request.signal, isKnownClass, sizes: readSizes };
    const sample: SourceSample | undefined =
      options.full === true || source.sample === undefined
        ? undefined
        : await source.sample(
            {
              pages: options.samplePages ?? DEFAULT_SAMPLE_PAGES,
              ...(options.sampleItems === undefined ? {} : { items: options.sampleItems }),
            },
            readOptions,
          );
    const exact = sample === undefined || sample.complete;
    const total = sample?.of ?? source.itemCount;
    const progress = (): void => {
      options.onProgress?.({ items: read, ...(total === undefined ? {} : { total }) });
    };
    const sampledItems: Item[] = [];
    const stream: AsyncIterable<SourcedItem> | Iterable<SourcedItem> =
      sample?.items ?? source.items(readOptions);
    for await (const sourced of stream) {
      read++;
      if (read % 100 === 0) {
        progress();
      }
      for (const i of sourced.issues) {
        issues.report(i);
      }
      const item = sourced.item;
      if (item === undefined) {
        continue;
      }
      items++;
      if (exact) {
        splits?.observe(item);
      } else {
        sampledItems.push(item);
      }
      if (item.status !== undefined) {
        statuses.set(item.status, (statuses.get(item.status) ?? 0) + 1);
      }
      for (const tag of new Set((item.tags ?? []).map(tagLabel))) {
        tags.set(tag, (tags.get(tag) ?? 0) + 1);
      }
      // The media filter only: a plan hands out no names (their sets would grow with a --full pass).
      const out = namer.withheld(item);
      for (const media of item.media) {
        mediaKinds[media.kind] = (mediaKinds[media.kind] ?? 0) + 1;
        if (media.kind === 'image') {
          countImage(imageCounts, media);
        }
        const w = out.find((x) => x.media === media);
        if (w !== undefined && media.annotations.length > 0) {
          const seen = withheld.get(media.kind);
          withheld.set(media.kind, {
            kind: media.kind,
            count: (seen?.count ?? 0) + media.annotations.length,
            reason: w.reason,
          });
        }
        const grouped = groupedIds(media);
        const onKind = (annotationsByMedia[media.kind] ??= {});
        for (const a of media.annotations) {
          const feature = featureOf(a, grouped);
          annotations[feature] = (annotations[feature] ?? 0) + 1;
          onKind[feature] = (onKind[feature] ?? 0) + 1;
          if (w === undefined) {
            given[feature] = (given[feature] ?? 0) + 1;
          }
          // Classes count objects: a group counts once, its members not again.
          if (
            a.classCode !== null &&
            !grouped.has(a.id) &&
            // the annotations of the tools whose classes the format numbers (its classTools)
            classTools.includes(a.tool)
          ) {
            if (classes.has(a.classCode)) {
              classCounts.set(a.classCode, (classCounts.get(a.classCode) ?? 0) + 1);
            } else {
              unknown.set(a.classCode, (unknown.get(a.classCode) ?? 0) + 1);
            }
          }
        }
      }
    }
    if (read % 100 !== 0 || read === 0) {
      progress();
    }
    const treatments: PlanTreatment[] = (Object.entries(given) as [AnnotationFeature, number][])
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([feature, count]) => ({
        feature,
        count,
        treatment: resolveTreatment(format, feature, description.kinds[feature]),
      }));
    let split: SplitSummary | undefined;
    if (exact) {
      splits?.seal();
      split = splits?.summary();
    } else {
      split = estimatedSplit(request.split, source, classOrder, sampledItems, total, read);
    }
    const notes: string[] = [];
    if (!readSizes) {
      notes.push(
        'image sizes are read from the data unit meta or the image headers while exporting',
      );
    }
    const { images, emptyImages, orientedImages } = imageCounts;
    if (orientedImages > 0) {
      const upright =
        request.media !== undefined && (request.media.orientation ?? 'apply') === 'apply';
      notes.push(
        upright
          ? `${orientedImages} image(s)${exact ? '' : ' of the sampled items'} carry an EXIF orientation: sizes and coordinates are those of the image as displayed, and the saved files are turned upright (tag removed), so every loader sees what was annotated (--media-orientation keep saves them as they are)`
          : `${orientedImages} image(s)${exact ? '' : ' of the sampled items'} carry an EXIF orientation: sizes and coordinates are those of the image as displayed (EXIF applied); loaders that ignore EXIF (PIL without ImageOps.exif_transpose) see them rotated${request.media === undefined ? '' : ' (--media-orientation apply turns the saved files upright)'}`,
      );
    }
    const encoding = description.imageEncoding;
    if (encoding === 'jpeg' && request.media !== undefined) {
      notes.push(
        `${format.title} needs JPEG images named .jpg: saved images in another encoding are transcoded to JPEG`,
      );
    }
    // What the format says of these options (e.g. which annotation is the class of an image).
    for (const note of description.notes ?? []) {
      notes.push(`${format.title}: ${note}`);
    }
    return {
      source: source.info,
      project: source.project,
      format: { id: format.id, title: format.title, options: session.options },
      output: session.output,
      items: exact ? items : (total ?? items),
      sampled: { items: read, of: exact ? read : total, exact },
      images,
      emptyImages,
      orientedImages,
      mediaKinds,
      annotations,
      annotationsByMedia,
      classOrigin: classes.origin,
      classes: planClasses(classes, classCounts),
      unknownClasses: [...unknown]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([code, count]) => ({ code, count })),
      statuses: valueCounts(statuses),
      tags: valueCounts(tags),
      treatments,
      losses: treatments.filter((t) => t.treatment.action !== 'keep'),
      withheld: [...withheld.values()].sort((a, b) => (a.kind < b.kind ? -1 : 1)),
      layout: description.layout(exact ? splits?.names() : split?.names.slice()),
      split,
      issues: issues.summary(),
      notes,
    };
  } finally {
    if (request.session === undefined) {
      session.close();
    }
  }
}

/** A tag as text: its name, else its id, else its JSON. */
function tagLabel(tag: JsonValue): string {
  if (typeof tag === 'string') {
    return tag;
  }
  if (typeof tag === 'number' || typeof tag === 'boolean') {
    return String(tag);
  }
  if (tag !== null && typeof tag === 'object' && !Array.isArray(tag)) {
    const name = tag['name'] ?? tag['title'];
    if (typeof name === 'string') {
      return name;
    }
    const id = tag['id'];
    if (typeof id === 'string' || typeof id === 'number') {
      return String(id);
    }
  }
  return JSON.stringify(tag);
}

function valueCounts(counts: ReadonlyMap<string, number>): PlanValueCount[] {
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([value, count]) => ({ value, count }));
}

/**
 * The split preview from a sample: items per split for the whole source — the sampled items'
 * hash splits scaled up (plain `--split`, ground-truth categories), or the shares of the total
 * where the split is decided over every item (`stratify`, `groupBy`). No per-class counts: they
 * need every item.
 */
function estimatedSplit(
  request: SplitRequest | undefined,
  source: Source,
  classOrder: readonly string[],
  items: readonly Item[],
  total: number | undefined,
  read: number,
): SplitSummary | undefined {
  const planner = splitStrategy(request, source, classOrder);
  if (planner === undefined) {
    return undefined;
  }
  const byShares = planner.mode === 'stratified' || request?.groupBy !== undefined;
  const whole = total ?? items.length;
  const sampled = new Map<string, number>();
  if (!byShares) {
    for (const item of items) {
      planner.observe(item); // ground-truth categories seen, for the split names
      const split = planner.splitOf(item);
      if (split !== undefined) {
        sampled.set(split, (sampled.get(split) ?? 0) + 1);
      }
    }
  }
  const base = planner.summary();
  if (base === undefined) {
    return undefined;
  }
  const ratios = base.ratios;
  const counts = base.names.map((name, j) => {
    const share = ratios?.[j];
    if (byShares) {
      return Math.round((share ?? 0) * whole);
    }
    const seen = sampled.get(name) ?? 0;
    // A split the sample missed gets its share rather than a false "empty".
    return seen === 0 && share !== undefined && share > 0
      ? Math.round(share * whole)
      : items.length === 0
        ? 0
        : Math.round((seen * whole) / items.length);
  });
  const fmt = (v: number): string => v.toLocaleString('en-US');
  const of =
    total === undefined ? `${fmt(read)} sampled items` : `${fmt(read)} of ${fmt(total)} items`;
  const notes = [...base.notes];
  if (planner.mode === 'stratified') {
    notes.push(
      `a stratified split is solved over every item: the counts shown are the shares of ${fmt(whole)} items; the split itself and its per-split class counts need every item (--full)`,
    );
  }
  if (request?.groupBy !== undefined) {
    notes.push(
      `--group-by keeps groups together, which moves the shares: the counts shown are the shares of ${fmt(whole)} items; the groups, the split and its per-split class counts need every item (--full)`,
    );
  }
  if (!byShares) {
    notes.push(
      `items per split are estimated from ${of}; exact per-split class counts need every item (--full)`,
    );
  }
  const { groups: _groups, ungrouped: _ungrouped, ...rest } = base;
  return {
    ...rest,
    items: counts,
    classes: [],
    maxDeviation: undefined,
    empty: base.names.filter((_, j) => counts[j] === 0),
    notes,
  };
}

function planClasses(classes: ClassMap, counts: ReadonlyMap<string, number>): PlanClass[] {
  return classes.entries.map((e) => ({
    index: e.index,
    ...(e.id === undefined ? {} : { id: e.id }),
    code: e.code,
    name: e.name,
    count: counts.get(e.code) ?? 0,
  }));
}
