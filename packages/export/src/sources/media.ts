import { statSync } from 'node:fs';
import { readImageHeader, readImageHeaderFromFileSync, type ImageHeader } from '@synx/image-header';
import {
  DEFAULT_RETRY_POLICY,
  delay,
  isSynxError,
  retryDelay,
  MAX_IMAGE_SIDE,
  SynxError,
  type Issue,
  type JsonValue,
  type Media,
  type RetryPolicy,
} from '@synx/model';

/**
 * The header of a remote image. When the signed URL has expired, a fresh one is asked for (and
 * kept on the media, so the download uses it too) and the read is tried again.
 */
async function headerOverHttp(
  file: NonNullable<Media['file']>,
  m: Media,
  how: SizeOptions,
): Promise<ImageHeader> {
  // Loaded on first use: exporting a local folder never needs the HTTP client.
  const { ExpiredUrlError, fetchRange } = await import('./http-range.js');
  const { signal, refresh } = how;
  for (let refreshes = 0; ; refreshes++) {
    const url = file.url ?? '';
    try {
      return await readImageHeader(
        (offset, length) =>
          fetchRange(url, offset, length, { signal, retry: how.retry, limit: how.limit }),
        {
          what: file.name ?? m.id,
          firstReadBytes: 16 * 1024,
          ...(signal === undefined ? {} : { signal }),
        },
      );
    } catch (err) {
      // An expired URL is signed again, as often as the retry policy retries a request.
      if (
        !(err instanceof ExpiredUrlError) ||
        refresh === undefined ||
        refreshes >= (how.retry?.retries ?? DEFAULT_RETRY_POLICY.retries)
      ) {
        throw err;
      }
      const fresh = await refresh(m);
      if (fresh === undefined) {
        throw err;
      }
      if (fresh === url) {
        // Signed again within the same instant, the URL is the one just refused: a refusal
        // that passes (a storage's clock, a fault) — wait as a retry waits, then try it again.
        await delay(
          retryDelay(how.retry ?? DEFAULT_RETRY_POLICY, {
            failures: refreshes + 1,
            waitedMs: 0,
          }) ?? 250,
          signal,
        );
      }
      file.url = fresh;
    }
  }
}

/** A positive integer image side within MAX_IMAGE_SIDE, else undefined. */
function side(v: JsonValue | number | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= MAX_IMAGE_SIDE
    ? v
    : undefined;
}

/**
 * Sizes the primary image of an item from its data unit's meta (`width`/`height`), when the meta
 * has them: no I/O. Other images, and a primary image without them, are left for
 * {@link sizeImages}.
 */
export function sizeFromMeta(
  media: readonly Media[],
  meta: Readonly<Record<string, JsonValue>> | undefined,
): void {
  const first = media.find((m) => m.kind === 'image');
  if (first === undefined || meta === undefined || first.width !== undefined) {
    return;
  }
  const w = side(meta['width']);
  const h = side(meta['height']);
  if (w !== undefined && h !== undefined) {
    first.width = w;
    first.height = h;
    first.sizeSource = 'meta';
  }
}

/** Where and how {@link sizeImages} may look. */
export interface SizeOptions {
  readonly signal?: AbortSignal | undefined;
  /** The export's retry policy for header reads. */
  readonly retry?: RetryPolicy | undefined;
  /** Bounds the header requests in flight (each attempt takes a slot; waits do not). */
  readonly limit?: (<T>(attempt: () => Promise<T>) => Promise<T>) | undefined;
  /** A fresh URL for a media whose signed URL expired (API sources). */
  readonly refresh?: ((media: Media) => Promise<string | undefined>) | undefined;
  /**
   * A complete copy of the media already on disk (in the output folder, from an earlier run or
   * `--save-original-files`): its header is read instead of the remote one.
   */
  readonly onDisk?: ((media: Media) => string | undefined) | undefined;
  /** The `field` of a file-level issue (default: the file name), e.g. `origin_files/x.jpg`. */
  readonly fileField?: ((media: Media) => string) | undefined;
}

/** True when the file at `path` can stand for `m`'s remote file: a regular file of its size. */
function usableCopy(path: string, m: Media): boolean {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return (
      st !== undefined &&
      st.isFile() &&
      st.size > 0 &&
      (m.file?.size === undefined || m.file.size === st.size)
    );
  } catch {
    return false;
  }
}

/**
 * Fills in width/height (as displayed), EXIF orientation and depth of an item's image media that
 * have none yet, from the first of: a local file (folder sources), a complete copy already in
 * the output folder, the remote header (HTTP Range on the signed URL, retried under the export's
 * policy, its URL refreshed when expired). Never decodes pixels. Failures become
 * `SYNX_IMAGE_UNREADABLE` (error) or `SYNX_IMAGE_NO_FILE` issues naming the item, media and file.
 */
export async function sizeImages(
  media: readonly Media[],
  itemId: string,
  issues: Issue[],
  how: SizeOptions = {},
): Promise<void> {
  for (const m of media) {
    if (m.kind !== 'image' || m.width !== undefined) {
      continue;
    }
    const file = m.file;
    if (file?.path === undefined && file?.url === undefined) {
      issues.push({
        code: 'SYNX_IMAGE_NO_FILE',
        severity: 'error',
        message: `${m.id} has no file, so its size is unknown: formats with relative coordinates cannot place its annotations`,
        itemId,
        mediaId: m.id,
        field: how.fileField?.(m) ?? file?.name ?? m.id,
      });
      continue;
    }
    let header: ImageHeader;
    const what = file.name ?? m.id;
    try {
      const local = file.path ?? (how.onDisk === undefined ? undefined : how.onDisk(m));
      if (local !== undefined && (file.path !== undefined || usableCopy(local, m))) {
        // Local files: one small synchronous read (see readImageHeaderFromFileSync).
        header = readImageHeaderFromFileSync(local);
      } else {
        header = await headerOverHttp(file, m, how);
      }
      if (side(header.width) === undefined || side(header.height) === undefined) {
        throw new SynxError(
          'SYNX_INVALID_INPUT',
          `the header declares ${header.width}×${header.height} px, beyond any image`,
        );
      }
    } catch (err) {
      if (isSynxError(err) && err.code === 'SYNX_ABORTED') {
        throw err;
      }
      issues.push({
        code: 'SYNX_IMAGE_UNREADABLE',
        severity: 'error',
        message: `cannot read the size of ${what}: ${(err as Error).message}`,
        itemId,
        mediaId: m.id,
        field: how.fileField?.(m) ?? what,
      });
      continue;
    }
    m.width = header.width;
    m.height = header.height;
    m.sizeSource = 'header';
    if (header.orientation !== 1) {
      m.orientation = header.orientation;
    }
    if (header.channels !== undefined) {
      m.depth = header.channels;
    }
  }
}
