import type { Media } from '@synx/model';

/** The file name of the report inside an export folder. */
export const REPORT_FILE = 'report.html';

/** Split names are free text; synx's own splitter uses `train`, `val`, `test`. */
export type ReportSplitName = string;

/** One object class of the export, in class-map order. */
export interface ReportClass {
  readonly index: number;
  /** The class code annotations carry (`classCode`). */
  readonly code: string;
  /** Display name. */
  readonly name: string;
}

/** What a {@link ReportCollector} needs to know before the first item. */
export interface ReportOptions {
  readonly classes: readonly ReportClass[];
  /** Keypoint names in configured order; a keypoint's class code (or name) is looked up here. */
  readonly keypointNames: readonly string[];
  /** Keypoint index pairs to join with an edge within one instance, when known. */
  readonly skeleton?: readonly (readonly [number, number])[] | undefined;
  /** The splits written, in order; undefined when the export is not split. */
  readonly splits: readonly ReportSplitName[] | undefined;
  /** Target share of each split (same order as `splits`), when split by ratio. */
  readonly ratios?: readonly number[] | undefined;
  /** Sample items shown per split in the gallery (default 12). */
  readonly samplesPerSplit?: number | undefined;
  /** Seed of the sample choice (default 0). */
  readonly seed?: number | undefined;
}

/** One image of an item as written, with its saved original when there is one. */
export interface ReportMediaRef {
  readonly media: Media;
  /** Saved original, path relative to the export folder (`/` separators), when saved. */
  readonly file?: string | undefined;
}

/**
 * A histogram with fixed bins: bin `i` holds values in `[lower[i], lower[i + 1])`; the last bin
 * is open (`≥ lower[n − 1]`) and values below `lower[0]` are counted in bin 0.
 */
export interface Histogram {
  readonly lower: readonly number[];
  readonly counts: readonly number[];
}

/** One class column of the report: a class of the class map, or a code found in the data. */
export interface ReportDataClass {
  readonly code: string;
  readonly name: string;
  /** Class-map index; null for a code that is not in the class map (image labels, unknown). */
  readonly index: number | null;
}

/** A drawn shape of a sample image, in the image's pixel coordinates. */
export type SampleShape =
  | {
      readonly kind: 'bbox';
      /** Class slot (index into `ReportData.classes`), −1 when the annotation has no class. */
      readonly c: number;
      readonly id: string;
      readonly x: number;
      readonly y: number;
      readonly w: number;
      readonly h: number;
      /** Radians, clockwise on screen, about the box centre; 0 = not rotated. */
      readonly r: number;
      /** True on the one shape of an instance that carries its class name. */
      readonly tag: boolean;
    }
  | {
      readonly kind: 'polygon' | 'polyline';
      readonly c: number;
      readonly id: string;
      /** Flat `x0, y0, x1, y1, …`. */
      readonly points: readonly number[];
      readonly tag: boolean;
    }
  | {
      readonly kind: 'keypoint';
      readonly c: number;
      readonly id: string;
      readonly x: number;
      readonly y: number;
      /** Position in `keypointNames`, −1 when not found. */
      readonly k: number;
      /** The keypoint's name as the annotation gives it. */
      readonly name: string;
      /** The instance it belongs to (per image), −1 when ungrouped. */
      readonly inst: number;
    }
  | {
      readonly kind: 'mask';
      readonly c: number;
      readonly id: string;
      /** SVG path data: one unit-high rectangle per run of pixels, in pixel coordinates. */
      readonly path: string;
      readonly pixels: number;
    };

/** One image of a sample item. */
export interface SampleMedia {
  readonly mediaId: string;
  /** Saved original relative to the export folder, when saved. */
  readonly file: string | null;
  /** The original's file name (for the caption), when known. */
  readonly name: string | null;
  /** The image size the coordinates refer to; null when unknown. */
  readonly width: number | null;
  readonly height: number | null;
  readonly shapes: readonly SampleShape[];
  /** Objects (instances) on the image. */
  readonly objects: number;
}

/** One named entity of a sample text: its annotated content and class. */
export interface SampleEntity {
  /** Class slot (index into `ReportData.classes`), −1 when the entity has no class. */
  readonly c: number;
  readonly id: string;
  /** The annotated text (`content`), cut to a bounded length. */
  readonly text: string;
  /** True when `text` was cut. */
  readonly cut: boolean;
}

