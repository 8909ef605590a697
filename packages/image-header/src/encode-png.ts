import { crc32, deflateSync } from 'node:zlib';
import { SynxError } from '@synx/model';
import { shadeLevel } from './encode-jpeg.js';

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /** Width in pixels, 1–2³¹−1. */
  width: number;
  /** Height in pixels, 1–2³¹−1. */
  height: number;
  /** 1 grey, 2 grey+alpha, 3 RGB (default), 4 RGBA; 8 bits each. */
  channels?: 1 | 2 | 3 | 4;
  /** Value (0–255) of every channel at pixel (x, y); default mid-grey (128). */
  shade?: (x: number, y: number) => number;
}

/** PNG colour type per channel count. */
const COLOUR_TYPE = [0, 0, 4, 2, 6];
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Largest raw (unfiltered) image data accepted: 1 GiB. */
const MAX_RAW = 1024 * 1024 * 1024;

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Writes a valid 8-bit PNG for tests and demos: IHDR (colour type from `channels`), one zlib IDAT
 * (filter type 0 on every row), IEND, with correct CRCs.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` for a bad size or channel count, or a `shade` result that
 * is not a finite number.
 *
 * @example
 * const png = encodePng({ width: 64, height: 32, channels: 1, shade: (x) => x * 4 });
 */
export function encodePng(options: EncodePngOptions): Buffer {
  const { width, height, shade } = options;
  const channels = options.channels ?? 3;
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 0x7fffffff) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `${name} must be an integer from 1 to 2147483647, got ${v}`,
      );
    }
  }
  const colourType = COLOUR_TYPE[channels];
  if (colourType === undefined || !Number.isInteger(channels) || channels < 1) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `channels must be 1, 2, 3 or 4, got ${String(channels)}`,
    );
  }
  const stride = 1 + width * channels;
  if (stride * height > MAX_RAW) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `a ${width}×${height}×${channels} PNG is too large for a synthetic image`,
    );
  }
  const raw = Buffer.alloc(stride * height, shade === undefined ? 128 : 0);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    raw[row] = 0; // filter type: None
    if (shade !== undefined) {
      for (let x = 0; x < width; x++) {
        raw.fill(
          shadeLevel(shade(x, y), x, y),
          row + 1 + x * channels,
          row + 1 + (x + 1) * channels,
        );
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colourType;
  // compression, filter and interlace methods: 0
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
