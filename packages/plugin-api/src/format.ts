import type { StandardSchemaV1 } from '@standard-schema/spec';
import type {
  Annotation,
  AnnotationKind,
  ClassMap,
  Dataset,
  DatasetHeader,
  Issue,
  Item,
  Media,
  MediaKind,
} from '@synx/model';

/** The plugin-API version this package describes. `@synx/plugin-api`'s major equals it. */
export const PLUGIN_API_VERSION = 1 as const;

/** Plugin-API versions this synx accepts (the current one and, after a bump, the previous). */
export const SUPPORTED_API_VERSIONS: ReadonlySet<number> = new Set([1]);

/** Split names are free text; synx's own splitter uses `train`, `val`, `test`. */
export type SplitName = string;

/** A place on disk that holds (or will hold) a dataset. */
export interface DatasetLocation {
  readonly dir: string;
}

/** Debug-level logging; the CLI decides what is shown (`DEBUG=synx:*`). Never prints by itself. */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** One image of an exported item, with its final output name. */
export interface ExportImage {
  readonly media: Media;
  /** Unique output file name (sanitised; collisions resolved deterministically), e.g. `0001.jpg`. */
  readonly fileName: string;
  /** `fileName` without its extension; label files are named after it. */
  readonly stem: string;
}

/** An item as a writer receives it: the canonical item, its split and its image outputs. */
export interface ExportItem {
  readonly item: Item;
  /** The split the item belongs to, or undefined when the export is not split. */
  readonly split: SplitName | undefined;
  /** The item's image media, in media order, with output names. */
  readonly images: readonly ExportImage[];
  /** A unique per-item stem (for per-item files such as raw JSON). */
  readonly stem: string;
}

/** What a writer is given. */
export interface WriteInput {
  readonly header: DatasetHeader;
  /**
   * The object classes with deterministic ids: a class's `index` (0-based, class-map order) or,
   * when the user's map gave one, its explicit `id`. Identical for every split and re-export.
   */
  readonly classes: ClassMap;
  /** Keypoint names in configured order (DM keypoint classes). */
  readonly keypointNames: readonly string[];
  readonly items: AsyncIterable<ExportItem>;
  /** The splits written, in order; undefined when the export is not split. */
  readonly splits: readonly SplitName[] | undefined;
}

/**
 * One output of a writer, for the final report and the manifest: a file, or a folder of
 * per-item files (YOLO `labels/train/`, VOC `Annotations/`). Counts are what the writer wrote.
 */
export interface OutputFile {
  /** Relative to the output folder, with `/` separators; a folder ends with `/`. */
  readonly path: string;
  /** Images the file (or the folder's files) describes. */
  readonly images?: number;
  /** Annotations (objects, label lines, rows) written in it. */
  readonly annotations?: number;
  /** Files in the folder (for a folder). */
  readonly files?: number;
  /** The split it holds, when the export is split and it holds one split. */
  readonly split?: SplitName;
}

/** What a writer reports back. */
export interface WriteResult {
  /** Files written (labels, annotation files, label maps; not media). */
  readonly files: number;
  /**
   * The outputs with their counts, in the order to show them (optional: a writer that omits
   * it gets no per-file lines in the report).
   */
  readonly outputs?: readonly OutputFile[];
}

/** The fate of one source annotation in a format. */
export interface AnnotationOutcome {
  readonly item: Item;
  readonly media?: Media | undefined;
  readonly annotation: Annotation;
  /** `written` as it is, `converted` to another shape (lossy), or `dropped`. */
  readonly outcome: 'written' | 'converted' | 'dropped';
  /** Why it was converted or dropped; grouped by in the report. */
  readonly reason?: string;
  /** Issue code for a drop (default `SYNX_FORMAT_DROPPED`). */
  readonly code?: string;
  /** Do not also report a drop as an issue (it was reported already, e.g. an unknown class). */
  readonly quiet?: boolean;
  /**
   * The DM v1 field a drop is about (default: the annotation's own, e.g.
   * `annotationsData.image_1[3]`; see model's `dmFieldOf`).
   */
  readonly field?: string;
}

