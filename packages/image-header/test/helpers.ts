// Test helpers: a seeded PRNG, an instrumented in-memory reader, JPEG segment surgery, a DC-only
// JPEG decoder (independent of the encoder: it reads the tables from the file), and hand-built
// headers for GIF, BMP, WebP and TIFF.
import { crc32 } from 'node:zlib';

/** mulberry32: a small deterministic PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ReadCall {
  offset: number;
  length: number;
  returned: number;
}

/** A `read` callback over a buffer that records every call. */
export function memoryReader(data: Uint8Array): {
  read: (offset: number, length: number) => Promise<Uint8Array>;
  calls: ReadCall[];
  total: () => number;
} {
  const calls: ReadCall[] = [];
  return {
    calls,
    total: () => calls.reduce((s, c) => s + c.returned, 0),
    read: (offset, length) => {
      const out = data.subarray(
        Math.min(offset, data.length),
        Math.min(offset + length, data.length),
      );
      calls.push({ offset, length, returned: out.length });
      return Promise.resolve(out);
    },
  };
}

export interface JpegSegment {
  marker: number;
  /** Offset of the 0xFF of the marker. */
  offset: number;
  /** Offset just past the segment. */
  end: number;
}

/** The marker segments of a JPEG up to and including SOS. */
export function jpegSegments(jpeg: Uint8Array): JpegSegment[] {
  const out: JpegSegment[] = [];
  let pos = 2;
  for (;;) {
    const marker = jpeg[pos + 1]!;
    const length = (jpeg[pos + 2]! << 8) | jpeg[pos + 3]!;
    out.push({ marker, offset: pos, end: pos + 2 + length });
    if (marker === 0xda) {
      return out;
    }
    pos += 2 + length;
  }
}

export function segmentOf(jpeg: Uint8Array, marker: number): JpegSegment {
  const s = jpegSegments(jpeg).find((x) => x.marker === marker);
  if (s === undefined) {
    throw new Error(`no segment 0x${marker.toString(16)}`);
  }
  return s;
}

/** A marker segment with `size` bytes of payload (at most 65533). */
export function makeSegment(marker: number, payload: Uint8Array): Buffer {
  const head = Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([head, payload]);
}

/** Inserts `extra` right before the segment with `marker` (e.g. before DQT, after APP0/APP1). */
export function insertBefore(jpeg: Uint8Array, marker: number, extra: Uint8Array): Buffer {
  const at = segmentOf(jpeg, marker).offset;
  return Buffer.concat([jpeg.subarray(0, at), extra, jpeg.subarray(at)]);
}

/** ~`total` bytes of APP2 segments (like a large ICC profile), each at most 60 000 bytes. */
export function bigAppSegments(total: number, seed = 1): Buffer {
  const r = rng(seed);
  const parts: Buffer[] = [];
  for (let left = total; left > 0; left -= 60_000) {
    const payload = Buffer.alloc(Math.min(60_000, left));
    for (let i = 0; i < payload.length; i++) {
      payload[i] = Math.floor(r() * 256); // includes 0xFF bytes and fake "markers"
    }
    parts.push(makeSegment(0xe2, payload));
  }
  return Buffer.concat(parts);
}

