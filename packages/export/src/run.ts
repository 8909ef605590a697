import { setMaxListeners } from 'node:events';
import { mkdir, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  dmFieldOf,
  fileSystemError,
  INSTANCE_TOOLS,
  IssueCollector,
  isFileSystemError,
  isSynxError,
  redactText,
  retryPolicy,
  SynxError,
  type ClassMap,
  type Annotation,
  type Issue,
  type Item,
  type JsonValue,
  type Media,
  type MediaKind,
  type RetryPolicy,
} from '@synx/model';
import { parseFormatOptions } from '@synx/plugin-host';
import {
  GEOMETRY_INVALID,
  messageText,
  PLUGIN_API_VERSION,
  REPORTED_AT_SOURCE,
  TextFileWriter,
  type ExportImage,
  type ExportItem,
  type AnyFormat,
  type FormatContext,
  type FormatDescription,
  type Logger,
  type OutputFile,
} from '@synx/plugin-api';
import { splitStem } from '@synx/synapse-folder';
import { ISSUES_FILE, MANIFEST_FILE, writeManifest, type ExportManifest } from './manifest.js';
import { NameAllocator } from './names.js';
import type { ApiSourceOptions } from './sources/api.js';
import { openFolderSource } from './sources/folder.js';
import type { Source } from './sources/source.js';
import type { MediaDownloader } from '@synx/media-downloader';
import {
  allMissing,
  mediaJob,
  mediaSummary,
  type MediaRequest,
  type MediaSummary,
  type MissingMedia,
} from './media.js';
import { createLimiter, mapOrdered } from './concurrency.js';
import { fitToImage } from './fit.js';
import { resolveTreatments } from './treatments.js';
import { removeTree } from './remove-tree.js';
import { SizeCache } from './size-cache.js';
import { sizeImages } from './sources/media.js';
import { SplitPlanner, type SplitRequest, type SplitSummary } from './splits.js';
import { countImage, ExportStats, type ExportCounts, type OutcomeGroup } from './stats.js';

/** Where to read from. */
export type SourceRequest =
  | ({ readonly kind: 'api' } & Omit<ApiSourceOptions, 'signal' | 'logger' | 'retry'>)
  | { readonly kind: 'folder'; readonly dir: string };

/** Everything `runExport` and `planExport` need. */
export interface ExportRequest {
  readonly source: SourceRequest;
  /** The format, already resolved (e.g. from a `FormatRegistry`). */
  readonly format: AnyFormat;
  /** The package that provides the format, for the manifest. */
  readonly formatPackage?: { readonly name: string; readonly version: string } | undefined;
  /** Raw format options (validated with the format's schema). */
  readonly formatOptions?: Readonly<Record<string, unknown>> | undefined;
  /** Output folder; created if missing. Default `./synapse_export_<project or folder name>`. */
  readonly output?: string | undefined;
  /** A user class map: fixes class ids instead of the project configuration. */
  readonly classMap?: ClassMap | undefined;
  /** Train/val/test split (`--split`, `--seed`, `--stratify`, `--group-by`). */
  readonly split?: SplitRequest | undefined;
  /** Save the original media beside the labels (`--save-original-files`). */
  readonly media?: MediaRequest | undefined;
  /** Any error issue aborts the export (`SYNX_STRICT`). */
  readonly strict?: boolean | undefined;
  /** Write into a non-empty folder that is not a synx export. */
  readonly force?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly logger?: Logger | undefined;
  readonly onProgress?: ((progress: ExportProgress) => void) | undefined;
  /** Image headers read over HTTP at once (API sources). Default 64. */
  readonly concurrency?: number | undefined;
  /**
   * The retry policy of every request the export makes — list pages, single objects, image
   * headers and media downloads (defaults: `DEFAULT_RETRY_POLICY`).
   */
  readonly retry?: Partial<RetryPolicy> | undefined;
  /** synx's version, recorded in the manifest. */
  readonly synxVersion?: string | undefined;
  /**
   * The source already opened for a plan of the same request ({@link openExportSession}): the
   * run reads from it instead of opening it again (no second project request, list page 1 or
   * folder listing). The run consumes and closes it.
   */
  readonly session?: ExportSession | undefined;
}

/**
 * A source opened once, for a `planExport` and the `runExport` that follows it (a flags run's
 * pre-flight, then the run). The plan leaves it open; the run closes it; `close()` it when no run
 * follows.
 */
