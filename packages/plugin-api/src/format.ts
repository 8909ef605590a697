import type { StandardSchemaV1 } from '@standard-schema/spec';
import type {
  Annotation,
  AnnotationKind,
  ClassMap,
  Dataset,
  Issue,
  Item,
  Media,
  MediaKind,
} from '@synx/model';
import type { KitMessageId } from './messages.js';

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

/**
 * The content of one text media (`text_1`, …) of an exported item, read by synx for a format
 * whose description sets {@link FormatDescription.texts}: from the data unit's text file (a
 * folder's own file, or downloaded like media and cached in the output folder), size-limited,
 * decoded as `encoding` says (a byte-order mark, else strict UTF-8, else a detected legacy
 * encoding). Offsets into `text` are JavaScript string (UTF-16) indices; a format that counts
 * code points converts (see the NER formats).
 */
export interface ExportText {
  readonly media: Media;
  /**
   * The decoded text; undefined when synx could not read it (missing file, too large, failed
   * download). synx has then reported an error issue naming the item, the media and why; the
   * writer drops the media's annotations with the kit's `noText` message.
   */
  readonly text: string | undefined;
  /** The encoding the text was decoded from (`utf-8`, `utf-16le`, `windows-1252`, …). */
  readonly encoding?: string | undefined;
  /** The file the text came from, relative to nothing (a name, for messages). */
  readonly fileName?: string | undefined;
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
  /**
   * The item's text media with their content, in media order, when the format's description
   * sets `texts` (otherwise absent).
   */
  readonly texts?: readonly ExportText[] | undefined;
}