/** What a format is given besides its input. */
export interface FormatContext {
  readonly apiVersion: typeof PLUGIN_API_VERSION;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Reports a problem with one item or annotation (R8: report, don't throw). */
  report(issue: Issue): void;
  /**
   * Records what happened to one source annotation. Every annotation a writer receives must be
   * accounted exactly once; drops become warnings naming the item, annotation and reason.
   */
  account(outcome: AnnotationOutcome): void;
}

/** How a format treats one kind of annotation. */
export type KindTreatment =
  | { readonly action: 'keep'; readonly note?: string }
  | { readonly action: 'convert'; readonly to: string; readonly note: string }
  | { readonly action: 'drop'; readonly reason: string };

/**
 * Annotation features a format declares treatments for: every canonical kind, plus
 * `rotated-bbox` (a box with a non-zero rotation) and `ungrouped-keypoint` (a keypoint that is
 * not part of an annotation group, i.e. of no instance).
 */
export type AnnotationFeature = AnnotationKind | 'rotated-bbox' | 'ungrouped-keypoint';

/** What a format keeps, converts and drops for given options, and how it lays out its output. */
export interface FormatDescription {
  /** Treatment per feature; a feature not listed is dropped ("not supported by <format>"). */
  readonly kinds: Readonly<Partial<Record<AnnotationFeature, KindTreatment>>>;
  /** True when the format writes one output per split. */
  readonly splits: boolean;
  /** Folder for media of a split, relative to the output folder; undefined = the format has none. */
  mediaDir?(split: SplitName | undefined): string;
  /** The output tree, one line per path, for the plan. */
  layout(splits: readonly SplitName[] | undefined): string[];
  /**
   * Paths (relative to the output folder) the writer rewrites entirely. synx removes them before
   * writing, so a re-export leaves no stale files. Never list media folders (downloads resume).
   */
  readonly owns: readonly string[];
  /** Media kinds whose annotations the writer receives (default: images only; `*` = all). */
  readonly mediaKinds?: readonly (MediaKind | '*')[];
  /**
   * True when the writer writes each item's source data as received (raw DM v1 JSON) and
   * re-encodes no geometry. Otherwise synx fits geometry to its image before the writer sees
   * it — degenerate shapes left out, shapes outside the image left out or clipped (ADR 0017) —
   * so every format treats the same annotation the same way.
   */
  readonly verbatim?: boolean;
  /**
   * One line on how the format's usual consumer loads the result, e.g.
   * `pycocotools: COCO("<dir>/annotations/instances_default.json")`; shown at the end of the
   * report and in the export summary. `outputDir` is the output folder (synx passes its
   * absolute path), `splits` the splits written (as for `layout`). Name the files the writer
   * writes for these options and splits. Must not do I/O.
   */
  loadHint?(outputDir: string, splits: readonly SplitName[] | undefined): string;
}

/**
 * A dataset format. Built-in and third-party formats implement the same interface and are found
 * through the same manifest (`"synx"` key in package.json).
 */
export interface Format<Options = Record<string, unknown>> {
  readonly apiVersion: typeof PLUGIN_API_VERSION;
  /** Lower-case kebab id; must equal the manifest id. */
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  /**
   * Validates options given as `--option key=value` (and format flags). Any Standard Schema works
   * (zod 4, valibot, arktype); values arrive as strings, so coerce numbers and booleans.
   */
  readonly options?: StandardSchemaV1<unknown, Options>;
  /** What the format keeps, converts and drops for these options. Must not do I/O. */
  describe(options: Options): FormatDescription;
  write?(
    input: WriteInput,
    to: DatasetLocation,
    options: Options,
    ctx: FormatContext,
  ): Promise<WriteResult>;
  read?(at: DatasetLocation, options: Options, ctx: FormatContext): Promise<Dataset>;
  /** 0 = certainly not this format, 100 = certain (Datumaro-style confidence). */
  detect?(at: DatasetLocation, ctx: FormatContext): Promise<number>;
}

/**
 * Identity helper that gives a format full type inference, like vitest's `defineConfig`.
 *
 * @example
 * export const labelmeFormat = defineFormat({ apiVersion: 1, id: 'labelme', title: 'LabelMe', describe: () => …, write: … });
 */
export function defineFormat<Options>(format: Format<Options>): Format<Options> {
  return format;
}