export interface ExportSession {
  /** The opened source (read by the plan and the run; not for other callers). */
  readonly source: Source;
  close(): void;
}

/** Opens the request's source for a plan and a run ({@link ExportSession}). */
export async function openExportSession(
  request: Pick<ExportRequest, 'source' | 'signal' | 'logger' | 'classMap' | 'retry'>,
): Promise<ExportSession> {
  const source = await openSource(request);
  return {
    source,
    close: () => {
      source.close();
    },
  };
}

/** Progress events (the CLI renders them; libraries never print). */
export interface ExportProgress {
  readonly phase: 'open' | 'split' | 'read' | 'write' | 'finish';
  /** Items read so far (in the `split` phase: items looked at). */
  readonly items: number;
  /** Items the source holds, when it says (a folder, an API list's count). */
  readonly total: number | undefined;
  /** Source annotations handed to the format so far (0 before the `write` phase). */
  readonly annotations: number;
}

/** What `runExport` returns. */
export interface ExportSummary {
  readonly output: string;
  readonly manifestPath: string;
  readonly format: string;
  /**
   * `complete` when every annotation was written, converted or dropped by a documented rule;
   * `incomplete` when an error issue says something did not reach the output (an item, an
   * annotation, an image size, a media file) — the CLI exits 10.
   */
  readonly status: 'complete' | 'incomplete';
  readonly source: ExportManifest['source'];
  readonly project: ExportManifest['project'];
  /** The class map, each class with the annotations of it that reached the output. */
  readonly classes: ExportManifest['classes'];
  readonly counts: ExportCounts;
  readonly converted: OutcomeGroup[];
  readonly dropped: OutcomeGroup[];
  readonly issues: ExportManifest['issues'];
  /** The first issues (up to 20), for display. */
  readonly firstIssues: Issue[];
  readonly files: number;
  /**
   * What the writer says it wrote, file by file (or folder by folder) with counts; empty when
   * the format does not say.
   */
  readonly outputs: readonly OutputFile[];
  /** How the format's usual consumer loads the result (the format's `loadHint`), if it says. */
  readonly loadHint: string | undefined;
  /** How the items were split; undefined when not split. */
  readonly split: SplitSummary | undefined;
  /** What `--save-original-files` did; undefined without it. */
  readonly media: MediaSummary | undefined;
  readonly durationMs: number;
}

const noopLogger: Logger = { debug: () => undefined };

/** `synapse_export_<name>` with the name made safe for a folder (non-ASCII letters kept). */
export function defaultOutput(name: string): string {
  const safe =
    name
      .normalize('NFC')
      .replace(/[^\p{L}\p{N}._-]+/gu, '_')
      .replace(/^[._]+|_+$/g, '') || 'synapse';
  return `synapse_export_${safe}`;
}

/** Opens the requested source. */
export async function openSource(
  request: Pick<ExportRequest, 'source' | 'signal' | 'logger' | 'classMap' | 'retry'>,
): Promise<Source> {
  const { source } = request;
  if (source.kind === 'folder') {
    return openFolderSource({
      dir: source.dir,
      signal: request.signal,
      classMapGiven: request.classMap !== undefined,
    });
  }
  const { kind: _kind, ...api } = source;
  // The API source (and the HTTP client with it) is loaded only when it is used.
  const { openApiSource } = await import('./sources/api.js');
  return openApiSource({
    ...api,
    signal: request.signal,
    logger: request.logger,
    retry: retryPolicy(request.retry),
  });
}

/** The object classes a format numbers, and the check applied to classes found in the data. */
export function resolveClasses(
  source: Source,
  classMap: ClassMap | undefined,
): {
  classes: ClassMap;
  isKnownClass: ((code: string, tool: string) => boolean) | undefined;
} {
  if (classMap !== undefined) {
    const project = source.classes.origin === 'project' ? source.classes : undefined;
    return {
      classes: classMap,
      isKnownClass: (code, tool) =>
        INSTANCE_TOOLS.includes(tool)
          ? classMap.has(code)
          : project === undefined || project.has(code),
    };
  }
  return {
    classes: source.classes.objectClasses(),
    isKnownClass:
      source.classes.origin === 'project' ? (code) => source.classes.has(code) : undefined,
  };
}

function mediaKindsOf(description: FormatDescription): ReadonlySet<MediaKind> | 'all' {
  const kinds = description.mediaKinds ?? ['image'];
  return kinds.includes('*') ? 'all' : new Set(kinds.filter((k): k is MediaKind => k !== '*'));
}

