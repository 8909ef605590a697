import type { Item, Media, MediaKind } from '@synx/model';
import type { ExportImage, ExportItem, FormatDescription, SplitName } from '@synx/plugin-api';
import { splitStem } from '@synx/synapse-folder';
import { NameAllocator } from './names.js';

/** A media of a kind the format does not hold: the writer skips it, the export drops its annotations. */
export interface WithheldMedia {
  readonly media: Media;
  /** `COCO holds image media only, not video`. */
  readonly reason: string;
}

/** An item as a writer receives it, with its media the format does not hold. */
export interface NamedItem {
  readonly exportItem: ExportItem;
  /** Media of kinds the format does not hold (the export counts their annotations as dropped). */
  readonly withheld: readonly WithheldMedia[];
}

/** How {@link ExportItemNamer} names and splits items. */
export interface ItemNamingOptions {
  /** The format's description: its media kinds (default `['image']`) and title. */
  readonly description: Pick<FormatDescription, 'mediaKinds' | 'imageEncoding'>;
  /** The format's title, for the filter's reason. */
  readonly formatTitle: string;
  /** The split of an item (undefined: the export is not split). */
  readonly splitOf?: ((item: Item) => SplitName | undefined) | undefined;
}

/**
 * Turns items, in source order, into what a writer receives — the one place that decides it,
 * for the export, its plan and the format testkit:
 * - **names**: each image gets a unique output file name (its original name, else the item's
 *   stem with its extension; `<stem>.jpg` when the format's `imageEncoding` is `jpeg`; a later
 *   clash becomes `<stem>__<item id><ext>`, compared case-insensitively) and each item a unique
 *   stem;
 * - **split**: the item's split, from the export's split strategy;
 * - **media filter**: media of kinds the format does not hold are listed, with the reason, for
 *   the export to count their annotations as dropped.
 *
 * Deterministic for a source order; holds one entry per name handed out.
 */
export class ExportItemNamer {
  readonly #images = new NameAllocator();
  readonly #stems = new NameAllocator();
  readonly #kinds: ReadonlySet<MediaKind> | 'all';
  readonly #kindList: string;
  readonly #title: string;
  readonly #splitOf: ((item: Item) => SplitName | undefined) | undefined;
  readonly #jpeg: boolean;

  constructor(options: ItemNamingOptions) {
    this.#jpeg = options.description.imageEncoding === 'jpeg';
    const kinds = options.description.mediaKinds ?? ['image'];
    this.#kinds = kinds.includes('*')
      ? 'all'
      : new Set(kinds.filter((k): k is MediaKind => k !== '*'));
    this.#kindList = this.#kinds === 'all' ? 'all' : [...this.#kinds].join(', ');
    this.#title = options.formatTitle;
    this.#splitOf = options.splitOf;
  }

  /** True when the format holds media of this kind. */
  holds(kind: MediaKind): boolean {
    return this.#kinds === 'all' || this.#kinds.has(kind);
  }

  /** Names and splits the next item. */
  name(item: Item): NamedItem {
    const images: ExportImage[] = [];
    const imageMedia = item.media.filter((m) => m.kind === 'image');
    const multi = imageMedia.length > 1;
    for (const m of imageMedia) {
      const preferred = preferredImageName(item, m, multi);
      const fileName = this.#images.allocate(
        this.#jpeg ? `${splitStem(preferred).stem}.jpg` : preferred,
        `${item.id}${multi ? `_${m.id}` : ''}`,
      );
      images.push({ media: m, fileName, stem: splitStem(fileName).stem });
    }
    const stem = this.#stems.allocate(item.stem, item.id);
    return {
      exportItem: { item, split: this.#splitOf?.(item), images, stem },
      withheld: this.withheld(item),
    };
  }

  /** The media filter alone (no name is handed out): the item's media the format does not hold. */
  withheld(item: Item): WithheldMedia[] {
    const withheld: WithheldMedia[] = [];
    for (const media of item.media) {
      if (!this.holds(media.kind)) {
        const reason = `${this.#title} holds ${this.#kindList} media only, not ${media.kind}`;
        withheld.push({ media, reason });
      }
    }
    return withheld;
  }
}

/**
 * The items as a writer receives them, named and split by one {@link ExportItemNamer} (see
 * there); each comes with its media the format does not hold.
 */
export async function* toExportItems(
  items: AsyncIterable<Item> | Iterable<Item>,
  options: ItemNamingOptions,
): AsyncGenerator<NamedItem> {
  const namer = new ExportItemNamer(options);
  for await (const item of items) {
    yield namer.name(item);
  }
}

/** Image file name for an image media: the original name, or the item stem plus an extension. */
function preferredImageName(item: Item, media: Media, multi: boolean): string {
  if (media.file?.name !== undefined && media.file.name !== '') {
    return media.file.name;
  }
  const metaExt = item.dataUnit?.meta['origin_file_extension'];
  const ext = typeof metaExt === 'string' && metaExt.startsWith('.') ? metaExt : '.jpg';
  return `${item.stem}${multi ? `_${media.id}` : ''}${ext}`;
}