/** One text of a sample item (the report never holds the text itself, only its entities). */
export interface SampleText {
  readonly mediaId: string;
  /** The text file's name, when known. */
  readonly name: string | null;
  /** Entities in reading order (line, then offset), at most a bounded number. */
  readonly entities: readonly SampleEntity[];
  /** Every named entity of the text (also those not listed). */
  readonly entityCount: number;
  readonly relations: number;
}

/** One sample item of the gallery. */
export interface SampleEntry {
  readonly itemId: string;
  /** SHA-256 of `seed\0key`, hex: the smallest ones are shown. */
  readonly hash: string;
  /** Class slots of the item's image-level labels (classifications). */
  readonly labels: readonly number[];
  readonly media: readonly SampleMedia[];
  /** The item's text media with their entities (empty for an item without text). */
  readonly texts: readonly SampleText[];
}

/** What the report counts of text media (kind `text`): named entities and relations. */
export interface ReportTextData {
  /** Per split (order of `ReportData.splits`): text media. */
  readonly texts: readonly number[];
  /** Per split: texts without any named entity. */
  readonly emptyTexts: readonly number[];
  /** Per split: named-entity annotations. */
  readonly entities: readonly number[];
  /** Per split: relation annotations on text media. */
  readonly relations: readonly number[];
  /** `[class slot][split]`: named entities of the class. */
  readonly classEntities: readonly (readonly number[])[];
  /** `[class slot][split]`: texts with at least one entity of the class. */
  readonly classTexts: readonly (readonly number[])[];
  /** Entities whose class codes did not fit in the bounded class list. */
  readonly otherClassEntities: number;
  /** Entity length in characters (Unicode code points of `content`). */
  readonly entityLength: Histogram;
  /** Named entities per text. */
  readonly entitiesPerText: Histogram;
}

/** One column of the per-split counts: a split, or the whole export when it is not split. */
export interface ReportDataSplit {
  /** The split name; `''` for an export that is not split or items whose split is not known. */
  readonly name: string;
  readonly label: string;
}

/** Per-split counters: one number per split, in the order of `ReportData.splits`. */
export interface SplitCounts {
  readonly items: readonly number[];
  readonly images: readonly number[];
  readonly emptyImages: readonly number[];
  readonly unsizedImages: readonly number[];
  readonly objects: readonly number[];
  /** Annotations per kind (groups included). */
  readonly annotations: Readonly<Record<string, readonly number[]>>;
}

/** Everything the report shows that comes from the items: counters and bounded samples. */
export interface ReportData {
  readonly reportVersion: 1;
  readonly classes: readonly ReportDataClass[];
  /** Items whose class codes did not fit in the bounded class list (counted, not named). */
  readonly otherClassObjects: number;
  readonly keypointNames: readonly string[];
  readonly skeleton: readonly (readonly [number, number])[];
  readonly splits: readonly ReportDataSplit[];
  /** True when the export is split but the split of some items is not known. */
  readonly splitUnknown: boolean;
  readonly ratios: readonly number[] | null;
  readonly seed: number;
  readonly samplesPerSplit: number;
  readonly counts: SplitCounts;
  /** `[class slot][split]`: objects (instances) of the class. */
  readonly classObjects: readonly (readonly number[])[];
  /** `[class slot][split]`: images with at least one object of the class. */
  readonly classImages: readonly (readonly number[])[];
  /** `[class slot][split]`: image-level labels (classifications) of the class. */
  readonly classLabels: readonly (readonly number[])[];
  /** Object extents (the box, else the extent of its shapes), in pixels. */
  readonly boxWidth: Histogram;
  readonly boxHeight: Histogram;
  readonly boxArea: Histogram;
  /** log2(width / height). */
  readonly boxAspect: Histogram;
  /** COCO size classes of object extents: area < 32², < 96², larger. */
  readonly boxSizes: { readonly small: number; readonly medium: number; readonly large: number };
  /** Objects whose extent is not known (e.g. a mask on an image of unknown size). */
  readonly boxUnknown: number;
  readonly imageWidth: Histogram;
  readonly imageHeight: Histogram;
  /** Image sizes on a log grid: `[width bin, height bin, images]`, bins of `imageWidth`. */
  readonly imageGrid: readonly (readonly [number, number, number])[];
  /** The most frequent exact sizes `[width, height, images]` (bounded list), then the rest. */
  readonly imageSizes: readonly (readonly [number, number, number])[];
  readonly imageSizesOther: number;
  /** Annotations per image (groups not counted). */
  readonly annotationsPerImage: Histogram;
  /** Text media, named entities and relations (all zero for an export without texts). */
  readonly text: ReportTextData;
  /** Samples per split (same order as `splits`), smallest hash first. */
  readonly samples: readonly (readonly SampleEntry[])[];
}

