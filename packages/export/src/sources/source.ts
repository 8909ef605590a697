import type { ClassMap, DatasetHeader, FileRef, Issue, Item, Media, SourceInfo } from '@synx/model';

/** One item as a source yields it, with the issues met while reading it (reported in order). */
export interface SourcedItem {
  /** Undefined when the item could not be read at all (its issues say why). */
  readonly item: Item | undefined;
  readonly issues: readonly Issue[];
}

/** Options for reading items. */
export interface ItemReadOptions {
  readonly signal?: AbortSignal | undefined;
  /** Decides whether a class is known (see `knownClassPredicate`). */
  readonly isKnownClass?: ((classCode: string, tool: string) => boolean) | undefined;
  /**
   * Read the headers of local image files for their sizes (default true; a pass that only
   * decides splits skips them). Remote images are sized from the data unit's meta only: the
   * export reads the rest once their output names are known (see `sizeImages`).
   */
  readonly sizes?: boolean | undefined;
}

/** How much of a source to read for an estimate. */
export interface SampleSpec {
  /** API sources: pages read (page 1 plus evenly spread ones). */
  readonly pages: number;
  /** Folder sources: items read at most (default {@link FOLDER_SAMPLE_ITEMS}). */
  readonly items?: number | undefined;
}

/** Items a folder sample reads at most: a folder with no more items is read whole (exact). */
export const FOLDER_SAMPLE_ITEMS = 2000;

/** A sample of a source's items. */
export interface SourceSample {
  /** The items read, in source order. */
  readonly items: SourcedItem[];
  /** How many items the source holds (the list's `count`, the folder's entries), when known. */
  readonly of: number | undefined;
  /** True when the sample is every item (then counts from it are exact). */
  readonly complete: boolean;
}

/** An opened data source: the header facts plus a re-readable item stream. */
export interface Source {
  readonly info: SourceInfo;
  readonly project: DatasetHeader['project'];
  /** Classes from the project configuration, or discovered from the data. */
  readonly classes: ClassMap;
  readonly keypointNames: readonly string[];
  /** Number of items when known up front. */
  readonly itemCount: number | undefined;
  /** Problems found while opening (not tied to one item), e.g. discovered classes. */
  readonly notes: readonly Issue[];
  /** A name for the default output folder (`synapse_export_<name>`). */
  readonly name: string;
  items(options: ItemReadOptions): AsyncIterable<SourcedItem>;
  /**
   * A deterministic sample spread across the items, for estimates (the export plan). Sources
   * without it are read whole.
   */
  sample?(spec: SampleSpec, options: ItemReadOptions): Promise<SourceSample>;
  /**
   * A fresh reference (newly signed URL) to a media file whose URL expired, or undefined when
   * the source cannot give one. API sources only.
   */
  refreshFile?(item: Item, media: Media, signal?: AbortSignal): Promise<FileRef | undefined>;
  close(): void;
}
