import { join, relative } from 'node:path';
import type { Issue, Item, Media, RetryPolicy } from '@synx/model';
import type { LocalMode, MediaDownloader } from '@synx/media-downloader';
import type { ExportImage, ExportItem, FormatDescription, SplitName } from '@synx/plugin-api';
import {
  isTransformed,
  transformMediaFile,
  type MediaTransformOptions,
} from '@synx/media-transform';
import {
  allMissing,
  mediaJob,
  mediaSummary,
  type MediaRequest,
  type MediaSummary,
  type MediaTransformSummary,
  type MissingMedia,
} from './media.js';
import type { Source } from './sources/source.js';

/**
 * `--save-original-files`: each image of an item downloaded (or copied/linked from a folder)
 * into its split's media folder while the labels are written. An image whose size is unknown is
 * saved first, in the sizes stage ({@link saveFirst}), so that its size comes from the saved
 * bytes (one request per image, not two); the rest are queued as their item is handed to the
 * writer ({@link queue}), which waits while the download queue is full — labels never run far
 * ahead of media.
 */
export class MediaSaver {
  readonly #downloader: MediaDownloader;
  readonly #source: Source;
  readonly #output: string;
  readonly #mediaDir: (split: SplitName | undefined, item: ExportItem) => string | undefined;
  readonly #mode: LocalMode;
  readonly #signal: AbortSignal;
  readonly #missing: MissingMedia[] = [];
  /** Images {@link saveFirst} saved already. */
  readonly #savedFirst = new Set<Media>();
  readonly #transform: MediaTransformOptions;
  readonly #transformed = {
    oriented: 0,
    transcoded: {} as Record<string, number>,
    earlier: 0,
    examples: [] as string[],
  };

  private constructor(
    downloader: MediaDownloader,
    source: Source,
    output: string,
    mediaDir: (split: SplitName | undefined, item: ExportItem) => string | undefined,
    mode: LocalMode,
    signal: AbortSignal,
    transform: MediaTransformOptions,
  ) {
    this.#transform = transform;
    this.#downloader = downloader;
    this.#source = source;
    this.#output = output;
    this.#mediaDir = mediaDir;
    this.#mode = mode;
    this.#signal = signal;
  }

  /** The saver of a request's `media` (undefined without it). Loads the downloader only then. */
  static async open(
    media: MediaRequest | undefined,
    options: {
      readonly source: Source;
      readonly output: string;
      readonly description: FormatDescription;
      readonly retry: RetryPolicy;
      readonly signal: AbortSignal;
    },
  ): Promise<MediaSaver | undefined> {
    const mediaDir = options.description.mediaDir?.bind(options.description);
    if (media === undefined || mediaDir === undefined) {
      return undefined;
    }
    const { MediaDownloader } = await import('@synx/media-downloader');
    const downloader = new MediaDownloader({
      ...media.downloader,
      retry: options.retry,
      root: options.output,
      signal: options.signal,
      ...(media.onEvent === undefined ? {} : { onEvent: media.onEvent }),
    });
    return new MediaSaver(
      downloader,
      options.source,
      options.output,
      mediaDir,
      media.mode ?? 'copy',
      options.signal,
      {
        orientation: media.orientation ?? 'apply',
        encoding: options.description.imageEncoding,
      },
    );
  }

  /**
   * The downloader's `finish` step: the saved image rewritten when the orientation or the
   * format's encoding asks for it (counted for the manifest); `finished`: a file an earlier run
   * rewrote is not fetched again.
   */
  readonly #finish = async (dest: string): Promise<void> => {
    const r = await transformMediaFile(dest, this.#transform);
    if (!r.changed) {
      return;
    }
    const t = this.#transformed;
    if (r.oriented !== undefined) {
      t.oriented++;
    }
    if (r.transcoded) {
      t.transcoded[r.format] = (t.transcoded[r.format] ?? 0) + 1;
    }
    // the first five by name, whatever order the downloads finish in
    t.examples.push(relative(this.#output, dest));
    t.examples.sort();
    t.examples.length = Math.min(t.examples.length, 5);
  };

  readonly #finished = async (dest: string): Promise<boolean> => {
    const done = await isTransformed(dest);
    if (done) {
      this.#transformed.earlier++;
    }
    return done;
  };

  /** True when saved images may need rewriting (an orientation to apply, an encoding to meet). */
  get #transforms(): boolean {
    return this.#transform.orientation === 'apply' || this.#transform.encoding !== undefined;
  }

  #jobOf(item: Item, image: ExportImage, dir: string): ReturnType<typeof mediaJob> {
    const job = mediaJob(
      this.#source,
      item,
      image.media,
      join(this.#output, dir, image.fileName),
      this.#mode,
      this.#signal,
    );
    return 'missing' in job || !this.#transforms
      ? job
      : { ...job, finish: this.#finish, finished: this.#finished };
  }

  /**
   * Saves the images of an item that have no size yet, before their size is read: the size then
   * comes from the saved file. A failed download is reported with the media (and the size read
   * from the header).
   */
  async saveFirst(e: ExportItem): Promise<void> {
    const { item, images } = e;
    const dir = this.#mediaDir(e.split, e);
    if (dir === undefined) {
      return; // the format saves no image of this item (its writer says why)
    }
    for (const image of images) {
      if (image.media.width !== undefined) {
        continue;
      }
      const job = this.#jobOf(item, image, dir);
      if (!('missing' in job)) {
        this.#savedFirst.add(image.media);
        await this.#downloader.fetch(job);
      }
    }
  }

  /** Queues the item's images not saved yet; waits while the download queue is full. */
  async queue(e: ExportItem): Promise<void> {
    const { item, images } = e;
    const dir = this.#mediaDir(e.split, e);
    if (dir === undefined) {
      return; // the format saves no image of this item (its writer says why)
    }
    for (const image of images) {
      if (this.#savedFirst.delete(image.media)) {
        continue;
      }
      const job = this.#jobOf(item, image, dir);
      if ('missing' in job) {
        this.#missing.push({
          itemId: item.id,
          mediaId: image.media.id,
          file: join(dir, image.fileName),
          code: 'no-source',
          reason: job.missing,
          attempts: 0,
        });
      } else {
        await this.#downloader.add(job);
      }
    }
  }

  /**
   * Finishes the files in flight (or leaves them `.partial` when aborted, so a rerun resumes
   * them) and reports every file not saved as a `SYNX_MEDIA_MISSING` error.
   */
  async finish(folderSource: boolean, report: (issue: Issue) => void): Promise<MediaSummary> {
    const done = await this.#downloader.finish();
    const all = allMissing(this.#missing, done, (dest) => relative(this.#output, dest));
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
    const t = this.#transformed;
    const transformed: MediaTransformSummary = {
      orientation: this.#transform.orientation,
      ...(this.#transform.encoding === undefined ? {} : { encoding: this.#transform.encoding }),
      oriented: t.oriented,
      transcoded: Object.fromEntries(Object.entries(t.transcoded).sort()),
      earlier: t.earlier,
      examples: t.examples,
    };
    return mediaSummary(folderSource ? this.#mode : 'download', done, all, transformed);
  }
}
