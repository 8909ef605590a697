// JPEG: walk the marker segments from SOI by their lengths until a frame header (SOF).
import {
  type ByteSource,
  type CoreResult,
  invalid,
  isAscii,
  makeHeader,
  need,
  ok,
  u16be,
  u8,
} from './core.js';
import { readExifOrientation } from './tiff.js';

const hex = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Parses a JPEG whose first three bytes are FF D8 FF. */
export function parseJpeg(src: ByteSource): CoreResult {
  let pos = 2;
  let orientation = 1;
  let exifSeen = false;
  for (;;) {
    const m = src.get(pos, 2);
    if (m === undefined) {
      return need(pos, 2, 'the JPEG frame header (SOF)', 'jpeg');
    }
    if (m[0] !== 0xff) {
      return invalid('jpeg', `expected a marker at byte ${pos}, found ${hex(u8(m, 0))}`);
    }
    const marker = u8(m, 1);
    if (marker === 0xff) {
      pos += 1; // a fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2; // TEM, RSTn: no length
      continue;
    }
    if (marker === 0xd9) {
      return invalid('jpeg', 'the image ends (EOI) before any frame header (SOF)');
    }
    if (marker === 0xda) {
      return invalid('jpeg', 'scan data (SOS) starts before any frame header (SOF)');
    }
    if (marker === 0x00 || marker === 0xd8) {
      return invalid('jpeg', `unexpected marker ${hex(marker)} at byte ${pos}`);
    }
    const l = src.get(pos + 2, 2);
    if (l === undefined) {
      return need(pos + 2, 2, 'the JPEG frame header (SOF)', 'jpeg');
    }
    const length = u16be(l, 0);
    if (length < 2) {
      return invalid('jpeg', `segment ${hex(marker)} at byte ${pos} has length ${length}`);
    }
    if (isSof(marker)) {
      if (length < 8) {
        return invalid('jpeg', `the frame header (SOF) at byte ${pos} has length ${length}`);
      }
      const f = src.get(pos + 4, 6);
      if (f === undefined) {
        return need(pos + 4, 6, 'the JPEG frame header (SOF)', 'jpeg');
      }
      const precision = u8(f, 0);
      const height = u16be(f, 1);
      const width = u16be(f, 3);
      const components = u8(f, 5);
      if (width === 0 || height === 0) {
        return invalid('jpeg', `the frame header says ${width}×${height}`);
      }
      if (components === 0) {
        return invalid('jpeg', 'the frame header has no components');
      }
      return ok(makeHeader('jpeg', width, height, orientation, components, precision));
    }
    if (marker === 0xe1 && !exifSeen && length >= 8) {
      const id = src.get(pos + 4, 6);
      if (id === undefined) {
        return need(pos + 4, 6, 'the JPEG APP1 segment', 'jpeg');
      }
      if (isAscii(id, 0, 'Exif') && id[4] === 0 && id[5] === 0) {
        exifSeen = true;
        const o = readExifOrientation(src, pos + 10, pos + 2 + length, 'jpeg');
        if (typeof o !== 'number') {
          return o;
        }
        orientation = o;
      }
    }
    pos += 2 + length;
  }
}
