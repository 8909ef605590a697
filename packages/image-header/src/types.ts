/** The image formats {@link parseImageHeader} recognises. */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'bmp' | 'webp' | 'tiff';

/** What the first bytes of an image file say about it. No pixel data is ever decoded. */
export interface ImageHeader {
  /** The container format. */
  format: ImageFormat;
  /** Size as a browser displays it: EXIF orientation applied (width/height swapped for orientations 5–8). */
  width: number;
  /** Size as a browser displays it: EXIF orientation applied (width/height swapped for orientations 5–8). */
  height: number;
  /** Width of the stored pixel grid, before orientation. */
  storedWidth: number;
  /** Height of the stored pixel grid, before orientation. */
  storedHeight: number;
  /** EXIF orientation 1–8 (1 when absent or not applicable). */
  orientation: number;
  /**
   * Channels per pixel when the header says: JPEG components, PNG colour type (grey 1, grey+alpha 2,
   * RGB 3, palette 3, RGBA 4), GIF 3, BMP by bit count (≤24 bits 3, 32/64 bits 4), WebP 3 or 4 (alpha),
   * TIFF SamplesPerPixel.
   */
  channels?: number;
  /**
   * Bits per channel when known: PNG bit depth (for palette images, the bit depth of the palette
   * index), TIFF BitsPerSample (first value), JPEG sample precision.
   */
  bitsPerChannel?: number;
}

/**
 * The outcome of {@link parseImageHeader}:
 * - `ok`: the header was read;
 * - `need-more`: the prefix is too short, call again with at least `atLeast` bytes from the start;
 * - `unknown`: not a recognised image format;
 * - `invalid`: a recognised format whose header is malformed (`reason` says how).
 */
export type ParseResult =
  | { kind: 'ok'; header: ImageHeader }
  | { kind: 'need-more'; atLeast: number }
  | { kind: 'unknown' }
  | { kind: 'invalid'; format: ImageFormat; reason: string };

/**
 * Reads up to `length` bytes at `offset` of some byte store (a file, an HTTP range, a buffer).
 * Fewer bytes than asked for mean the end of the data was reached.
 */
export type ByteRangeReader = (offset: number, length: number) => Promise<Uint8Array>;