/** A thumbnail of a saved original: an embeddable image and the original's size as displayed. */
export interface Thumbnail {
  /** A `data:` URI. */
  readonly href: string;
  /** The original's width and height (EXIF orientation applied). */
  readonly width: number;
  readonly height: number;
}

/** A converted or dropped group of annotations (the manifest's `OutcomeGroup`). */
export interface ReportOutcomeGroup {
  readonly kind: string;
  readonly outcome?: string | undefined;
  readonly reason: string;
  readonly count: number;
  readonly items?: readonly string[] | undefined;
}

/** Counts by annotation kind. */
export type ReportKindCounts = Readonly<Partial<Record<string, number>>>;

/**
 * The part of the export manifest (`synx-export.json`) the report shows. Every field is
 * optional, so an older or a partial manifest still renders.
 */
export interface ReportSummary {
  readonly status?: string | undefined;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  readonly source?:
    | {
        readonly kind?: string | undefined;
        readonly host?: string | undefined;
        readonly path?: string | undefined;
        readonly target?: string | undefined;
        readonly projectId?: string | number | undefined;
        readonly gtVersionId?: string | number | undefined;
      }
    | undefined;
  readonly project?:
    | {
        readonly id?: string | number | undefined;
        readonly title?: string | undefined;
        readonly category?: string | undefined;
      }
    | undefined;
  readonly format?:
    | {
        readonly id: string;
        readonly title?: string | undefined;
        readonly package?: string | undefined;
        readonly version?: string | undefined;
      }
    | undefined;
  readonly counts?:
    | {
        readonly items?: number | undefined;
        readonly images?: number | undefined;
        readonly emptyImages?: number | undefined;
        readonly orientedImages?: number | undefined;
        readonly unsizedImages?: number | undefined;
        readonly annotations?:
          | {
              readonly in?: ReportKindCounts | undefined;
              readonly written?: ReportKindCounts | undefined;
              readonly converted?: ReportKindCounts | undefined;
              readonly dropped?: ReportKindCounts | undefined;
            }
          | undefined;
      }
    | undefined;
  readonly converted?: readonly ReportOutcomeGroup[] | undefined;
  readonly dropped?: readonly ReportOutcomeGroup[] | undefined;
  readonly split?:
    | {
        readonly mode?: string | undefined;
        readonly names?: readonly string[] | undefined;
        readonly ratios?: readonly number[] | undefined;
        readonly seed?: number | undefined;
        readonly groupBy?: string | undefined;
        readonly items?: readonly number[] | undefined;
        readonly classes?:
          | readonly {
              readonly label: string;
              readonly total: number;
              readonly counts: readonly number[];
              readonly maxDeviation: number;
              readonly floor?: number | undefined;
            }[]
          | undefined;
        readonly maxDeviation?:
          { readonly value: number; readonly label: string; readonly split: string } | undefined;
        readonly empty?: readonly string[] | undefined;
        readonly notes?: readonly string[] | undefined;
      }
    | null
    | undefined;
  readonly media?:
    | {
        readonly mode?: string | undefined;
        readonly files?: number | undefined;
        readonly failedCount?: number | undefined;
        readonly transformed?:
          | {
              readonly orientation?: string | undefined;
              readonly oriented?: number | undefined;
              readonly transcoded?: Readonly<Record<string, number>> | undefined;
            }
          | undefined;
      }
    | null
    | undefined;
  readonly issues?:
    | {
        readonly errors?: number | undefined;
        readonly warnings?: number | undefined;
        readonly infos?: number | undefined;
        readonly byCode?:
          | readonly {
              readonly code: string;
              readonly severity?: string | undefined;
              readonly count: number;
              readonly example?: string | undefined;
              readonly items?: readonly string[] | undefined;
            }[]
          | undefined;
        readonly file?: string | undefined;
      }
    | undefined;
  readonly outputs?:
    | readonly {
        readonly path: string;
        readonly images?: number | undefined;
        readonly annotations?: number | undefined;
        readonly files?: number | undefined;
        readonly split?: string | undefined;
      }[]
    | undefined;
}