/** What a writer is given. */
export interface WriteInput {
  /** The dataset's title (the project's, when it has one), for a format's info fields. */
  readonly title?: string | undefined;
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
  /**
   * True when synx saves the original images into the format's `mediaDir` in this export;
   * false for a labels-only export (a format may say so in its files, e.g. a comment in YOLO's
   * `data.yaml`); undefined when the caller does not say.
   */
  readonly mediaSaved?: boolean | undefined;
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

/**
 * Values for a message's `{{name}}` placeholders, e.g. `{ class: 'car' }` for
 * `'class "{{class}}" is not in the class map'`.
 */
export type MessageData = Readonly<Record<string, string | number>>;

/**
 * The fate of one source annotation in a format. A conversion or a drop names its reason by
 * `messageId`, a key of the format's {@link Format.messages} table (or of the kit's
 * `KIT_MESSAGES`), as typescript-eslint rules report a `messageId` from `meta.messages`: the
 * text is written once, and the plan (`describe()`) and the report cannot drift apart.
 */
export type AnnotationOutcome<MessageId extends string = string> =
  | {
      readonly item: Item;
      readonly media?: Media | undefined;
      readonly annotation: Annotation;
      /** Written as it is. */
      readonly outcome: 'written';
    }
  | {
      readonly item: Item;
      readonly media?: Media | undefined;
      readonly annotation: Annotation;
      /** `converted` to another shape (lossy), or `dropped`. */
      readonly outcome: 'converted' | 'dropped';
      /** Why: a key of the format's message table (or `KIT_MESSAGES`). */
      readonly messageId: MessageId | KitMessageId;
      /** Values for the message's placeholders. */
      readonly data?: MessageData | undefined;
      /**
       * The DM v1 field a drop is about (default: the annotation's own, e.g.
       * `annotationsData.image_1[3]`; see model's `dmFieldOf`).
       */
      readonly field?: string | undefined;
    };

/** What a format is given besides its input. */
export interface FormatContext<MessageId extends string = string> {
  readonly apiVersion: typeof PLUGIN_API_VERSION;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Reports a problem with one item or annotation (R8: report, don't throw). */
  report(issue: Issue): void;
  /**
   * Records what happened to one source annotation. Every annotation a writer receives must be
   * accounted exactly once; drops become warnings naming the item, annotation and reason.
   */
  account(outcome: AnnotationOutcome<MessageId>): void;
}

/**
 * How a format treats one kind of annotation. A conversion and a drop name their reason by
 * `messageId` (a key of {@link Format.messages}); the writer accounts the same id, so the plan
 * and the report say the same thing.
 */
export type KindTreatment<MessageId extends string = string> =
  | { readonly action: 'keep'; readonly note?: string }
  | { readonly action: 'convert'; readonly to: string; readonly messageId: MessageId }
  | { readonly action: 'drop'; readonly messageId: MessageId };

/**
 * Annotation features a format declares treatments for: every canonical kind, plus
 * `rotated-bbox` (a box with a non-zero rotation) and `ungrouped-keypoint` (a keypoint that is
 * not part of an annotation group, i.e. of no instance).
 */
export type AnnotationFeature = AnnotationKind | 'rotated-bbox' | 'ungrouped-keypoint';

/** What a format keeps, converts and drops for given options, and how it lays out its output. */
export interface FormatDescription<MessageId extends string = string> {
  /** Treatment per feature; a feature not listed is dropped ("not supported by <format>"). */
  readonly kinds: Readonly<
    Partial<Record<AnnotationFeature, KindTreatment<MessageId | KitMessageId>>>
  >;
  /** True when the format writes one output per split. */
  readonly splits: boolean;
  /**
   * Folder for media of a split, relative to the output folder; a format without it has no
   * media folder. Given the item as well, it may place each item's images apart — ImageFolder
   * puts them under `<split>/<class>/` — and return undefined for an item whose images are not
   * saved at all (its writer accounts why, e.g. an image without a class). Without an item it
   * names the split's media folder in general (for messages and the plan).
   */
  mediaDir?(split: SplitName | undefined, item?: ExportItem): string | undefined;
  /**
   * True when the writer needs the content of the text media it holds: synx reads each one and
   * hands it in {@link ExportItem.texts}. Declare `mediaKinds: ['text']` with it.
   */
  readonly texts?: boolean;
  /**
   * The DM tools whose classes form the class map the writer numbers (`WriteInput.classes`).
   * Default: the instance tools (boxes, polygons, polylines, masks, groups, 3D, named
   * entities). An image-classification format says `['classification']`.
   */
  readonly classTools?: readonly string[];
  /**
   * What the plan should say of these options beyond the treatments, one sentence each, e.g.
   * `the class of each image is its classification annotation's class` — the rules a user
   * must know before running (shown in the plan and in `synx formats show`).
   */
  readonly notes?: readonly string[];
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
   * The one image encoding the format's consumers open, e.g. `jpeg` for Pascal VOC (torchvision
   * and the devkit open `JPEGImages/<id>.jpg`). synx then names every image `<stem>.jpg` and,
   * with `--save-original-files`, transcodes images stored in another encoding (the manifest
   * counts them). Default: images keep their own encoding and name.
   */
  readonly imageEncoding?: 'jpeg' | undefined;
  /**
   * True when the writer writes each item's source data as received (raw DM v1 JSON, `Item.raw`
   * — which an API export keeps only for such a format) and re-encodes no geometry. Otherwise synx fits geometry to its image before the writer sees
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
 *
 * `MessageId` is inferred from {@link Format.messages}: `describe()` and `ctx.account()` accept
 * only its keys (and the kit's `KIT_MESSAGES`).
 */
export interface Format<Options = Record<string, unknown>, MessageId extends string = string> {
  readonly apiVersion: typeof PLUGIN_API_VERSION;
  /** Lower-case kebab id; must equal the manifest id. */
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  /**
   * Validates options given as `--option key=value` (and format flags). Any Standard Schema works
   * (zod 4, valibot, arktype); values arrive as strings, so coerce numbers and booleans. Options
   * are strict: synx refuses a key the validated result does not have.
   */
  readonly options?: StandardSchemaV1<unknown, Options>;
  /**
   * The reasons for conversions and drops, by id, e.g.
   * `{ polyline: 'COCO segmentation holds closed polygons, not polylines' }`; `{{name}}` is
   * replaced from the outcome's `data`. A key of `KIT_MESSAGES` here overrides the kit's text.
   */
  readonly messages?: Readonly<Record<MessageId, string>>;
  /** What the format keeps, converts and drops for these options. Must not do I/O. */
  describe(options: Options): FormatDescription<MessageId>;
  write?(
    input: WriteInput,
    to: DatasetLocation,
    options: Options,
    ctx: FormatContext<MessageId>,
  ): Promise<WriteResult>;
  read?(at: DatasetLocation, options: Options, ctx: FormatContext<MessageId>): Promise<Dataset>;
  /** 0 = certainly not this format, 100 = certain (Datumaro-style confidence). */
  detect?(at: DatasetLocation, ctx: FormatContext<MessageId>): Promise<number>;
}

/**
 * Any format, whatever its options and messages: what a registry, a host or a test suite holds.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- options are checked by the format's own schema
export type AnyFormat = Format<any>;

/**
 * Identity helper that gives a format full type inference, like vitest's `defineConfig`: the
 * options type from its schema, the message ids from its `messages` table.
 *
 * @example
 * export const labelmeFormat = defineFormat({ apiVersion: 1, id: 'labelme', title: 'LabelMe', messages: { … }, describe: () => …, write: … });
 */
export function defineFormat<Options, MessageId extends string = never>(
  format: Format<Options, MessageId>,
): Format<Options, MessageId> {
  return format;
}