async function prepareOutput(
  dir: string,
  description: FormatDescription,
  force: boolean,
): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SynxError('SYNX_IO', `cannot read ${dir}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  if (entries.length > 0 && !entries.includes(MANIFEST_FILE) && !force) {
    throw new SynxError('SYNX_INVALID_INPUT', `${dir} is not empty and holds no synx export`, {
      hint: 'choose another --output, or pass --force to write into it anyway',
    });
  }
  await mkdir(dir, { recursive: true });
  for (const owned of [...description.owns, ISSUES_FILE]) {
    const target = resolve(dir, owned);
    const rel = relative(dir, target);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new SynxError(
        'SYNX_PLUGIN_INVALID',
        `the format claims "${owned}", which is outside the output folder`,
      );
    }
    await removeTree(target);
  }
}

/** Image file name for an image media: the original name, or the item stem plus an extension. */
function preferredImageName(
  item: ExportItem['item'],
  media: ExportImage['media'],
  multi: boolean,
): string {
  if (media.file?.name !== undefined && media.file.name !== '') {
    return media.file.name;
  }
  const metaExt = item.dataUnit?.meta['origin_file_extension'];
  const ext = typeof metaExt === 'string' && metaExt.startsWith('.') ? metaExt : '.jpg';
  return `${item.stem}${multi ? `_${media.id}` : ''}${ext}`;
}

/**
 * Runs an export: reads the source item by item, converts, names and hands items to the format's
 * writer, and writes `synx-export.json` (and `synx-issues.jsonl` when there are issues). Memory
 * stays flat: no stage holds the dataset. On failure the manifest records `status: "failed"`
 * and the error; what was written stays, and a rerun into the same folder replaces it.
 *
 * @throws SynxError — `SYNX_STRICT` when `strict` and an error issue is met, source errors
 * (`SYNX_NOT_FOUND`, `SYNX_AUTH`, …), `SYNX_INVALID_INPUT` for options or a non-empty folder.
 */
export async function runExport(request: ExportRequest): Promise<ExportSummary> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const timings: Record<string, number> = {};
  const logger = request.logger ?? noopLogger;
  const signal = request.signal ?? new AbortController().signal;
  // Every request in flight (items, header reads, downloads) listens to this one signal.
  setMaxListeners(1000, signal);
  const policy = retryPolicy(request.retry);
  const format = request.format;
  const progress = request.onProgress;
  progress?.({ phase: 'open', items: 0, total: undefined, annotations: 0 });

  const options: unknown = await parseFormatOptions(format, request.formatOptions ?? {});
  const description = format.describe(options);
  if (typeof format.write !== 'function') {
    throw new SynxError('SYNX_NOT_SUPPORTED', `format ${format.id} cannot write`);
  }
  const mediaDir = description.mediaDir?.bind(description);
  if (request.media !== undefined && mediaDir === undefined) {
    throw new SynxError(
      'SYNX_NOT_SUPPORTED',
      `format ${format.id} has no folder for media: --save-original-files cannot be used with it`,
    );
  }
  let t = Date.now();
  const source = request.session?.source ?? (await openSource(request));
  timings['open'] = Date.now() - t;
  const output = resolve(request.output ?? defaultOutput(source.name));
  const { classes, isKnownClass } = resolveClasses(source, request.classMap);
  const splits = new SplitPlanner(
    request.split,
    source,
    classes.entries.map((e) => e.code),
  );
  if (splits.needsPass()) {
    // Splits that depend on every item (stratified, grouped, GT categories, small datasets)
    // are decided before anything is written, so an empty split stops the export here.
    t = Date.now();
    let seen = 0;
    try {
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
    } catch (err) {
      source.close();
      throw err;
    }
    timings['split'] = Date.now() - t;
  }
  try {
    await prepareOutput(output, description, request.force === true);
  } catch (err) {
    source.close();
    throw isFileSystemError(err) ? fileSystemError(err, 'prepare', output) : err;
  }

  // Original media: downloaded (or copied/linked from a folder) while the labels are written.
  const media = request.media;
  const localMode = media?.mode ?? 'copy';
  // The downloader is loaded only when media are saved: a labels-only export starts faster.
  const downloader: MediaDownloader | undefined =
    media === undefined
      ? undefined
      : new (await import('@synx/media-downloader')).MediaDownloader({
          ...media.downloader,
          retry: policy,
          root: output,
          signal,
          ...(media.onEvent === undefined ? {} : { onEvent: media.onEvent }),
        });
  const missingMedia: MissingMedia[] = [];
  let mediaResult: MediaSummary | undefined;
  let files = 0;
  let outputs: OutputFile[] = [];
  /** Annotations of each class that reached the output (written or converted), groups aside. */
  const perClass = new Map<string, number>();
  /** Source annotations handed to the writer so far, for progress. */
  let annotationsIn = 0;
  const manifestOf = (
    status: ExportManifest['status'],
    failure: unknown,
    finished: number,
  ): ExportManifest => {
    const groups = stats.groups();
    return {
      synx: { version: request.synxVersion ?? '0.0.0', manifestVersion: 1 },
      status,
      ...(failure === undefined
        ? {}
        : {
            error: {
              code: isSynxError(failure) ? failure.code : 'SYNX_INTERNAL',
              message: redactText((failure as Error).message),
            },
          }),
      source: source.info,
      project: source.project,
      format: {
        id: format.id,
        title: format.title,
        ...(request.formatPackage === undefined
          ? {}
          : { package: request.formatPackage.name, version: request.formatPackage.version }),
        options: JSON.parse(JSON.stringify(options ?? {})) as Record<string, JsonValue>,
        treatments: JSON.parse(JSON.stringify(resolveTreatments(format, description))) as Record<
          string,
          JsonValue
        >,
      },
      classes: {
        origin: classes.origin,
        entries: classes.entries.map((e) => ({
          index: e.index,
          ...(e.id === undefined ? {} : { id: e.id }),
          code: e.code,
          name: e.name,
          annotations: perClass.get(e.code) ?? 0,
        })),
      },
      keypointNames: [...source.keypointNames],
      split: splits.summary() ?? null,
      media: mediaResult ?? null,
      counts: stats.snapshot(),
      converted: groups.filter((g) => g.outcome === 'converted'),
      dropped: groups.filter((g) => g.outcome === 'dropped'),
      issues: { ...issues.summary(), ...(issues.total > 0 ? { file: ISSUES_FILE } : {}) },
      files,
      outputs,
      run: {
        startedAt,
        finishedAt: new Date(finished).toISOString(),
        durationMs: finished - started,
        timingsMs: timings,
      },
    };
  };

  // synx-issues.jsonl: streamed as issues come, under its final name only once the run ends.
  let issuesFile: TextFileWriter | undefined;
  let issuesFileFailure: unknown;
  const issues = new IssueCollector({
    keep: 1000,
    sink: (issue) => {
      if (issuesFileFailure !== undefined) {
        return;
      }
      try {
        issuesFile ??= TextFileWriter.openSync(join(output, ISSUES_FILE));
        issuesFile.append(`${JSON.stringify(issue)}\n`);
      } catch (err) {
        issuesFileFailure = err;
      }
    },
  });
  const report = (issue: Issue): void => {
    issues.report(issue);
    if (request.strict === true && issue.severity === 'error') {
      throw new SynxError(
        'SYNX_STRICT',
        `--strict: ${issue.message}${issue.itemId === undefined ? '' : ` (item ${issue.itemId})`}`,
        {
          details: { issue },
        },
      );
    }
  };
  for (const note of source.notes) {
    report(note);
  }

  const stats = new ExportStats();
  /**
   * A writer's issue about the item being written, with the field it did not name: the DM
   * field of the annotation, else the media's file — every issue names item and field.
   */
  const withField = (issue: Issue): Issue => {
    const e = current;
    if (
      issue.field !== undefined ||
      issue.mediaId === undefined ||
      e === undefined ||
      e.item.id !== issue.itemId
    ) {
      return issue;
    }
    const m = e.item.media.find((x) => x.id === issue.mediaId);
    if (m === undefined) {
      return issue;
    }
    const a =
      issue.annotationId === undefined
        ? undefined
        : m.annotations.find((x) => x.id === issue.annotationId);
    return { ...issue, field: a === undefined ? (m.file?.name ?? m.id) : dmFieldOf(m.id, a) };
  };
  /** One annotation's fate, as the pipeline records it (the format's, or the pipeline's own). */
  interface Outcome {
    readonly item: Item;
    readonly media?: Media | undefined;
    readonly annotation: Annotation;
    readonly outcome: 'written' | 'converted' | 'dropped';
    readonly reason?: string | undefined;
    readonly code?: string | undefined;
    /** Counted, not warned about again (the source reported it already). */
    readonly quiet?: boolean | undefined;
    readonly field?: string | undefined;
  }
  const record = (o: Outcome): void => {
    stats.outcome(o.annotation.kind, o.outcome, o.reason, o.item.id);
    const code = o.annotation.classCode;
    if (o.outcome !== 'dropped' && code !== null && o.annotation.kind !== 'group') {
      perClass.set(code, (perClass.get(code) ?? 0) + 1);
    }
    if (o.outcome === 'dropped' && o.quiet !== true) {
      report({
        code: o.code ?? 'SYNX_FORMAT_DROPPED',
        severity: 'warning',
        message: `${o.annotation.kind} ${o.annotation.id} dropped: ${o.reason ?? 'not supported'}`,
        itemId: o.item.id,
        ...(o.media === undefined ? {} : { mediaId: o.media.id }),
        annotationId: o.annotation.id,
        ...(o.field !== undefined
          ? { field: o.field }
          : o.media === undefined
            ? {}
            : { field: dmFieldOf(o.media.id, o.annotation) }),
        action: 'dropped',
      });
    }
  };
  const messages = format.messages;
  const ctx: FormatContext = {
    apiVersion: PLUGIN_API_VERSION,
    signal,
    log: logger,
    report: (issue) => {
      report(withField(issue));
    },
    account: (o) => {
      if (o.outcome === 'written') {
        record(o);
        return;
      }
      record({
        item: o.item,
        media: o.media,
        annotation: o.annotation,
        outcome: o.outcome,
        reason: messageText(messages, o.messageId, o.data),
        code: o.messageId === 'invalidGeometry' ? GEOMETRY_INVALID : undefined,
        quiet: REPORTED_AT_SOURCE.has(o.messageId),
        field: o.field,
      });
    },
  };
  const kinds = mediaKindsOf(description);
  const kindList = kinds === 'all' ? 'all' : [...kinds].join(', ');
  const imageNames = new NameAllocator();
  const itemStems = new NameAllocator();
  // The format re-encodes geometry unless it writes each item's source data verbatim.
  const fitsGeometry = description.verbatim !== true;
  let lastProgress = 0;

  /** An item named and split, with the issues met so far, waiting for its image sizes. */
  interface Prepared {
    readonly item: Item | undefined;
    readonly issues: Issue[];
    readonly images: ExportImage[];
    readonly stem: string;
    readonly split: string | undefined;
  }

  // Stage 1, in order: read, name, split.
  async function* prepared(): AsyncGenerator<Prepared> {
    for await (const sourced of source.items({ signal, isKnownClass })) {
      const item = sourced.item;
      if (item === undefined) {
        yield { item, issues: [...sourced.issues], images: [], stem: '', split: undefined };
        continue;
      }
      const images: ExportImage[] = [];
      const imageMedia = item.media.filter((m) => m.kind === 'image');
      for (const m of imageMedia) {
        const fileName = imageNames.allocate(
          preferredImageName(item, m, imageMedia.length > 1),
          `${item.id}${imageMedia.length > 1 ? `_${m.id}` : ''}`,
        );
        images.push({ media: m, fileName, stem: splitStem(fileName).stem });
      }
      const stem = itemStems.allocate(item.stem, item.id);
      const split = splits.splitOf(item);
      splits.record(item, split);
      yield { item, issues: [...sourced.issues], images, stem, split };
    }
  }

  // `concurrency` header requests at once (default 64); far more items in the window, so that a
  // read waiting for its retry (a 503, a Retry-After) does not hold up the items behind it.
  const remote = source.info.kind === 'synapse-api';
  const concurrency = Math.max(1, request.concurrency ?? 64);
  const headerRequests = createLimiter(concurrency);
  // Sizes read over HTTP by an earlier run into this folder: a rerun asks for none of them again.
  const sizeCache = remote ? await SizeCache.load(output) : undefined;
  /** The download (or copy) of one image of an item into its split's media folder. */
  const jobOf = (item: Item, image: ExportImage, dir: string): ReturnType<typeof mediaJob> =>
    mediaJob(source, item, image.media, join(output, dir, image.fileName), localMode, signal);
  /** Images whose file stage 2 already saved (their size was read from the saved bytes). */
  const savedEarly = new Set<Media>();
  // Stage 2, for remote media: image sizes not known yet — from the size cache; with
  // --save-original-files from the downloaded file (one request per image, not two); from a
  // complete copy already in the output folder (a rerun); else from the header (a range read).
  const sizeOf = async (p: Prepared): Promise<Prepared> => {
    const item = p.item;
    if (item === undefined) {
      return p;
    }
    for (const image of p.images) {
      sizeCache?.apply(image.media);
    }
    if (!p.images.some((i) => i.media.width === undefined)) {
      return p;
    }
    const dir = mediaDir?.(p.split);
    if (downloader !== undefined && dir !== undefined) {
      for (const image of p.images) {
        if (image.media.width !== undefined) {
          continue;
        }
        const job = jobOf(item, image, dir);
        if (!('missing' in job)) {
          savedEarly.add(image.media);
          // A failed download is reported with the media; the size then comes from the header.
          await downloader.fetch(job);
        }
      }
    }
    await sizeImages(item.media, item.id, p.issues, {
      signal,
      retry: policy,
      limit: headerRequests,
      ...(source.refreshFile === undefined
        ? {}
        : {
            refresh: async (m: Media) =>
              (await source.refreshFile?.(item, m, signal))?.url ?? undefined,
          }),
      ...(dir === undefined
        ? {}
        : {
            onDisk: (m: Media) => {
              const image = p.images.find((i) => i.media === m);
              return image === undefined ? undefined : join(output, dir, image.fileName);
            },
          }),
    });
    return p;
  };
  const ready = remote
    ? mapOrdered(prepared(), Math.max(256, concurrency * 4), sizeOf, signal)
    : prepared();

  /** The item the writer is on: named in a plugin's failure. */
  let current: ExportItem | undefined;
  /** `item <id>`, with its output stem when that differs. */
  const named = (e: ExportItem): string =>
    `item ${e.item.id}${e.stem === e.item.id ? '' : ` (${e.stem})`}`;
  const handed = { items: 0, all: false };

  // Stage 3, in order: report, count, fit geometry to its image, queue media, hand over.
  async function* exportItems(): AsyncGenerator<ExportItem> {
    for await (const p of ready) {
      for (const issue of p.issues) {
        report(issue);
      }
      const item = p.item;
      if (item === undefined) {
        continue;
      }
      stats.counts.items++;
      for (const m of item.media) {
        const passes = kinds === 'all' || kinds.has(m.kind);
        annotationsIn += m.annotations.length;
        for (const a of m.annotations) {
          stats.in(a.kind);
          if (!passes) {
            record({
              item,
              media: m,
              annotation: a,
              outcome: 'dropped',
              reason: `${format.title} holds ${kindList} media only, not ${m.kind}`,
            });
          }
        }
        if (m.kind !== 'image') {
          continue;
        }
        if (passes && fitsGeometry) {
          for (const u of fitToImage(m, item.id, report)) {
            record({
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
        sizeCache?.record(m);
      }
      if (downloader !== undefined && mediaDir !== undefined) {
        const dir = mediaDir(p.split);
        for (const image of p.images) {
          if (savedEarly.delete(image.media)) {
            continue;
          }
          const job = jobOf(item, image, dir);
          if ('missing' in job) {
            missingMedia.push({
              itemId: item.id,
              mediaId: image.media.id,
              file: join(dir, image.fileName),
              code: 'no-source',
              reason: job.missing,
              attempts: 0,
            });
          } else {
            // Waits while the download queue is full: labels never run far ahead of media.
            await downloader.add(job);
          }
        }
      }
      const now = Date.now();
      // Every 100 ms, and every 100 items (a log line "at least every 500 items" stays true).
      if (progress !== undefined && (now - lastProgress > 100 || stats.counts.items % 100 === 0)) {
        lastProgress = now;
        progress({
          phase: 'write',
          items: stats.counts.items,
          total: source.itemCount,
          annotations: annotationsIn,
        });
      }
      current = { item, split: p.split, images: p.images, stem: p.stem };
      handed.items++;
      yield current;
    }
    handed.all = true;
  }

  // Marks the folder as a synx export from the start: a run that is killed can be rerun into it
  // (finished files are skipped, partial downloads resumed).
  try {
    await writeManifest(output, manifestOf('running', undefined, Date.now()));
  } catch (err) {
    source.close();
    throw fileSystemError(err, 'write', join(output, MANIFEST_FILE));
  }
  let failure: unknown;
  t = Date.now();
  const items = exportItems();
  /** Errors raised by synx's own stages keep their identity through the writer. */
  let stageError: unknown;
  /** The writer closed the items (a `break` out of its loop) before their end. */
  const reading = { closed: false };
  const guarded: AsyncIterable<ExportItem> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        try {
          return await items.next();
        } catch (err) {
          stageError = err;
          throw err;
        }
      },
      return: async () => {
        reading.closed = true;
        return items.return(undefined);
      },
    }),
  };
  const plugin = request.formatPackage;
  const formatName = `format "${format.id}"${plugin === undefined ? '' : ` (plugin ${plugin.name} ${plugin.version})`}`;
  const stalled = whenStalled();
  try {
    const result = await Promise.race([
      format.write(
        {
          ...(source.project?.title === undefined ? {} : { title: source.project.title }),
          classes,
          keypointNames: source.keypointNames,
          items: guarded,
          splits: splits.names(),
        },
        { dir: output },
        options,
        ctx,
      ),
      stalled.promise,
    ]);
    // A writer may stop after the last item without asking for the end: ask once more. Only
    // an item it never took is a failure.
    if (!handed.all && (reading.closed || (await items.next()).done !== true)) {
      await items.return(undefined);
      throw new SynxError(
        'SYNX_PLUGIN_FAILED',
        `${formatName} stopped reading after ${handed.items} item(s)${current === undefined ? '' : ` (last: ${named(current)})`}; the rest were not written`,
        { hint: 'the format has a bug: report it to its author', details: pluginDetails() },
      );
    }
    files = result.files;
    outputs = checkedOutputs(result.outputs, formatName, report);
    for (const { kind, missing } of stats.unaccounted()) {
      report({
        code: 'SYNX_FORMAT_ACCOUNTING',
        severity: 'error',
        message: `${formatName} did not account for ${missing} ${kind} annotation(s); they may be missing from the output`,
      });
    }
  } catch (err) {
    failure = explainFailure(err);
  } finally {
    stalled.stop();
    source.close();
  }

  function pluginDetails(): Record<string, string> {
    return {
      format: format.id,
      ...(plugin === undefined ? {} : { plugin: plugin.name, pluginVersion: plugin.version }),
      ...(current === undefined ? {} : { itemId: current.item.id, item: current.stem }),
    };
  }

  /** A failure as the user should see it: a file-system error, ours, or the format's. */
  function explainFailure(err: unknown): unknown {
    if (err === stageError) {
      return isSynxError(err) || !isFileSystemError(err) ? err : fileSystemError(err);
    }
    if (isSynxError(err)) {
      return err.code === 'SYNX_IO' ? fileSystemError(err) : err;
    }
    if (isFileSystemError(err)) {
      return fileSystemError(err, 'write into', output);
    }
    const at = current === undefined ? '' : ` while writing ${named(current)}`;
    return new SynxError(
      'SYNX_PLUGIN_FAILED',
      `${formatName} failed${at}: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
        hint: 'the format has a bug: report it to its author',
        details: pluginDetails(),
      },
    );
  }

  /**
   * Settles with a SYNX_PLUGIN_FAILED error when the event loop runs dry while the writer is
   * still pending: a `write()` that waits on nothing would otherwise end the process silently.
   */
  function whenStalled(): { promise: Promise<never>; stop: () => void } {
    let fire: (err: unknown) => void = () => undefined;
    const promise = new Promise<never>((_, reject) => {
      fire = reject;
    });
    const onIdle = (): void => {
      fire(
        new SynxError(
          'SYNX_PLUGIN_FAILED',
          `${formatName} stopped without finishing: its write() never settled${current === undefined ? '' : ` (last item given: ${named(current).slice(5)})`}`,
          { hint: 'the format has a bug: report it to its author', details: pluginDetails() },
        ),
      );
    };
    process.once('beforeExit', onIdle);
    return {
      promise,
      stop: () => {
        process.off('beforeExit', onIdle);
      },
    };
  }
  if (downloader !== undefined) {
    // Files in flight are finished (or left as .partial when aborted) so a rerun resumes them.
    const tm = Date.now();
    try {
      const done = await downloader.finish();
      const all = allMissing(missingMedia, done, (dest) => relative(output, dest));
      mediaResult = mediaSummary(
        request.source.kind === 'folder' ? localMode : 'download',
        done,
        all,
      );
      for (const f of all) {
        report({
          code: 'SYNX_MEDIA_MISSING',
          severity: 'error',
          message: `${f.file}: not saved (${f.reason}); its labels were written — rerun to fetch it`,
          itemId: f.itemId,
          ...(f.mediaId === '' ? {} : { mediaId: f.mediaId }),
          field: f.file,
        });
      }
    } catch (err) {
      failure ??= isFileSystemError(err) ? fileSystemError(err) : err;
    }
    timings['media'] = Date.now() - tm;
  }
  timings['readAndWrite'] = Date.now() - t;
  const splitSummary = splits.summary();
  if (failure === undefined && splitSummary !== undefined && splitSummary.empty.length > 0) {
    report({
      code: 'SYNX_SPLIT_EMPTY',
      severity: 'warning',
      message: `split ${splitSummary.empty.join(', ')} received no item: a trainer fails on an empty split`,
    });
  }
  try {
    await sizeCache?.close();
  } catch {
    // the cache only saves requests next time; a run does not fail for it
  }
  if (issuesFile !== undefined) {
    try {
      await issuesFile.close();
    } catch (err) {
      issuesFileFailure ??= err;
    }
  }
  if (issuesFileFailure !== undefined) {
    failure ??= fileSystemError(issuesFileFailure, 'write', join(output, ISSUES_FILE));
  }
  progress?.({
    phase: 'finish',
    items: stats.counts.items,
    total: source.itemCount,
    annotations: annotationsIn,
  });

  const finished = Date.now();
  const status: ExportManifest['status'] =
    failure !== undefined ? 'failed' : issues.errors > 0 ? 'incomplete' : 'complete';
  const manifest = manifestOf(status, failure, finished);
  let manifestPath: string;
  try {
    manifestPath = await writeManifest(output, manifest);
  } catch (err) {
    throw failure instanceof Error
      ? failure
      : fileSystemError(err, 'write', join(output, MANIFEST_FILE));
  }
  if (failure !== undefined) {
    throw failure instanceof Error
      ? failure
      : new SynxError('SYNX_INTERNAL', 'the export failed', { cause: failure });
  }
  logger.debug('export finished', { output, items: stats.counts.items, ms: finished - started });
  return {
    output,
    manifestPath,
    format: format.id,
    status: status === 'incomplete' ? 'incomplete' : 'complete',
    source: manifest.source,
    project: manifest.project,
    classes: manifest.classes,
    counts: manifest.counts,
    converted: manifest.converted,
    dropped: manifest.dropped,
    issues: manifest.issues,
    firstIssues: issues.kept.slice(0, 20),
    files,
    outputs,
    loadHint: description.loadHint?.(output, splits.names()),
    split: splitSummary,
    media: mediaResult,
    durationMs: finished - started,
  };
}

