// GIF, BMP and WebP: fixed-position headers (plus WebP's optional EXIF chunk).
import {
  type ByteSource,
  type CoreResult,
  fourcc,
  i32le,
  invalid,
  isAscii,
  makeHeader,
  need,
  ok,
  u16le,
  u24le,
  u32le,
  u8,
} from './core.js';
import { readExifOrientation } from './tiff.js';

/** GIF87a/GIF89a: the logical screen size. */
export function parseGif(src: ByteSource): CoreResult {
  const b = src.get(0, 10);
  if (b === undefined) {
    return need(0, 10, 'the GIF logical screen descriptor', 'gif');
  }
  const width = u16le(b, 6);
  const height = u16le(b, 8);
  if (width === 0 || height === 0) {
    return invalid('gif', `the logical screen is ${width}×${height}`);
  }
  return ok(makeHeader('gif', width, height, 1, 3));
}

/** DIB header sizes: BITMAPCOREHEADER, OS/2 2.x short and long, BITMAPINFOHEADER, V2, V3, V4, V5. */
export const BMP_DIB_SIZES: readonly number[] = [12, 16, 40, 52, 56, 64, 108, 124];

function bmpChannels(bitCount: number): number | undefined {
  if ([1, 2, 4, 8, 16, 24].includes(bitCount)) {
    return 3;
  }
  if (bitCount === 32 || bitCount === 64) {
    return 4;
  }
  return undefined; // 0: the pixels are an embedded JPEG/PNG
}

/** BMP: BITMAPCOREHEADER or BITMAPINFOHEADER and its successors (negative height: top-down). */
export function parseBmp(src: ByteSource): CoreResult {
  const b = src.get(14, 4);
  if (b === undefined) {
    return need(14, 4, 'the BMP info header', 'bmp');
  }
  const dib = u32le(b, 0);
  if (dib === 12) {
    const c = src.get(18, 8);
    if (c === undefined) {
      return need(18, 8, 'the BMP info header', 'bmp');
    }
    const width = u16le(c, 0);
    const height = u16le(c, 2);
    if (width === 0 || height === 0) {
      return invalid('bmp', `the info header says ${width}×${height}`);
    }
    return ok(makeHeader('bmp', width, height, 1, bmpChannels(u16le(c, 6))));
  }
  if (!BMP_DIB_SIZES.includes(dib)) {
    return invalid('bmp', `unknown info header size ${dib}`);
  }
  const c = src.get(18, 12);
  if (c === undefined) {
    return need(18, 12, 'the BMP info header', 'bmp');
  }
  const width = i32le(c, 0);
  const height = Math.abs(i32le(c, 4));
  if (width <= 0 || height === 0) {
    return invalid('bmp', `the info header says ${width}×${i32le(c, 4)}`);
  }
  return ok(makeHeader('bmp', width, height, 1, bmpChannels(u16le(c, 10))));
}

/** WebP: RIFF/WEBP with a VP8, VP8L or VP8X first chunk. */
export function parseWebp(src: ByteSource): CoreResult {
  const b = src.get(12, 8);
  if (b === undefined) {
    return need(12, 8, 'the WebP bitstream header', 'webp');
  }
  const riff = src.get(4, 4);
  const riffEnd = riff === undefined ? Infinity : 8 + u32le(riff, 0);
  if (isAscii(b, 0, 'VP8 ')) {
    const f = src.get(20, 10);
    if (f === undefined) {
      return need(20, 10, 'the WebP VP8 frame header', 'webp');
    }
    if ((u8(f, 0) & 1) !== 0) {
      return invalid('webp', 'the first VP8 frame is not a key frame');
    }
    if (u8(f, 3) !== 0x9d || u8(f, 4) !== 0x01 || u8(f, 5) !== 0x2a) {
      return invalid('webp', 'the VP8 start code is missing');
    }
    const width = u16le(f, 6) & 0x3fff;
    const height = u16le(f, 8) & 0x3fff;
    if (width === 0 || height === 0) {
      return invalid('webp', `the VP8 frame is ${width}×${height}`);
    }
    return ok(makeHeader('webp', width, height, 1, 3));
  }
  if (isAscii(b, 0, 'VP8L')) {
    const f = src.get(20, 5);
    if (f === undefined) {
      return need(20, 5, 'the WebP VP8L header', 'webp');
    }
    if (u8(f, 0) !== 0x2f) {
      return invalid('webp', 'the VP8L signature byte is missing');
    }
    const bits = u32le(f, 1);
    if (bits >>> 29 !== 0) {
      return invalid('webp', `unknown VP8L version ${bits >>> 29}`);
    }
    const width = (bits & 0x3fff) + 1;
    const height = ((bits >>> 14) & 0x3fff) + 1;
    const alpha = ((bits >>> 28) & 1) === 1;
    return ok(makeHeader('webp', width, height, 1, alpha ? 4 : 3));
  }
  if (!isAscii(b, 0, 'VP8X')) {
    return invalid('webp', `unknown first chunk "${fourcc(b, 0)}"`);
  }
  const f = src.get(20, 10);
  if (f === undefined) {
    return need(20, 10, 'the WebP VP8X header', 'webp');
  }
  const flags = u8(f, 0);
  const width = u24le(f, 4) + 1;
  const height = u24le(f, 7) + 1;
  const channels = (flags & 0x10) !== 0 ? 4 : 3;
  const header = makeHeader('webp', width, height, 1, channels);
  if ((flags & 0x08) === 0) {
    return ok(header);
  }
  // The EXIF chunk comes after the image data: hop over chunk headers only.
  let pos = 20 + u32le(b, 4);
  pos += pos & 1;
  for (;;) {
    if (pos + 8 > riffEnd) {
      return ok(header);
    }
    const c = src.get(pos, 8);
    if (c === undefined) {
      return need(pos, 8, 'the WebP EXIF chunk', 'webp', header);
    }
    const size = u32le(c, 4);
    if (isAscii(c, 0, 'EXIF')) {
      const o = readExifOrientation(src, pos + 8, Math.min(pos + 8 + size, riffEnd), 'webp');
      if (typeof o !== 'number') {
        return { ...o, fallback: header };
      }
      return ok(makeHeader('webp', width, height, o, channels));
    }
    pos += 8 + size + (size & 1);
  }
}
