import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileSystemError, isFileSystemError } from '@synx/model';
import sharp from 'sharp';
import { renderReport } from './render.js';
import { REPORT_FILE, type ReportData, type ReportSummary, type Thumbnail } from './types.js';

/** Longest side of a gallery thumbnail, in pixels. */
const THUMBNAIL_SIDE = 480;

/**
 * A JPEG thumbnail of an image file as a `data:` URI, with the original's size as displayed
 * (EXIF orientation applied); undefined when the file is missing or not an image sharp reads.
 */
export async function makeThumbnail(path: string): Promise<Thumbnail | undefined> {
  try {
    const image = sharp(path, { failOn: 'none' }).rotate();
    // The size as displayed: EXIF orientation applied, as annotation coordinates are.
    const { width, height } = (await image.metadata()).autoOrient;
    const data = await image
      .resize({
        width: THUMBNAIL_SIDE,
        height: THUMBNAIL_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80, mozjpeg: false })
      .toBuffer();
    return { href: `data:image/jpeg;base64,${data.toString('base64')}`, width, height };
  } catch {
    return undefined;
  }
}

/**
 * Writes `report.html` into an export folder: makes thumbnails of the sample images' saved
 * originals (a missing or unreadable file leaves its sample on a neutral canvas marked "media
 * not saved"), renders the report and writes it atomically (a `.partial` file renamed into
 * place). Never prints.
 *
 * @returns The report's path.
 * @throws SynxError `SYNX_IO` when the file cannot be written.
 * @example
 * const path = await writeReport('./dataset', collector.data(), manifest);
 */
export async function writeReport(
  outputDir: string,
  data: ReportData,
  summary: ReportSummary,
): Promise<string> {
  const thumbnails = new Map<string, Thumbnail>();
  const files = new Set<string>();
  for (const entries of data.samples) {
    for (const e of entries) {
      for (const m of e.media) {
        if (m.file !== null) {
          files.add(m.file);
        }
      }
    }
  }
  for (const file of [...files].sort()) {
    const thumb = await makeThumbnail(join(outputDir, ...file.split('/')));
    if (thumb !== undefined) {
      thumbnails.set(file, thumb);
    }
  }
  const html = renderReport(data, summary, thumbnails);
  const path = join(outputDir, REPORT_FILE);
  const tmp = `${path}.partial`;
  try {
    await writeFile(tmp, html);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw isFileSystemError(err) ? fileSystemError(err, 'write', path) : err;
  }
  return path;
}
