import { join, posix, relative, sep } from 'node:path';
import type { Issue, Item, Media, RetryPolicy } from '@synx/model';
import type { ExportItem } from '@synx/plugin-api';
import type { NamedItem } from '@synx/plugin-host';
import type { ReportCollector, ReportMediaRef } from '@synx/report';
import { createLimiter, mapOrdered } from './concurrency.js';
import { fitToImage } from './fit.js';
import type { MediaSaver } from './media-saver.js';
import type { ExportRecorder } from './recorder.js';
import type { ExportProgress } from './request.js';
import type { ExportSession } from './session.js';
import type { SizeCache } from './size-cache.js';
import { sizeImages } from './sources/media.js';
import type { SplitStrategy } from './splits.js';
import { countImage } from './stats.js';
import type { TextReader } from './texts.js';

/** What the stages of one export share. */
export interface PipelineContext {
  readonly session: ExportSession;
  readonly splits: SplitStrategy | undefined;
  readonly recorder: ExportRecorder;
  readonly saver: MediaSaver | undefined;
  /** Sizes read over HTTP by an earlier run into this folder (API sources). */
  readonly sizeCache: SizeCache | undefined;
  readonly signal: AbortSignal;
  readonly retry: RetryPolicy;
  /** Image headers read over HTTP at once. */
  readonly concurrency: number;
  readonly progress: ((progress: ExportProgress) => void) | undefined;
  /** Counts and samples for `report.html`, fed every item handed to the writer. */
  readonly report?: ReportCollector | undefined;
  /** Reads text media for a format that declares `texts`. */
  readonly texts?: TextReader | undefined;
}

/** An item read, named and split, with the issues met so far, waiting for its image sizes. */
interface Prepared {
  readonly named: NamedItem | undefined;
  readonly issues: Issue[];
}

/**
 * The first pass, for splits that depend on every item (stratified, grouped, GT categories,
 * small datasets): decided before anything is written, so an empty split stops the export here.
 */
export async function observeAll(
  session: ExportSession,
  splits: SplitStrategy,
  signal: AbortSignal,
  progress: ((progress: ExportProgress) => void) | undefined,
): Promise<void> {
  const { source, isKnownClass } = session;
  let seen = 0;
  for await (const sourced of source.items({ signal, isKnownClass, sizes: false })) {
    if (sourced.item !== undefined) {
      splits.observe(sourced.item);
      seen++;
      if (progress !== undefined && seen % 1000 === 0) {
        progress({ phase: 'split', items: seen, total: source.itemCount, annotations: 0 });
      }
    }
  }
  splits.seal();
  splits.assertNoEmptySplit(seen);
}

/**
 * The items as the writer receives them, through three stages:
 * 1. in order: read, name, split ({@link ExportSession.namer});
 * 2. for remote media, `concurrency` at once (far more items in the window, so that a read
 *    waiting for its retry does not hold up the items behind it): image sizes not known yet —
 *    from the size cache; with `--save-original-files` from the saved file; from a complete copy
 *    already in the output folder (a rerun); else from the header (a range read);
 * 3. in order: report, count, fit geometry to its image, queue media, hand over.
 */
export function exportItems(p: PipelineContext): AsyncGenerator<ExportItem> {
  const remote = p.session.source.info.kind === 'synapse-api';
  const sized = remote
    ? mapOrdered(prepared(p), Math.max(256, p.concurrency * 4), sizer(p), p.signal)
    : prepared(p);
  const texts = p.texts;
  const ready =
    texts === undefined ? sized : mapOrdered(sized, remote ? 8 : 1, withTexts(texts), p.signal);
  return handed(p, ready);
}

/** Stage 2b, for a format that declares `texts`: the content of each text media. */
function withTexts(reader: TextReader): (prepared: Prepared) => Promise<Prepared> {
  return async (prep) => {
    const named = prep.named;
    if (named === undefined) {
      return prep;
    }
    const exportItem = await reader.read(named.exportItem, prep.issues);
    return { named: { ...named, exportItem }, issues: prep.issues };
  };
}

async function* prepared(p: PipelineContext): AsyncGenerator<Prepared> {
  const { source, isKnownClass } = p.session;
  const splits = p.splits;
  const namer = p.session.namer(
    splits === undefined
      ? undefined
      : (item) => {
          const split = splits.splitOf(item);
          splits.record(item, split);
          return split;
        },
  );
  for await (const sourced of source.items({ signal: p.signal, isKnownClass })) {
    const item = sourced.item;
    yield { named: item === undefined ? undefined : namer.name(item), issues: [...sourced.issues] };
  }
}

