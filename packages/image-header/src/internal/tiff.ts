// TIFF structures: the header and IFD0 of TIFF files and of EXIF blocks (JPEG APP1, PNG eXIf,
// WebP EXIF). Every offset is checked against the end of the structure, so bogus offsets end in a
// `bad` result, never in an exception.
import {
  type ByteSource,
  type CoreResult,
  type Need,
  invalid,
  isAscii,
  makeHeader,
  need,
  ok,
  u16,
  u32,
  u64,
} from './core.js';
import type { ImageFormat } from '../types.js';

interface Layout {
  /** Little-endian ("II")? */
  le: boolean;
  /** BigTIFF (64-bit offsets)? */
  big: boolean;
  /** Absolute offset of the TIFF header; IFD offsets count from here. */
  base: number;
  /** Absolute end of the structure (Infinity for a whole TIFF file). */
  end: number;
}

interface Entry {
  type: number;
  count: number;
  /** Absolute offset of the entry's value-or-offset field. */
  field: number;
}

interface Bad {
  kind: 'bad';
  reason: string;
}

const bad = (reason: string): Bad => ({ kind: 'bad', reason });

/** Most entries scanned in one IFD; real IFD0s hold a few dozen. */
const MAX_ENTRIES = 4096;

/** Bytes per value of the TIFF field types read here: BYTE, SHORT, LONG, LONG8. */
function typeSize(type: number): number | undefined {
  switch (type) {
    case 1:
      return 1;
    case 3:
      return 2;
    case 4:
      return 4;
    case 16:
      return 8;
    default:
      return undefined;
  }
}

function within(layout: Layout, abs: number, length: number): boolean {
  return abs >= layout.base && abs + length <= layout.end;
}

/** Reads the 8-byte (16 for BigTIFF) TIFF header at `base`; returns the layout and IFD0's absolute offset. */
function readHeader(
  src: ByteSource,
  base: number,
  end: number,
  what: string,
  format: ImageFormat,
): { layout: Layout; ifd0: number } | Need | Bad {
  if (base + 8 > end) {
    return bad('the TIFF header is cut short');
  }
  const h = src.get(base, 8);
  if (h === undefined) {
    return need(base, 8, what, format);
  }
  const le = isAscii(h, 0, 'II');
  if (!le && !isAscii(h, 0, 'MM')) {
    return bad('the byte-order mark is neither II nor MM');
  }
  const magic = u16(h, 2, le);
  if (magic === 42) {
    const layout: Layout = { le, big: false, base, end };
    return { layout, ifd0: base + u32(h, 4, le) };
  }
  if (magic !== 43) {
    return bad(`the TIFF magic number is ${magic}, not 42`);
  }
  if (base + 16 > end) {
    return bad('the BigTIFF header is cut short');
  }
  const h16 = src.get(base, 16);
  if (h16 === undefined) {
    return need(base, 16, what, format);
  }
  if (u16(h16, 4, le) !== 8 || u16(h16, 6, le) !== 0) {
    return bad('the BigTIFF offset size is not 8');
  }
  const off = u64(h16, 8, le);
  if (off < 0) {
    return bad('the BigTIFF IFD offset is too large');
  }
  return { layout: { le, big: true, base, end }, ifd0: base + off };
}

/** Reads the entries of the IFD at absolute offset `ifd` whose tags are in `wanted`. */
function readIfd(
  src: ByteSource,
  layout: Layout,
  ifd: number,
  wanted: readonly number[],
  what: string,
  format: ImageFormat,
): Map<number, Entry> | Need | Bad {
  const countSize = layout.big ? 8 : 2;
  const entrySize = layout.big ? 20 : 12;
  if (ifd < layout.base + (layout.big ? 16 : 8) || !within(layout, ifd, countSize)) {
    return bad(`IFD0 offset ${ifd - layout.base} is outside the TIFF data`);
  }
  const c = src.get(ifd, countSize);
  if (c === undefined) {
    return need(ifd, countSize, what, format);
  }
  const count = layout.big ? u64(c, 0, layout.le) : u16(c, 0, layout.le);
  if (count <= 0) {
    return bad('IFD0 has no entries');
  }
  const found = new Map<number, Entry>();
  const n = Math.min(count, MAX_ENTRIES);
  for (let i = 0; i < n && found.size < wanted.length; i++) {
    const at = ifd + countSize + i * entrySize;
    if (!within(layout, at, entrySize)) {
      break; // an IFD cut short: keep the entries read so far
    }
    const e = src.get(at, entrySize);
    if (e === undefined) {
      return need(at, entrySize, what, format);
    }
    const tag = u16(e, 0, layout.le);
    if (wanted.includes(tag) && !found.has(tag)) {
      const entryCount = layout.big ? u64(e, 4, layout.le) : u32(e, 4, layout.le);
      found.set(tag, {
        type: u16(e, 2, layout.le),
        count: entryCount,
        field: at + (layout.big ? 12 : 8),
      });
    }
  }
  return found;
}

