import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import {
  fileSystemError,
  isFileSystemError,
  SynxError,
  throwIfAborted,
  type Dataset,
  type Item,
  type Media,
} from '@synx/model';
import { ReportCollector } from './collector.js';
import {
  type ReportData,
  type ReportMediaRef,
  type ReportOptions,
  type ReportSummary,
} from './types.js';
import { writeReport } from './write.js';

/** The manifest an export writes; the report reads it from the export folder. */
export const MANIFEST_FILE = 'synx-export.json';

/** The manifest fields `synx report` reads besides those it shows ({@link ReportSummary}). */
export interface ReportManifest extends ReportSummary {
  readonly format: {
    readonly id: string;
    readonly title?: string | undefined;
    readonly package?: string | undefined;
    readonly version?: string | undefined;
    /** The format options of the export (as parsed then). */
    readonly options?: Readonly<Record<string, unknown>> | undefined;
  };
  readonly classes?:
    | {
        readonly entries?:
          | readonly { readonly index: number; readonly code: string; readonly name: string }[]
          | undefined;
      }
    | undefined;
  readonly keypointNames?: readonly string[] | undefined;
}

/**
 * Reads `synx-export.json` of an export folder.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` when the folder has no manifest or it is not one;
 * `SYNX_IO` when it cannot be read.
 * @example
 * const manifest = await readExportManifest('./dataset');
 */
export async function readExportManifest(dir: string): Promise<ReportManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (
      (err as { code?: unknown }).code === 'ENOENT' ||
      (err as { code?: unknown }).code === 'ENOTDIR'
    ) {
      throw new SynxError('SYNX_INVALID_INPUT', `${dir} holds no ${MANIFEST_FILE}`, {
        hint: 'point at a folder written by synx export (the folder given as --output)',
      });
    }
    throw isFileSystemError(err) ? fileSystemError(err, 'read', path) : err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SynxError('SYNX_INVALID_INPUT', `${path} is not valid JSON`, { cause: err });
  }
  const format = (parsed as { format?: { id?: unknown } } | null)?.format;
  if (typeof parsed !== 'object' || parsed === null || typeof format?.id !== 'string') {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `${path} is not a synx export manifest (no format id)`,
      {
        hint: 'point at a folder written by synx export',
      },
    );
  }
  return parsed as ReportManifest;
}

/** The collector options an export's manifest implies (classes, keypoints, splits, seed). */
export function reportOptionsFromManifest(manifest: ReportManifest): ReportOptions {
  const split = manifest.split ?? undefined;
  const names = split?.names !== undefined && split.names.length > 0 ? split.names : undefined;
  return {
    classes: (manifest.classes?.entries ?? []).map((c) => ({
      index: c.index,
      code: c.code,
      name: c.name,
    })),
    keypointNames: manifest.keypointNames ?? [],
    splits: names,
    ratios: split?.ratios,
    seed: split?.seed ?? 0,
  };
}

/** Where a format puts media and files: the parts of its `describe(options)` the report uses. */
export interface ExportLayout {
  /** Folder of a split's media, relative to the export folder (`describe().mediaDir`). */
  readonly mediaDir?: ((split: string | undefined) => string | undefined) | undefined;
  /** The output tree, one line per path (`describe().layout(splits)`). */
  readonly layout?: ((splits: readonly string[] | undefined) => string[]) | undefined;
}

/** How the items read back from an export find their split and their saved originals. */
export interface ExportLocator {
  /** The item's split; undefined when the export is not split or the files do not tell. */
  splitOf(item: Item): string | undefined;
  /** The saved original of an image, relative to the export folder (`/`), when it exists. */
  mediaOf(item: Item, media: Media, split: string | undefined): string | undefined;
}

const GT_SPLITS: Readonly<Record<string, readonly string[]>> = {
  train: ['train'],
  validation: ['val', 'validation'],
  test: ['test'],
};

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function posix(path: string): string {
  return path.split(sep).join('/');
}

/** `path` relative to `dir` when it lies inside it (absolute or relative to it), else undefined. */
function inside(dir: string, path: string): string | undefined {
  const rel = isAbsolute(path) ? relative(dir, path) : path;
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : posix(rel);
}

/**
 * Finds splits and saved originals of items a format's reader gives back, from the files alone,
 * trying in order: the item's ground-truth category; a path segment named after a split in the
 * item's key, id or media path (`images/train/…`, `labels/val/…`), or a file named after one
 * (`instances_train.json`, `train_labels.csv`); which split's media folder holds the image;
 * list files named after a split in the format's layout (VOC `ImageSets/Main/train.txt`, one
 * stem per line). Such lists are read once (one name per listed image in memory).
 *
 * @example
 * const locator = await exportLocator('./dataset', ['train', 'val'], format.describe(options));
 */
