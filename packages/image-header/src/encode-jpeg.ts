import { SynxError } from '@synx/model';

/** Options of {@link encodeJpeg}. */
export interface EncodeJpegOptions {
  /** Width in pixels, 1–65535. */
  width: number;
  /** Height in pixels, 1–65535. */
  height: number;
  /** Grey level 0–255 of the 8×8 block whose top-left pixel is (x, y); default mid-grey (128). */
  shade?: (x: number, y: number) => number;
  /** Write an EXIF APP1 segment with this Orientation tag (1–8). */
  orientation?: number;
  /** Add a JFIF APP0 segment (default true). */
  jfif?: boolean;
  /** Byte order of the EXIF TIFF structure (default big-endian, "MM", as most cameras write). */
  exifByteOrder?: 'little-endian' | 'big-endian';
}

// Annex K.3, table K.3: the standard luminance DC table (categories 0–11).
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
// An AC table holding only EOB (0x00), coded as the single bit "0".
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALUES = [0x00];

/** Canonical Huffman codes (Annex C) of the DC table: code and length per category. */
function dcCodes(): { code: Int32Array; length: Int32Array } {
  const code = new Int32Array(12);
  const length = new Int32Array(12);
  let next = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < (DC_BITS[len - 1] ?? 0); i++) {
      const symbol = DC_VALUES[k++] ?? 0;
      code[symbol] = next++;
      length[symbol] = len;
    }
    next <<= 1;
  }
  return { code, length };
}

const { code: DC_CODE, length: DC_LENGTH } = dcCodes();

function segment(marker: number, body: readonly number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

const SOI = [0xff, 0xd8];
const EOI = [0xff, 0xd9];
const APP0_JFIF = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const DQT = segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]);
const DHT = [
  ...segment(0xc4, [0x00, ...DC_BITS, ...DC_VALUES]),
  ...segment(0xc4, [0x10, ...AC_BITS, ...AC_VALUES]),
];
const SOS = segment(0xda, [1, 1, 0x00, 0, 63, 0]);

function exifApp1(orientation: number, littleEndian: boolean): number[] {
  const u16 = (v: number): number[] => (littleEndian ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
  const u32 = (v: number): number[] =>
    littleEndian ? [...u16(v & 0xffff), ...u16(v >>> 16)] : [...u16(v >>> 16), ...u16(v & 0xffff)];
  const tiff = [
    ...(littleEndian ? [0x49, 0x49] : [0x4d, 0x4d]),
    ...u16(42),
    ...u32(8), // IFD0 right after the header
    ...u16(1), // one entry
    ...u16(0x0112), // Orientation
    ...u16(3), // SHORT
    ...u32(1),
    ...u16(orientation),
    0,
    0,
    ...u32(0), // no IFD1
  ];
  return segment(0xe1, [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff]);
}

function checkDimension(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `${name} must be an integer from 1 to ${max}, got ${value}`,
    );
  }
}

/** Rounds and clamps a shade to 0–255. */
export function shadeLevel(value: number, x: number, y: number): number {
  if (!Number.isFinite(value)) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `shade(${x}, ${y}) returned ${value}, not a number from 0 to 255`,
    );
  }
  return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
}

/** Reused output buffer (grown on demand): the encoder runs tens of thousands of times in benchmarks. */
let scratch = new Uint8Array(64 * 1024);

/**
 * Writes a real, decodable baseline grayscale JPEG for tests, demos and benchmarks: every 8×8 block
 * is flat (its level from `shade`), so the file is tiny (a 1920×1080 image is about 12 KB) and fast to
 * make (well under a millisecond for 640×480). Dimensions need not be multiples of 8.
 *
 * Segments: SOI, APP0 JFIF (unless `jfif: false`), APP1 EXIF with IFD0 Orientation (when
 * `orientation` is given), DQT (all ones), SOF0 (1 component, 8-bit), DHT (standard luminance DC,
 * EOB-only AC), SOS, entropy-coded data, EOI.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` for sizes outside 1–65535, an orientation outside 1–8, or a
 * `shade` result that is not a finite number.
 *
 * @example
 * const jpeg = encodeJpeg({ width: 640, height: 480, orientation: 6, shade: (x, y) => (x + y) % 256 });
 */
export function encodeJpeg(options: EncodeJpegOptions): Buffer {
  const { width, height, shade, orientation } = options;
  checkDimension('width', width, 0xffff);
  checkDimension('height', height, 0xffff);
  if (
    orientation !== undefined &&
    (!Number.isInteger(orientation) || orientation < 1 || orientation > 8)
  ) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `orientation must be an integer from 1 to 8, got ${orientation}`,
    );
  }
  const sof = segment(0xc0, [
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    1,
    1,
    0x11,
    0,
  ]);
  const head = [
    ...SOI,
    ...(options.jfif === false ? [] : APP0_JFIF),
    ...(orientation === undefined
      ? []
      : exifApp1(orientation, options.exifByteOrder === 'little-endian')),
    ...DQT,
    ...sof,
    ...DHT,
    ...SOS,
  ];
  const blocksX = Math.ceil(width / 8);
  const blocksY = Math.ceil(height / 8);
  // Per block at most 9 + 11 + 1 bits, doubled by byte stuffing in the worst case.
  const bound = head.length + blocksX * blocksY * 6 + 16;
  if (scratch.length < bound) {
    scratch = new Uint8Array(Math.max(bound, scratch.length * 2));
  }
  const out = scratch;
  out.set(head, 0);
  let pos = head.length;
  let acc = 0;
  let nbits = 0;
  let previous = 0;
  for (let by = 0; by < blocksY; by++) {
    for (let bx = 0; bx < blocksX; bx++) {
      const level = shade === undefined ? 128 : shadeLevel(shade(bx * 8, by * 8), bx * 8, by * 8);
      // A flat block of level v has DC coefficient 8·(v − 128); the quantiser is 1.
      const dc = (level - 128) * 8;
      const diff = dc - previous;
      previous = dc;
      const magnitude = diff < 0 ? -diff : diff;
      const category = magnitude === 0 ? 0 : 32 - Math.clz32(magnitude);
      const extra = diff < 0 ? diff + (1 << category) - 1 : diff;
      // DC code, `category` extra bits, then EOB ("0").
      const n = (DC_LENGTH[category] ?? 0) + category + 1;
      acc = (acc << n) | ((((DC_CODE[category] ?? 0) << category) | extra) << 1);
      nbits += n;
      while (nbits >= 8) {
        nbits -= 8;
        const byte = (acc >>> nbits) & 0xff;
        out[pos++] = byte;
        if (byte === 0xff) {
          out[pos++] = 0;
        }
      }
      acc &= (1 << nbits) - 1;
    }
  }
  if (nbits > 0) {
    // Pad the last byte with 1-bits.
    const byte = ((acc << (8 - nbits)) | ((1 << (8 - nbits)) - 1)) & 0xff;
    out[pos++] = byte;
    if (byte === 0xff) {
      out[pos++] = 0;
    }
  }
  out[pos++] = EOI[0] ?? 0xff;
  out[pos++] = EOI[1] ?? 0xd9;
  return Buffer.from(out.subarray(0, pos));
}