/** Decodes a DC-only baseline grayscale JPEG: the level of each 8×8 block, row by row. */
export function decodeDcOnlyJpeg(jpeg: Uint8Array): {
  width: number;
  height: number;
  levels: number[];
} {
  const tables = new Map<number, Map<string, number>>();
  let width = 0;
  let height = 0;
  let quant = 0;
  let dataStart = 0;
  for (const s of jpegSegments(jpeg)) {
    const body = jpeg.subarray(s.offset + 4, s.end);
    if (s.marker === 0xdb) {
      quant = body[1]!; // all 64 values are the same in our files
      if (!body.subarray(1, 65).every((v) => v === quant)) {
        throw new Error('non-uniform quantisation table');
      }
    } else if (s.marker === 0xc0) {
      height = (body[1]! << 8) | body[2]!;
      width = (body[3]! << 8) | body[4]!;
      if (body[5] !== 1) {
        throw new Error('not grayscale');
      }
    } else if (s.marker === 0xc4) {
      let p = 0;
      while (p < body.length) {
        const id = body[p]!;
        const counts = body.subarray(p + 1, p + 17);
        const codes = new Map<string, number>();
        let code = 0;
        let k = p + 17;
        for (let len = 1; len <= 16; len++) {
          for (let i = 0; i < counts[len - 1]!; i++) {
            codes.set(`${len}:${code}`, body[k++]!);
            code++;
          }
          code <<= 1;
        }
        tables.set(id, codes);
        p = k;
      }
    } else if (s.marker === 0xda) {
      dataStart = s.end;
    }
  }
  // Unstuff up to EOI.
  const bytes: number[] = [];
  for (let i = dataStart; i < jpeg.length; i++) {
    const b = jpeg[i]!;
    if (b === 0xff) {
      const next = jpeg[i + 1];
      if (next === 0x00) {
        bytes.push(0xff);
        i++;
        continue;
      }
      if (next === 0xd9) {
        break;
      }
      throw new Error(`unexpected marker 0xff${next?.toString(16) ?? ''} in entropy data`);
    }
    bytes.push(b);
  }
  let bit = 0;
  const readBit = (): number => {
    const b = bytes[bit >> 3];
    if (b === undefined) {
      throw new Error('entropy data ends early');
    }
    const v = (b >> (7 - (bit & 7))) & 1;
    bit++;
    return v;
  };
  const decode = (table: Map<string, number>): number => {
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      code = (code << 1) | readBit();
      const symbol = table.get(`${len}:${code}`);
      if (symbol !== undefined) {
        return symbol;
      }
    }
    throw new Error('bad Huffman code');
  };
  const dcTable = tables.get(0x00)!;
  const acTable = tables.get(0x10)!;
  const levels: number[] = [];
  let dc = 0;
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  for (let n = 0; n < blocks; n++) {
    const s = decode(dcTable);
    let v = 0;
    for (let i = 0; i < s; i++) {
      v = (v << 1) | readBit();
    }
    const diff = s === 0 ? 0 : v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
    dc += diff;
    if (decode(acTable) !== 0x00) {
      throw new Error('AC coefficients present');
    }
    levels.push((dc * quant) / 8 + 128);
  }
  // Padding: the remaining bits of the last byte must be 1s.
  while (bit < bytes.length * 8) {
    if (readBit() !== 1) {
      throw new Error('padding bits are not 1');
    }
  }
  return { width, height, levels };
}

/** PNG chunks with their CRC checked. */
export function pngChunks(png: Uint8Array): { type: string; data: Buffer; crcOk: boolean }[] {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Buffer; crcOk: boolean }[] = [];
  let pos = 8;
  while (pos < buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + length);
    out.push({
      type,
      data,
      crcOk: crc32(buf.subarray(pos + 4, pos + 8 + length)) === buf.readUInt32BE(pos + 8 + length),
    });
    pos += 12 + length;
  }
  return out;
}

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Inserts chunks right after IHDR. */
export function pngInsertAfterIhdr(png: Uint8Array, ...chunks: Uint8Array[]): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
}

const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [
  v & 0xff,
  (v >> 8) & 0xff,
  (v >> 16) & 0xff,
  (v >>> 24) & 0xff,
];
const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const be32 = (v: number): number[] => [
  (v >>> 24) & 0xff,
  (v >> 16) & 0xff,
  (v >> 8) & 0xff,
  v & 0xff,
];
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

export function gif(width: number, height: number, version: '87a' | '89a' = '89a'): Buffer {
  return Buffer.from([
    ...ascii(`GIF${version}`),
    ...le16(width),
    ...le16(height),
    0x00,
    0,
    0,
    0x3b,
  ]);
}

/** A BMP with a BITMAPCOREHEADER (12) or an info header of `dibSize` bytes (no pixels). */
export function bmp(width: number, height: number, bitCount: number, dibSize = 40): Buffer {
  const dib =
    dibSize === 12
      ? [...le32(12), ...le16(width), ...le16(height), ...le16(1), ...le16(bitCount)]
      : [
          ...le32(dibSize),
          ...le32(width),
          ...le32(height),
          ...le16(1),
          ...le16(bitCount),
          ...new Array<number>(dibSize - 16).fill(0),
        ];
  const size = 14 + dib.length;
  return Buffer.from([...ascii('BM'), ...le32(size), 0, 0, 0, 0, ...le32(size), ...dib]);
}

function riff(chunks: number[]): Buffer {
  return Buffer.from([...ascii('RIFF'), ...le32(4 + chunks.length), ...ascii('WEBP'), ...chunks]);
}

function chunkLe(fourcc: string, data: number[]): number[] {
  return [...ascii(fourcc), ...le32(data.length), ...data, ...(data.length % 2 === 1 ? [0] : [])];
}

export function webpVp8(width: number, height: number): Buffer {
  const frame = [
    0x10,
    0x02,
    0x00,
    0x9d,
    0x01,
    0x2a,
    ...le16(width),
    ...le16(height),
    ...new Array<number>(20).fill(0),
  ];
  return riff(chunkLe('VP8 ', frame));
}

export function webpVp8l(width: number, height: number, alpha: boolean, version = 0): Buffer {
  const bits =
    ((width - 1) | ((height - 1) << 14) | ((alpha ? 1 : 0) << 28) | (version << 29)) >>> 0;
  return riff(chunkLe('VP8L', [0x2f, ...le32(bits), 0, 0, 0]));
}

