import { readImageHeader, readImageHeaderFromFileSync, type ImageHeader } from '@synx/image-header';
import { isSynxError, type Issue, type JsonValue, type Media } from '@synx/model';

/** Refreshes of an expired URL tried per image before its size is given up. */
const MAX_REFRESHES = 3;

/**
 * The header of a remote image. When the signed URL has expired, a fresh one is asked for (and
 * kept on the media, so the download uses it too) and the read is tried again.
 */
async function headerOverHttp(
  file: NonNullable<Media['file']>,
  m: Media,
  signal: AbortSignal | undefined,
  refresh: ((media: Media) => Promise<string | undefined>) | undefined,
): Promise<ImageHeader> {
  // Loaded on first use: exporting a local folder never needs the HTTP client.
  const { ExpiredUrlError, fetchRange } = await import('./http-range.js');
  for (let refreshes = 0; ; refreshes++) {
    const url = file.url ?? '';
    try {
      return await readImageHeader((offset, length) => fetchRange(url, offset, length, signal), {
        what: file.name ?? m.id,
        firstReadBytes: 16 * 1024,
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (err) {
      if (
        !(err instanceof ExpiredUrlError) ||
        refresh === undefined ||
        refreshes >= MAX_REFRESHES
      ) {
        throw err;
      }
      const fresh = await refresh(m);
      if (fresh === undefined || fresh === url) {
        throw err;
      }
      file.url = fresh;
    }
  }
}

function positiveInt(v: JsonValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/**
 * Fills in width/height (as displayed), EXIF orientation and depth of an item's image media:
 * from the data unit's meta for the primary image when it has `width`/`height`, else from the
 * image header (local file, or HTTP Range on the signed URL). Never decodes pixels. Failures
 * become `SYNX_IMAGE_UNREADABLE` issues.
 */
export async function sizeImages(
  media: Media[],
  meta: Readonly<Record<string, JsonValue>> | undefined,
  itemId: string,
  issues: Issue[],
  signal: AbortSignal | undefined,
  refresh?: (media: Media) => Promise<string | undefined>,
): Promise<void> {
  const images = media.filter((m) => m.kind === 'image');
  const first = images[0];
  for (const m of images) {
    if (m === first && meta !== undefined) {
      const w = positiveInt(meta['width']);
      const h = positiveInt(meta['height']);
      if (w !== undefined && h !== undefined) {
        m.width = w;
        m.height = h;
        m.sizeSource = 'meta';
        continue;
      }
    }
    const file = m.file;
    if (file?.path === undefined && file?.url === undefined) {
      issues.push({
        code: 'SYNX_IMAGE_NO_FILE',
        severity: 'warning',
        message: `${m.id} has no file, so its size is unknown`,
        itemId,
        mediaId: m.id,
      });
      continue;
    }
    let header: ImageHeader;
    try {
      if (file.path !== undefined) {
        // Local files: one small synchronous read (see readImageHeaderFromFileSync).
        header = readImageHeaderFromFileSync(file.path);
      } else {
        header = await headerOverHttp(file, m, signal, refresh);
      }
    } catch (err) {
      if (isSynxError(err) && err.code === 'SYNX_ABORTED') {
        throw err;
      }
      issues.push({
        code: 'SYNX_IMAGE_UNREADABLE',
        severity: 'error',
        message: `cannot read the size of ${file.name ?? m.id}: ${(err as Error).message}`,
        itemId,
        mediaId: m.id,
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