/** The first value of a BYTE/SHORT/LONG/LONG8 entry. */
function readFirstValue(
  src: ByteSource,
  layout: Layout,
  entry: Entry,
  what: string,
  format: ImageFormat,
): number | Need | Bad {
  const size = typeSize(entry.type);
  if (size === undefined || entry.count < 1) {
    return bad(`unexpected field type ${entry.type} or count ${entry.count}`);
  }
  const fieldSize = layout.big ? 8 : 4;
  let at = entry.field;
  if (entry.count * size > fieldSize) {
    const f = src.get(entry.field, fieldSize);
    if (f === undefined) {
      return need(entry.field, fieldSize, what, format);
    }
    const off = layout.big ? u64(f, 0, layout.le) : u32(f, 0, layout.le);
    if (off < 0) {
      return bad('a value offset is too large');
    }
    at = layout.base + off;
    if (!within(layout, at, size)) {
      return bad('a value offset points outside the TIFF data');
    }
  }
  const v = src.get(at, size);
  if (v === undefined) {
    return need(at, size, what, format);
  }
  switch (size) {
    case 1:
      return v[0] ?? 0;
    case 2:
      return u16(v, 0, layout.le);
    case 4:
      return u32(v, 0, layout.le);
    default: {
      const x = u64(v, 0, layout.le);
      return x < 0 ? bad('a value is too large') : x;
    }
  }
}

const ORIENTATION = 0x0112;

/**
 * The Orientation tag of an EXIF block's IFD0 (a TIFF structure in [start, end), optionally after an
 * "Exif\0\0" prefix). Anything malformed or out of range counts as orientation 1.
 */
export function readExifOrientation(
  src: ByteSource,
  start: number,
  end: number,
  format: ImageFormat,
): number | Need {
  let base = start;
  if (end - start >= 6) {
    const p = src.get(start, 6);
    if (p === undefined) {
      return need(start, 6, 'the EXIF block', format);
    }
    if (isAscii(p, 0, 'Exif') && p[4] === 0 && p[5] === 0) {
      base = start + 6;
    }
  }
  const what = 'the EXIF block';
  const head = readHeader(src, base, end, what, format);
  if ('kind' in head) {
    return head.kind === 'need' ? head : 1;
  }
  const entries = readIfd(src, head.layout, head.ifd0, [ORIENTATION], what, format);
  if (!(entries instanceof Map)) {
    return entries.kind === 'need' ? entries : 1;
  }
  const entry = entries.get(ORIENTATION);
  if (entry === undefined) {
    return 1;
  }
  const v = readFirstValue(src, head.layout, entry, what, format);
  if (typeof v !== 'number') {
    return v.kind === 'need' ? v : 1;
  }
  return v >= 1 && v <= 8 ? v : 1;
}

const WIDTH = 256;
const HEIGHT = 257;
const BITS_PER_SAMPLE = 258;
const SAMPLES_PER_PIXEL = 277;

/** A TIFF file: IFD0's ImageWidth, ImageLength, SamplesPerPixel, BitsPerSample and Orientation. */
export function parseTiff(src: ByteSource): CoreResult {
  const what = 'the TIFF directory (IFD0)';
  const head = readHeader(src, 0, Infinity, what, 'tiff');
  if ('kind' in head) {
    return head.kind === 'need' ? head : invalid('tiff', head.reason);
  }
  const { layout } = head;
  const entries = readIfd(
    src,
    layout,
    head.ifd0,
    [WIDTH, HEIGHT, BITS_PER_SAMPLE, SAMPLES_PER_PIXEL, ORIENTATION],
    what,
    'tiff',
  );
  if (!(entries instanceof Map)) {
    return entries.kind === 'need' ? entries : invalid('tiff', entries.reason);
  }
  const values = new Map<number, number>();
  for (const [tag, entry] of entries) {
    const v = readFirstValue(src, layout, entry, what, 'tiff');
    if (typeof v !== 'number') {
      if (v.kind === 'need') {
        return v;
      }
      if (tag === WIDTH || tag === HEIGHT) {
        return invalid('tiff', `tag ${tag}: ${v.reason}`);
      }
      continue; // an unreadable optional tag keeps its default
    }
    values.set(tag, v);
  }
  const width = values.get(WIDTH);
  const height = values.get(HEIGHT);
  if (width === undefined || height === undefined) {
    return invalid('tiff', 'IFD0 has no ImageWidth/ImageLength');
  }
  if (width < 1 || height < 1) {
    return invalid('tiff', `the image size is ${width}×${height}`);
  }
  // TIFF 6.0 defaults: SamplesPerPixel 1, BitsPerSample 1.
  const channels = values.get(SAMPLES_PER_PIXEL) ?? 1;
  const bits = values.get(BITS_PER_SAMPLE) ?? 1;
  return ok(
    makeHeader(
      'tiff',
      width,
      height,
      values.get(ORIENTATION) ?? 1,
      channels >= 1 ? channels : 1,
      bits >= 1 ? bits : 1,
    ),
  );
}
