import type { Item, Media } from '@synx/model';
import type {
  DownloadReport,
  FailedFile,
  LocalMode,
  MediaDownloaderOptions,
  MediaJob,
} from '@synx/media-downloader';
import type { Source } from './sources/source.js';

/** `--save-original-files`: where and how original media are placed beside the labels. */
export interface MediaRequest {
  /** Folder sources: copy (default), hard-link or symlink the original files. */
  readonly mode?: LocalMode | undefined;
  /**
   * `apply` (default): an image with an EXIF orientation other than 1 is saved turned to its
   * displayed orientation, tag removed (re-encoded), so loaders that ignore EXIF (PIL,
   * torchvision) see the pixels the annotations were drawn on. `keep`: saved byte for byte
   * (ADR 0008).
   */
  readonly orientation?: 'apply' | 'keep' | undefined;
  /**
   * Downloader settings (concurrency 16, per-host limit, timeouts); `root`, `signal`, `onEvent`
   * and `retry` (the export's one retry policy) are set by the export.
   */
  readonly downloader?:
    Omit<MediaDownloaderOptions, 'root' | 'signal' | 'onEvent' | 'retry'> | undefined;
  /** Progress and per-file events, for the CLI to render. */
  readonly onEvent?: MediaDownloaderOptions['onEvent'];
}

/** A media file that is not on disk after the export (the labels were still written). */
export interface MissingMedia {
  readonly itemId: string;
  readonly mediaId: string;
  /** Path relative to the output folder. */
  readonly file: string;
  readonly code: string;
  readonly reason: string;
  readonly attempts: number;
}

/** What `--save-original-files` did: counts, and every file that is missing. */
export interface MediaSummary {
  readonly mode: 'download' | LocalMode;
  readonly files: number;
  readonly downloaded: number;
  readonly skipped: number;
  readonly resumed: number;
  readonly copied: number;
  readonly linked: number;
  readonly bytes: number;
  readonly retries: number;
  readonly refreshes: number;
  readonly durationMs: number;
  /** Files still missing (first 1,000 here; every one in synx-issues.jsonl). */
  readonly failed: readonly MissingMedia[];
  readonly failedCount: number;
  /** Images rewritten as saved (orientation applied, transcoded to the format's encoding). */
  readonly transformed: MediaTransformSummary;
}

/** What was rewritten of the saved images. */
export interface MediaTransformSummary {
  readonly orientation: 'apply' | 'keep';
  /** The encoding the format asks for (`jpeg` for VOC), when it asks for one. */
  readonly encoding?: 'jpeg';
  /** Images whose EXIF orientation was applied to the pixels in this run. */
  readonly oriented: number;
  /** Images transcoded to `encoding` in this run, by their stored encoding. */
  readonly transcoded: Readonly<Record<string, number>>;
  /** Images found already rewritten by an earlier run (not fetched again). */
  readonly earlier: number;
  /** Up to 5 rewritten files (relative paths), for finding examples. */
  readonly examples: readonly string[];
}

/** The job that puts one media file at `dest`, or why there is none. */
export function mediaJob(
  source: Source,
  item: Item,
  media: Media,
  dest: string,
  mode: LocalMode,
  signal: AbortSignal,
): MediaJob | { readonly missing: string } {
  const id = `${item.id}/${media.id}`;
  const file = media.file;
  if (file?.path !== undefined) {
    return {
      id,
      source: file.path,
      dest,
      mode,
      ...(file.size === undefined ? {} : { size: file.size }),
    };
  }
  if (file?.url !== undefined) {
    const refresh = source.refreshFile?.bind(source);
    return {
      id,
      url: file.url,
      dest,
      ...(file.size === undefined ? {} : { size: file.size }),
      ...(file.checksum === undefined ? {} : { checksum: file.checksum }),
      ...(refresh === undefined
        ? {}
        : { refresh: async () => (await refresh(item, media, signal))?.url }),
    };
  }
  return { missing: 'the source gives no URL or file for this media' };
}

/** Every file that is not on disk: no source at all, or failed after retries. */
export function allMissing(
  missing: readonly MissingMedia[],
  report: DownloadReport,
  relative: (dest: string) => string,
): MissingMedia[] {
  return [
    ...missing,
    ...report.failed.map((f: FailedFile) => {
      const [itemId, mediaId] = splitJobId(f.id);
      return {
        itemId,
        mediaId,
        file: relative(f.dest),
        code: f.code,
        reason: f.reason,
        attempts: f.attempts,
      };
    }),
  ];
}

/** The manifest's `media` section from the downloader's report. */
export function mediaSummary(
  mode: MediaSummary['mode'],
  report: DownloadReport,
  missing: readonly MissingMedia[],
  transformed: MediaTransformSummary,
): MediaSummary {
  return {
    mode,
    files: report.files + (missing.length - report.failed.length),
    downloaded: report.downloaded,
    skipped: report.skipped,
    resumed: report.resumed,
    copied: report.copied,
    linked: report.linked,
    bytes: report.bytes,
    retries: report.retries,
    refreshes: report.refreshes,
    durationMs: report.durationMs,
    failed: missing.slice(0, 1000),
    failedCount: missing.length,
    transformed,
  };
}

/** `<itemId>/<mediaId>` → [itemId, mediaId] (item ids may hold `/`; media ids do not). */
function splitJobId(id: string): [string, string] {
  const at = id.lastIndexOf('/');
  return at < 0 ? [id, ''] : [id.slice(0, at), id.slice(at + 1)];
}
