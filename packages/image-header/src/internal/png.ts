// PNG: the IHDR chunk, then (optionally) an eXIf chunk before the image data.
import {
  type ByteSource,
  type CoreResult,
  fourcc,
  invalid,
  isAscii,
  makeHeader,
  need,
  ok,
  u32be,
  u8,
} from './core.js';
import { readExifOrientation } from './tiff.js';

/** Channels and allowed bit depths per PNG colour type. */
const COLOUR_TYPES = new Map<number, { channels: number; depths: readonly number[] }>([
  [0, { channels: 1, depths: [1, 2, 4, 8, 16] }],
  [2, { channels: 3, depths: [8, 16] }],
  [3, { channels: 3, depths: [1, 2, 4, 8] }],
  [4, { channels: 2, depths: [8, 16] }],
  [6, { channels: 4, depths: [8, 16] }],
]);

/** Parses a PNG whose 8-byte signature has been checked. */
export function parsePng(src: ByteSource): CoreResult {
  let pos = 8;
  let first = src.get(pos, 8);
  if (first === undefined) {
    return need(pos, 8, 'the PNG header chunk (IHDR)', 'png');
  }
  if (isAscii(first, 4, 'CgBI')) {
    // Apple's "optimised" PNG puts a CgBI chunk before IHDR.
    pos += 12 + u32be(first, 0);
    first = src.get(pos, 8);
    if (first === undefined) {
      return need(pos, 8, 'the PNG header chunk (IHDR)', 'png');
    }
  }
  if (!isAscii(first, 4, 'IHDR')) {
    return invalid('png', `the first chunk is "${fourcc(first, 4)}", not IHDR`);
  }
  if (u32be(first, 0) !== 13) {
    return invalid('png', `IHDR has length ${u32be(first, 0)}, not 13`);
  }
  const ihdr = src.get(pos + 8, 13);
  if (ihdr === undefined) {
    return need(pos + 8, 13, 'the PNG header chunk (IHDR)', 'png');
  }
  const width = u32be(ihdr, 0);
  const height = u32be(ihdr, 4);
  const depth = u8(ihdr, 8);
  const colourType = u8(ihdr, 9);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    return invalid('png', `IHDR says ${width}×${height}`);
  }
  const ct = COLOUR_TYPES.get(colourType);
  if (ct === undefined) {
    return invalid('png', `unknown colour type ${colourType}`);
  }
  if (!ct.depths.includes(depth)) {
    return invalid('png', `bit depth ${depth} is not allowed for colour type ${colourType}`);
  }
  const header = makeHeader('png', width, height, 1, ct.channels, depth);
  // Look for eXIf among the chunks before the image data; the header stands without it.
  pos += 12 + 13;
  for (;;) {
    const c = src.get(pos, 8);
    if (c === undefined) {
      return need(pos, 8, 'the PNG chunks before the image data', 'png', header);
    }
    const length = u32be(c, 0);
    if (isAscii(c, 4, 'IDAT') || isAscii(c, 4, 'IEND') || length > 0x7fffffff) {
      return ok(header);
    }
    if (isAscii(c, 4, 'eXIf')) {
      const o = readExifOrientation(src, pos + 8, pos + 8 + length, 'png');
      if (typeof o !== 'number') {
        return { ...o, fallback: header };
      }
      return ok(makeHeader('png', width, height, o, ct.channels, depth));
    }
    pos += 12 + length;
  }
}
