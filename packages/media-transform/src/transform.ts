import { open, rename, rm } from 'node:fs/promises';
import { readImageHeaderFromFile } from '@synx/image-header';
import { SynxError } from '@synx/model';
import type { Metadata } from 'sharp';

/** What a saved image must look like for the export's consumers. */
export interface MediaTransformOptions {
  /**
   * `apply`: pixels turned to the displayed orientation and the EXIF tag removed, so every
   * loader (PIL, torchvision, OpenCV, browsers) sees what the annotations were drawn on.
   * `keep`: the stored pixels and tag as they are.
   */
  readonly orientation: 'apply' | 'keep';
  /** `jpeg`: every image a baseline JPEG (Pascal VOC's `JPEGImages/`); others transcoded. */
  readonly encoding?: 'jpeg' | undefined;
  /** Quality of re-encoded JPEGs (1–100). Default 95, with 4:4:4 chroma. */
  readonly jpegQuality?: number | undefined;
}

/** What was done to one file. */
export interface TransformResult {
  /** True when the file was rewritten. */
  readonly changed: boolean;
  /** The stored encoding (`jpeg`, `png`, `webp`, …). */
  readonly format: string;
  /** Transcoded from `format` to JPEG. */
  readonly transcoded: boolean;
  /** The EXIF orientation (2–8) applied to the pixels; undefined when none was. */
  readonly oriented?: number | undefined;
}

/**
 * The comment every rewritten JPEG starts with (a COM segment right after SOI, ignored by
 * decoders): it marks the file as already transformed, so a rerun does not fetch and rewrite it
 * again ({@link isTransformed}).
 */
export const TRANSFORM_MARK = 'synx-media-transform/1';

const SOI = Buffer.from([0xff, 0xd8]);

/** A JPEG with the mark inserted after SOI. */
function withMark(jpeg: Buffer, what: string): Buffer {
  const text = Buffer.from(`${TRANSFORM_MARK} ${what}`, 'latin1');
  const segment = Buffer.alloc(4 + text.length);
  segment[0] = 0xff;
  segment[1] = 0xfe;
  segment.writeUInt16BE(text.length + 2, 2);
  text.copy(segment, 4);
  return Buffer.concat([SOI, segment, jpeg.subarray(2)]);
}

/** True when the file at `path` is a JPEG this package rewrote (it starts with the mark). */
export async function isTransformed(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(6 + TRANSFORM_MARK.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return (
      bytesRead === head.length &&
      head[0] === 0xff &&
      head[1] === 0xd8 &&
      head[2] === 0xff &&
      head[3] === 0xfe &&
      head.subarray(6).toString('latin1') === TRANSFORM_MARK
    );
  } finally {
    await handle.close();
  }
}

/** True when a file of this encoding and orientation needs rewriting under these options. */
export function needsTransform(
  format: string,
  orientation: number | undefined,
  options: MediaTransformOptions,
): boolean {
  return (
    (options.encoding === 'jpeg' && format !== 'jpeg') ||
    (options.orientation === 'apply' && orientation !== undefined && orientation !== 1)
  );
}

/**
 * Rewrites the image at `path` in place (temp file, then rename: a hard link or symlink at
 * `path` is replaced, its target never touched) when the options ask for it: EXIF orientation
 * applied to the pixels (tag removed), non-JPEG encodings transcoded to JPEG (transparency
 * flattened on white). Files that need nothing are left byte for byte. The output is a pure
 * function of the input bytes and options (same sharp version, same bytes).
 *
 * @throws SynxError `SYNX_INVALID_INPUT` when the file is not an image sharp can decode.
 */
export async function transformMediaFile(
  path: string,
  options: MediaTransformOptions,
): Promise<TransformResult> {
  // The common case (nothing to do) from the header bytes alone, without decoding.
  const header = await readImageHeaderFromFile(path).catch(() => undefined);
  if (header !== undefined && !needsTransform(header.format, header.orientation, options)) {
    return { changed: false, format: header.format, transcoded: false };
  }
  // loaded on first use: most saved images need nothing, and libvips is ~20 MB of memory
  const { default: sharp } = await import('sharp');
  let meta: Metadata;
  try {
    meta = await sharp(path).metadata();
  } catch (err) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `${path}: not an image that can be decoded (${err instanceof Error ? err.message : String(err)})`,
      { cause: err },
    );
  }
  const format = meta.format;
  const orientation = meta.orientation;
  if (!needsTransform(format, orientation, options)) {
    return { changed: false, format, transcoded: false };
  }
  const rotate = options.orientation === 'apply' && orientation !== undefined && orientation !== 1;
  const toJpeg = options.encoding === 'jpeg' || format === 'jpeg';
  let image = sharp(path, { failOn: 'none' });
  if (rotate) {
    image = image.autoOrient();
  }
  let out: Buffer;
  if (toJpeg) {
    if (meta.hasAlpha) {
      image = image.flatten({ background: '#ffffff' });
    }
    const jpeg = await image
      .jpeg({ quality: options.jpegQuality ?? 95, chromaSubsampling: '4:4:4' })
      .toBuffer();
    const what = [
      format === 'jpeg' ? undefined : `from ${format}`,
      rotate ? `orientation ${String(orientation)} applied` : undefined,
    ]
      .filter((s) => s !== undefined)
      .join(', ');
    out = withMark(jpeg, what);
  } else {
    // orientation applied to a PNG/WebP/TIFF: the same encoding, without the tag
    out = await image.toFormat(format).toBuffer();
  }
  const tmp = `${path}.synx-tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(out);
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(tmp, path);
  return {
    changed: true,
    format,
    transcoded: toJpeg && format !== 'jpeg',
    ...(rotate ? { oriented: orientation } : {}),
  };
}
