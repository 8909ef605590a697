// The internal parsing protocol. Parsers pull bytes from a ByteSource by absolute offset; when a
// range is not at hand they return a `need` naming it, so a caller can fetch exactly that range
// (and skip everything in between, such as large JPEG metadata segments) and parse again.
import type { ImageFormat, ImageHeader } from '../types.js';

/** Random access to the bytes known so far. */
export interface ByteSource {
  /** The bytes [offset, offset + length) when all of them are at hand, else undefined. */
  get(offset: number, length: number): Uint8Array | undefined;
  /** The bytes at hand from `offset` on, contiguous, at most `max` of them (possibly none). */
  peek(offset: number, max: number): Uint8Array;
}

/** More bytes are needed: [offset, offset + length). */
export interface Need {
  kind: 'need';
  offset: number;
  length: number;
  /** What those bytes are, for error messages ("the JPEG frame header"). */
  what: string;
  format?: ImageFormat;
  /** What to report if those bytes do not exist (the file ends) or are out of budget. */
  fallback?: ImageHeader;
}

export interface Invalid {
  kind: 'invalid';
  format: ImageFormat;
  reason: string;
}

export type CoreResult = { kind: 'ok'; header: ImageHeader } | Need | Invalid | { kind: 'unknown' };

export function need(
  offset: number,
  length: number,
  what: string,
  format?: ImageFormat,
  fallback?: ImageHeader,
): Need {
  const n: Need = { kind: 'need', offset, length, what };
  if (format !== undefined) {
    n.format = format;
  }
  if (fallback !== undefined) {
    n.fallback = fallback;
  }
  return n;
}

export function invalid(format: ImageFormat, reason: string): Invalid {
  return { kind: 'invalid', format, reason };
}

export function ok(header: ImageHeader): { kind: 'ok'; header: ImageHeader } {
  return { kind: 'ok', header };
}

/** Builds a header; orientations outside 1–8 count as 1; 5–8 swap the displayed width and height. */
export function makeHeader(
  format: ImageFormat,
  storedWidth: number,
  storedHeight: number,
  orientation: number,
  channels?: number,
  bitsPerChannel?: number,
): ImageHeader {
  const o = Number.isInteger(orientation) && orientation >= 1 && orientation <= 8 ? orientation : 1;
  const swap = o >= 5;
  const header: ImageHeader = {
    format,
    width: swap ? storedHeight : storedWidth,
    height: swap ? storedWidth : storedHeight,
    storedWidth,
    storedHeight,
    orientation: o,
  };
  if (channels !== undefined) {
    header.channels = channels;
  }
  if (bitsPerChannel !== undefined) {
    header.bitsPerChannel = bitsPerChannel;
  }
  return header;
}

/** A ByteSource over one prefix of the data. */
export function prefixSource(bytes: Uint8Array): ByteSource {
  return {
    get(offset, length) {
      return offset >= 0 && length >= 0 && offset + length <= bytes.length
        ? bytes.subarray(offset, offset + length)
        : undefined;
    },
    peek(offset, max) {
      return offset >= 0 && offset < bytes.length
        ? bytes.subarray(offset, Math.min(bytes.length, offset + max))
        : new Uint8Array(0);
    },
  };
}

// Bounds-forgiving integer readers: callers pass arrays whose length they have already checked.
export function u8(b: Uint8Array, i: number): number {
  return b[i] ?? 0;
}
export function u16be(b: Uint8Array, i: number): number {
  return (u8(b, i) << 8) | u8(b, i + 1);
}
export function u16le(b: Uint8Array, i: number): number {
  return u8(b, i) | (u8(b, i + 1) << 8);
}
export function u24le(b: Uint8Array, i: number): number {
  return u8(b, i) | (u8(b, i + 1) << 8) | (u8(b, i + 2) << 16);
}
export function u32be(b: Uint8Array, i: number): number {
  return u8(b, i) * 0x1000000 + ((u8(b, i + 1) << 16) | (u8(b, i + 2) << 8) | u8(b, i + 3));
}
export function u32le(b: Uint8Array, i: number): number {
  return u8(b, i + 3) * 0x1000000 + ((u8(b, i + 2) << 16) | (u8(b, i + 1) << 8) | u8(b, i));
}
export function i32le(b: Uint8Array, i: number): number {
  return u32le(b, i) | 0;
}
export function u16(b: Uint8Array, i: number, le: boolean): number {
  return le ? u16le(b, i) : u16be(b, i);
}
export function u32(b: Uint8Array, i: number, le: boolean): number {
  return le ? u32le(b, i) : u32be(b, i);
}
/** An unsigned 64-bit integer, or -1 when it does not fit a safe integer. */
export function u64(b: Uint8Array, i: number, le: boolean): number {
  const hi = le ? u32le(b, i + 4) : u32be(b, i);
  const lo = le ? u32le(b, i) : u32be(b, i + 4);
  return hi >= 0x200000 ? -1 : hi * 0x100000000 + lo;
}

/** True when `b` holds the ASCII text `text` at `i`. */
export function isAscii(b: Uint8Array, i: number, text: string): boolean {
  if (i + text.length > b.length) {
    return false;
  }
  for (let k = 0; k < text.length; k++) {
    if (b[i + k] !== text.charCodeAt(k)) {
      return false;
    }
  }
  return true;
}

/** Four bytes as printable ASCII (non-printable bytes become "?"), for messages. */
export function fourcc(b: Uint8Array, i: number): string {
  let s = '';
  for (let k = 0; k < 4; k++) {
    const c = u8(b, i + k);
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}
