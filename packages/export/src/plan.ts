import { setMaxListeners } from 'node:events';
import { IssueCollector, type ClassMap, type IssueSummary, type MediaKind } from '@synx/model';
import { parseFormatOptions, type AnnotationFeature, type KindTreatment } from '@synx/plugin-api';
import { featureOf, groupedIds } from './features.js';
import { defaultOutput, openSource, resolveClasses, type ExportRequest } from './run.js';
import { SplitPlanner, type SplitSummary } from './splits.js';
import { countImage, type ImageCounts } from './stats.js';
import { resolve } from 'node:path';

/** One line of "what the format does with what the source holds". */
export interface PlanTreatment {
  readonly feature: AnnotationFeature;
  readonly count: number;
  readonly treatment: KindTreatment;
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
  readonly source: Awaited<ReturnType<typeof openSource>>['info'];
  readonly project: Awaited<ReturnType<typeof openSource>>['project'];
  readonly format: { readonly id: string; readonly title: string; readonly options: unknown };
  readonly output: string;
  readonly items: number;
  readonly images: number;
  readonly emptyImages: number;
  readonly orientedImages: number;
  readonly mediaKinds: Partial<Record<MediaKind, number>>;
  /** Annotations per feature (kinds, rotated boxes, keypoints outside instances). */
  readonly annotations: Partial<Record<AnnotationFeature, number>>;
  readonly classOrigin: string;
  readonly classes: PlanClass[];
  /** Class codes found in the data that the class map does not hold, with counts. */
  readonly unknownClasses: { code: string; count: number }[];
  /** Every feature present, with what the format does with it. */
  readonly treatments: PlanTreatment[];
  /** Features the format converts lossily or drops (a subset of `treatments`). */
  readonly losses: PlanTreatment[];
  readonly layout: string[];
  /** How items would be split (per-split items and classes, empty splits); undefined if not split. */
  readonly split: SplitSummary | undefined;
  readonly issues: IssueSummary;
  readonly notes: string[];
}

/**
 * Reads the source once and reports what an export would do, writing nothing. Image headers are
 * read for folder sources (cheap, local) and skipped for the API (sizes are read during the
 * export).
 */
export async function planExport(request: ExportRequest): Promise<ExportPlan> {
  const format = request.format;
  const options = await parseFormatOptions(format, request.formatOptions ?? {});
  const description = format.describe(options);
  if (request.signal !== undefined) {
    // Every request in flight (items, header reads) listens to this one signal.
    setMaxListeners(1000, request.signal);
  }
  const source = await openSource(request);
  try {
    const { classes, isKnownClass } = resolveClasses(source, request.classMap);
    const splits = new SplitPlanner(
      request.split,
      source,
      classes.entries.map((e) => e.code),
    );
    const issues = new IssueCollector({ keep: 50 });
    for (const note of source.notes) {
      issues.report(note);
    }
    const annotations: Partial<Record<AnnotationFeature, number>> = {};
    const mediaKinds: Partial<Record<MediaKind, number>> = {};
    const classCounts = new Map<string, number>();
    const unknown = new Map<string, number>();
    let items = 0;
    const imageCounts: ImageCounts = {
      images: 0,
      emptyImages: 0,
      orientedImages: 0,
      unsizedImages: 0,
    };
    const readSizes = request.source.kind === 'folder';
    for await (const sourced of source.items({
      signal: request.signal,
      isKnownClass,
      sizes: readSizes,
    })) {
      for (const i of sourced.issues) {
        issues.report(i);
      }
      const item = sourced.item;
      if (item === undefined) {
        continue;
      }
      items++;
      splits.observe(item);
      for (const media of item.media) {
        mediaKinds[media.kind] = (mediaKinds[media.kind] ?? 0) + 1;
        if (media.kind === 'image') {
          countImage(imageCounts, media);
        }
        const grouped = groupedIds(media);
        for (const a of media.annotations) {
          const feature = featureOf(a, grouped);
          annotations[feature] = (annotations[feature] ?? 0) + 1;
          // Classes count objects: a group counts once, its members not again.
          if (
            a.classCode !== null &&
            !grouped.has(a.id) &&
            (a.kind === 'bbox' ||
              a.kind === 'polygon' ||
              a.kind === 'polyline' ||
              a.kind === 'mask' ||
              a.kind === 'group' ||
              a.kind === 'cuboid' ||
              a.kind === 'point-segmentation' ||
              a.kind === 'named-entity')
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
    const treatments: PlanTreatment[] = (
      Object.entries(annotations) as [AnnotationFeature, number][]
    )
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([feature, count]) => ({
        feature,
        count,
        treatment: description.kinds[feature] ?? {
          action: 'drop',
          reason: `${format.title} cannot hold ${feature} annotations`,
        },
      }));
    splits.seal();
    const split = splits.summary();
    const notes: string[] = [];
    if (!readSizes) {
      notes.push(
        'image sizes are read from the data unit meta or the image headers while exporting',
      );
    }
    const { images, emptyImages, orientedImages } = imageCounts;
    if (orientedImages > 0) {
      notes.push(
        `${orientedImages} image(s) carry an EXIF orientation: sizes and coordinates are those of the image as displayed (EXIF applied); loaders that ignore EXIF (PIL without ImageOps.exif_transpose) see them rotated`,
      );
    }
    return {
      source: source.info,
      project: source.project,
      format: { id: format.id, title: format.title, options },
      output: resolve(request.output ?? defaultOutput(source.name)),
      items,
      images,
      emptyImages,
      orientedImages,
      mediaKinds,
      annotations,
      classOrigin: classes.origin,
      classes: planClasses(classes, classCounts),
      unknownClasses: [...unknown]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([code, count]) => ({ code, count })),
      treatments,
      losses: treatments.filter((t) => t.treatment.action !== 'keep'),
      layout: description.layout(splits.names()),
      split,
      issues: issues.summary(),
      notes,
    };
  } finally {
    source.close();
  }
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
