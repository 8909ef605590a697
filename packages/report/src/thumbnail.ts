import type { Thumbnail } from './types.js';

/** Longest side of a gallery thumbnail, in pixels. */
const THUMBNAIL_SIDE = 480;

/**
 * A JPEG thumbnail of an image file as a `data:` URI, with the original's size as displayed
 * (EXIF orientation applied); undefined when the file is missing or not an image sharp reads.
 */
export async function makeThumbnail(path: string): Promise<Thumbnail | undefined> {
  try {
    // loaded on first use: only a process that makes a thumbnail pays for libvips
    const { default: sharp } = await import('sharp');
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