/** A count a writer gave: a whole number from 0, else left out. */
function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * The writer's outputs as the report and manifest take them: each path relative and inside the
 * output folder (`/` separators), counts whole numbers. A third-party writer's bad entry is left
 * out with a warning rather than failing an export whose files are written.
 */
export function checkedOutputs(
  given: unknown,
  formatName: string,
  report: (issue: Issue) => void,
): OutputFile[] {
  if (given === undefined) {
    return [];
  }
  const bad = (why: string): void => {
    report({
      code: 'SYNX_PLUGIN_INVALID',
      severity: 'warning',
      message: `${formatName} returned ${why} in its outputs; left out of the report`,
    });
  };
  if (!Array.isArray(given)) {
    bad('something that is not a list');
    return [];
  }
  const out: OutputFile[] = [];
  for (const entry of given as unknown[]) {
    const o = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const path = o['path'];
    if (
      typeof path !== 'string' ||
      path === '' ||
      path.startsWith('/') ||
      /^[A-Za-z]:/.test(path) ||
      path.includes('\\') ||
      path.split('/').some((part) => part === '..')
    ) {
      bad(`a path outside the output folder (${JSON.stringify(path)})`);
      continue;
    }
    const counts = ['images', 'annotations', 'files'] as const;
    if (counts.some((k) => o[k] !== undefined && !isCount(o[k]))) {
      bad(`a count that is not a whole number for ${path}`);
      continue;
    }
    const split = o['split'];
    out.push({
      path,
      ...(isCount(o['images']) ? { images: o['images'] } : {}),
      ...(isCount(o['annotations']) ? { annotations: o['annotations'] } : {}),
      ...(isCount(o['files']) ? { files: o['files'] } : {}),
      ...(typeof split === 'string' && split !== '' ? { split } : {}),
    });
  }
  return out;
}