export async function exportLocator(
  dir: string,
  splits: readonly string[] | undefined,
  layout: ExportLayout,
): Promise<ExportLocator> {
  const names = splits ?? [];
  const mediaDirs = names.map((s) => layout.mediaDir?.(s));
  const distinctMedia = new Set(mediaDirs).size === names.length && !mediaDirs.includes(undefined);
  const lists = new Map<string, Set<string>>();
  if (names.length > 0 && layout.layout !== undefined) {
    for (const line of layout.layout(names)) {
      const file = line.split(' ')[0] ?? '';
      for (const s of names) {
        if ((file === `${s}.txt` || file.endsWith(`/${s}.txt`)) && !lists.has(s)) {
          try {
            const text = await readFile(join(dir, ...file.split('/')), 'utf8');
            // One stem per line; a stem may hold spaces (`crossing (copy)`), so the whole line
            // counts, and its first word too (`<stem> <flag>` lines of per-class lists).
            const listed = new Set<string>();
            for (const line of text.split('\n')) {
              const t = line.trim();
              if (t !== '') {
                listed.add(t);
                listed.add(t.split(/\s+/)[0] ?? t);
              }
            }
            lists.set(s, listed);
          } catch {
            // no such list: nothing to learn from it
          }
        }
      }
    }
  }
  const matchSplit = (candidates: readonly string[]): string | undefined => {
    const found = new Set(candidates.filter((c) => names.includes(c)));
    return found.size === 1 ? [...found][0] : undefined;
  };
  const hints = (text: string, isPathOfFile: boolean): string[] => {
    const hash = text.indexOf('#');
    const path = hash >= 0 ? text.slice(0, hash) : text;
    const rel = isAbsolute(path) ? inside(dir, path) : posix(path);
    if (rel === undefined) {
      return [];
    }
    const segments = rel.split('/');
    const last = segments.pop() ?? '';
    const out = [...segments];
    // `instances_train.json#3`, `train_labels.csv#a.jpg`: the file names its split.
    if (hash >= 0 && !isPathOfFile) {
      out.push(...last.replace(/\.[^.]*$/, '').split(/[_\-.]/));
    }
    return out;
  };
  const stemOf = (name: string): string => name.replace(/\.[^./\\]*$/, '');

  return {
    splitOf(item) {
      if (names.length === 0) {
        return undefined;
      }
      if (item.gtCategory !== undefined) {
        const hit = (GT_SPLITS[item.gtCategory] ?? []).find((s) => names.includes(s));
        if (hit !== undefined) {
          return hit;
        }
      }
      const fromPaths = matchSplit([
        ...hints(item.key, false),
        ...hints(item.id, false),
        ...item.media.flatMap((m) => (m.file?.path === undefined ? [] : hints(m.file.path, true))),
      ]);
      if (fromPaths !== undefined) {
        return fromPaths;
      }
      if (distinctMedia) {
        const found = names.filter((_, i) =>
          item.media.some((m) => {
            const d = mediaDirs[i];
            return (
              m.file?.name !== undefined && d !== undefined && isFile(join(dir, d, m.file.name))
            );
          }),
        );
        if (found.length === 1) {
          return found[0];
        }
      }
      if (lists.size > 0) {
        const stems = [
          item.stem,
          ...item.media.flatMap((m) => (m.file?.name === undefined ? [] : [stemOf(m.file.name)])),
        ];
        const found = names.filter((s) => stems.some((t) => lists.get(s)?.has(t) === true));
        if (found.length === 1) {
          return found[0];
        }
      }
      return undefined;
    },
    mediaOf(_item, media, split) {
      const path = media.file?.path;
      if (path !== undefined) {
        const rel = inside(dir, path);
        if (rel !== undefined && isFile(join(dir, rel))) {
          return rel;
        }
      }
      const name = media.file?.name;
      if (name === undefined || layout.mediaDir === undefined) {
        return undefined;
      }
      const folders =
        split !== undefined || names.length === 0
          ? [layout.mediaDir(split) ?? '']
          : [...new Set(names.map((s) => layout.mediaDir?.(s) ?? ''))];
      for (const folder of folders) {
        const rel = inside(dir, join(folder, name));
        if (rel !== undefined && isFile(join(dir, rel))) {
          return rel;
        }
      }
      return undefined;
    },
  };
}