/** A TIFF structure (for EXIF blocks): II/MM, IFD0 with one Orientation entry. */
export function exifTiff(orientation: number, le = true): number[] {
  const u16 = le ? le16 : be16;
  const u32 = le ? le32 : be32;
  return [
    ...ascii(le ? 'II' : 'MM'),
    ...u16(42),
    ...u32(8),
    ...u16(1),
    ...u16(0x0112),
    ...u16(3),
    ...u32(1),
    ...u16(orientation),
    0,
    0,
    ...u32(0),
  ];
}

export function webpVp8x(
  width: number,
  height: number,
  options: {
    alpha?: boolean;
    exifOrientation?: number;
    exifPrefix?: boolean;
    exifFlag?: boolean;
  } = {},
): Buffer {
  const hasExif = options.exifOrientation !== undefined;
  const flags = (options.alpha === true ? 0x10 : 0) | ((options.exifFlag ?? hasExif) ? 0x08 : 0);
  const vp8x = [flags, 0, 0, 0, ...le32(width - 1).slice(0, 3), ...le32(height - 1).slice(0, 3)];
  const image = chunkLe('VP8L', [
    0x2f,
    ...le32(((width - 1) | ((height - 1) << 14)) >>> 0),
    1,
    2,
    3,
  ]);
  const exif = hasExif
    ? chunkLe('EXIF', [
        ...(options.exifPrefix === true ? [...ascii('Exif'), 0, 0] : []),
        ...exifTiff(options.exifOrientation ?? 1),
      ])
    : [];
  return riff([...chunkLe('VP8X', vp8x), ...image, ...exif]);
}

export interface TiffOptions {
  le?: boolean;
  big?: boolean;
  width: number;
  height: number;
  /** Field type of the width/height entries: 3 SHORT or 4 LONG (default). */
  sizeType?: 3 | 4;
  samplesPerPixel?: number;
  bitsPerSample?: number[];
  orientation?: number;
  /** Put pixel bytes before IFD0 (IFD at the end of the file). */
  pixelBytes?: number;
}

/** A (Big)TIFF file with the given IFD0 entries. */
export function tiff(o: TiffOptions): Buffer {
  const le = o.le ?? true;
  const big = o.big ?? false;
  const u16 = le ? le16 : be16;
  const u32 = le ? le32 : be32;
  const u64 = (v: number): number[] => (le ? [...u32(v), 0, 0, 0, 0] : [0, 0, 0, 0, ...u32(v)]);
  const headerSize = big ? 16 : 8;
  const pixels = Buffer.alloc(o.pixelBytes ?? 0, 0x55);
  const entries: { tag: number; type: number; values: number[] }[] = [];
  const sizeType = o.sizeType ?? 4;
  entries.push(
    { tag: 256, type: sizeType, values: [o.width] },
    { tag: 257, type: sizeType, values: [o.height] },
  );
  if (o.bitsPerSample !== undefined) {
    entries.push({ tag: 258, type: 3, values: o.bitsPerSample });
  }
  if (o.orientation !== undefined) {
    entries.push({ tag: 274, type: 3, values: [o.orientation] });
  }
  if (o.samplesPerPixel !== undefined) {
    entries.push({ tag: 277, type: 3, values: [o.samplesPerPixel] });
  }
  const ifdAt = headerSize + pixels.length;
  const entrySize = big ? 20 : 12;
  const fieldSize = big ? 8 : 4;
  const ifdSize = (big ? 8 : 2) + entries.length * entrySize + fieldSize;
  let extraAt = ifdAt + ifdSize;
  const extra: number[] = [];
  const ifd: number[] = [...(big ? u64(entries.length) : u16(entries.length))];
  for (const e of entries) {
    const size = e.type === 3 ? 2 : 4;
    const bytes = e.values.flatMap((v) => (e.type === 3 ? u16(v) : u32(v)));
    let field: number[];
    if (bytes.length <= fieldSize) {
      field = [...bytes, ...new Array<number>(fieldSize - bytes.length).fill(0)];
    } else {
      field = big ? u64(extraAt) : u32(extraAt);
      extra.push(...bytes);
      extraAt += e.values.length * size;
    }
    ifd.push(
      ...u16(e.tag),
      ...u16(e.type),
      ...(big ? u64(e.values.length) : u32(e.values.length)),
      ...field,
    );
  }
  ifd.push(...(big ? u64(0) : u32(0)));
  const header = big
    ? [...ascii(le ? 'II' : 'MM'), ...u16(43), ...u16(8), ...u16(0), ...u64(ifdAt)]
    : [...ascii(le ? 'II' : 'MM'), ...u16(42), ...u32(ifdAt)];
  return Buffer.concat([Buffer.from(header), pixels, Buffer.from([...ifd, ...extra])]);
}