function sizer(p: PipelineContext): (prepared: Prepared) => Promise<Prepared> {
  const { source, description, output } = p.session;
  const mediaDir = description.mediaDir?.bind(description);
  const headerRequests = createLimiter(p.concurrency);
  return async (prep) => {
    const e = prep.named?.exportItem;
    if (e === undefined) {
      return prep;
    }
    const item = e.item;
    for (const image of e.images) {
      p.sizeCache?.apply(image.media);
    }
    if (!e.images.some((i) => i.media.width === undefined)) {
      return prep;
    }
    await p.saver?.saveFirst(e);
    const dir = mediaDir?.(e.split, e);
    await sizeImages(item.media, item.id, prep.issues, {
      signal: p.signal,
      retry: p.retry,
      limit: headerRequests,
      ...(source.refreshFile === undefined
        ? {}
        : {
            refresh: async (m: Media) =>
              (await source.refreshFile?.(item, m, p.signal))?.url ?? undefined,
          }),
      ...(dir === undefined
        ? {}
        : {
            onDisk: (m: Media) => {
              const image = e.images.find((i) => i.media === m);
              return image === undefined ? undefined : join(output, dir, image.fileName);
            },
          }),
    });
    return prep;
  };
}

async function* handed(
  p: PipelineContext,
  ready: AsyncIterable<Prepared>,
): AsyncGenerator<ExportItem> {
  const { recorder, session } = p;
  const stats = recorder.stats;
  // The format re-encodes geometry unless it writes each item's source data verbatim.
  const fitsGeometry = session.description.verbatim !== true;
  const report = (issue: Issue): void => {
    recorder.report(issue);
  };
  let lastProgress = 0;
  for await (const prep of ready) {
    for (const issue of prep.issues) {
      recorder.report(issue);
    }
    if (prep.named === undefined) {
      continue;
    }
    const { exportItem: e, withheld } = prep.named;
    const item: Item = e.item;
    stats.counts.items++;
    for (const m of item.media) {
      const out = withheld.find((w) => w.media === m);
      recorder.annotationsIn += m.annotations.length;
      for (const annotation of m.annotations) {
        stats.in(annotation.kind);
        if (out !== undefined) {
          recorder.record({ item, media: m, annotation, outcome: 'dropped', reason: out.reason });
        }
      }
      if (m.kind !== 'image') {
        continue;
      }
      if (fitsGeometry && out === undefined) {
        for (const u of fitToImage(m, item.id, report)) {
          recorder.record({
            item,
            media: m,
            annotation: u.annotation,
            outcome: 'dropped',
            reason: u.reason,
            code: u.code,
            field: u.field,
          });
        }
      }
      countImage(stats.counts, m);
      p.sizeCache?.record(m);
    }
    recorder.countClasses(item, withheld);
    p.report?.add(item, e.split, reportMedia(p, e));
    await p.saver?.queue(e);
    const now = Date.now();
    // Every 100 ms, and every 100 items (a log line "at least every 500 items" stays true).
    if (p.progress !== undefined && (now - lastProgress > 100 || stats.counts.items % 100 === 0)) {
      lastProgress = now;
      p.progress({
        phase: 'write',
        items: stats.counts.items,
        total: session.source.itemCount,
        annotations: recorder.annotationsIn,
      });
    }
    yield e;
  }
}

/**
 * The images of an item for the report's gallery: the saved original (with
 * `--save-original-files`), else a folder source's own file, by a path relative to the output
 * folder; nothing for API images that were not saved. The path is worked out only when read: the
 * collector reads it for the few items it keeps as samples, not for every item.
 */
function reportMedia(p: PipelineContext, e: ExportItem): ReportMediaRef[] {
  const { description, output } = p.session;
  const dir = p.saver === undefined ? undefined : description.mediaDir?.(e.split, e);
  return e.images.map((image) => ({
    media: image.media,
    get file(): string | undefined {
      if (dir !== undefined) {
        return posix.join(dir.split(sep).join('/'), image.fileName);
      }
      const path = image.media.file?.path;
      return path === undefined ? undefined : relative(output, path).split(sep).join('/');
    },
  }));
}