/**
 * Feeds every item of a dataset read back from an export to a {@link ReportCollector}: its
 * split and saved originals from `locator`, its image media as read (its text media are counted
 * from the item: a NER reader gives them with their named entities).
 *
 * @param split When the dataset is one split of the export (read from a per-split folder).
 * @example
 * const data = await collectFromDataset(dataset, reportOptionsFromManifest(manifest), locator);
 */
export async function collectFromDataset(
  dataset: Dataset,
  options: ReportOptions,
  locator: ExportLocator,
  signal?: AbortSignal,
): Promise<ReportData> {
  const collector = new ReportCollector(options);
  await addDataset(collector, dataset, locator, undefined, signal);
  return collector.data();
}

async function addDataset(
  collector: ReportCollector,
  dataset: Dataset,
  locator: ExportLocator,
  split: string | undefined,
  signal: AbortSignal | undefined,
): Promise<number> {
  let n = 0;
  for await (const item of dataset.items(signal)) {
    throwIfAborted(signal);
    const s = split ?? locator.splitOf(item);
    const refs: ReportMediaRef[] = item.media
      .filter((m) => m.kind === 'image')
      .map((m) => ({ media: m, file: locator.mediaOf(item, m, s) }));
    collector.add(item, s, refs);
    n++;
  }
  return n;
}

/** What {@link regenerateReport} needs. */
export interface RegenerateOptions {
  /** The export folder. */
  readonly dir: string;
  readonly manifest: ReportManifest;
  /** The format's reader: reads a dataset folder back (`format.read({ dir }, options, ctx)`). */
  readonly read: (dir: string) => Promise<Dataset>;
  readonly layout: ExportLayout;
  readonly samplesPerSplit?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What {@link regenerateReport} did. */
export interface RegenerateResult {
  /** The report's path. */
  readonly path: string;
  /** Items read back. */
  readonly items: number;
  /** Items of each split (`''`: not split or not known), as counted. */
  readonly splits: Readonly<Record<string, number>>;
  /** True when the export is split and the files told every item's split. */
  readonly splitKnown: boolean;
}

/**
 * Regenerates `report.html` of an export folder from its files: reads the dataset back with the
 * format's reader (or, when the folder itself cannot be read and the export is split, each split's
 * folder `<dir>/<split>`), finds splits and saved originals ({@link exportLocator}), and writes
 * the report with the manifest's counts, conversions and drops.
 *
 * @throws SynxError from the reader (`SYNX_INVALID_INPUT` for unreadable files), `SYNX_IO`.
 * @example
 * const { path } = await regenerateReport({ dir, manifest, read: (d) => format.read({ dir: d }, options, ctx), layout: format.describe(options) });
 */
export async function regenerateReport(options: RegenerateOptions): Promise<RegenerateResult> {
  const { dir, manifest, layout, signal } = options;
  const reportOptions = {
    ...reportOptionsFromManifest(manifest),
    ...(options.samplesPerSplit === undefined ? {} : { samplesPerSplit: options.samplesPerSplit }),
  };
  const names = reportOptions.splits ?? [];
  const collector = new ReportCollector(reportOptions);
  let dataset: Dataset | undefined;
  let failure: unknown;
  try {
    dataset = await options.read(dir);
  } catch (err) {
    failure = err;
  }
  if (dataset !== undefined) {
    await addDataset(
      collector,
      dataset,
      await exportLocator(dir, reportOptions.splits, layout),
      undefined,
      signal,
    );
  } else {
    // A format that writes each split as a dataset of its own (`<dir>/<split>/…`).
    const folders = names.filter((s) => existsSync(join(dir, s)));
    if (folders.length === 0) {
      throw failure;
    }
    for (const s of folders) {
      const sub = join(dir, s);
      const part = await options.read(sub);
      const locator = await exportLocator(sub, undefined, {});
      const within: ExportLocator = {
        splitOf: () => s,
        mediaOf: (item, media) => {
          const rel = locator.mediaOf(item, media, undefined);
          return rel === undefined ? undefined : `${s}/${rel}`;
        },
      };
      await addDataset(collector, part, within, s, signal);
    }
  }
  const data = collector.data();
  const path = await writeReport(dir, data, manifest);
  const splits: Record<string, number> = {};
  data.splits.forEach((s, i) => {
    splits[s.name] = data.counts.items[i] ?? 0;
  });
  return {
    path,
    items: data.counts.items.reduce((a, b) => a + b, 0),
    splits,
    splitKnown: names.length > 0 && !data.splitUnknown,
  };
}
