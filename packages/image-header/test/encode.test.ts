import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeJpeg, encodePng, parseImageHeader } from '../src/index.js';
import { decodeDcOnlyJpeg, jpegSegments, pngChunks } from './helpers.js';

const clamp = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));

describe('encodeJpeg', () => {
  it('writes the baseline grayscale segments in order', () => {
    const jpeg = encodeJpeg({ width: 20, height: 10, orientation: 6 });
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    expect([jpeg.at(-2), jpeg.at(-1)]).toEqual([0xff, 0xd9]);
    expect(jpegSegments(jpeg).map((s) => s.marker)).toEqual([
      0xe0, 0xe1, 0xdb, 0xc0, 0xc4, 0xc4, 0xda,
    ]);
    expect(
      jpegSegments(encodeJpeg({ width: 20, height: 10, jfif: false })).map((s) => s.marker),
    ).toEqual([0xdb, 0xc0, 0xc4, 0xc4, 0xda]);
    const app1 = jpeg.subarray(jpegSegments(jpeg)[1]!.offset + 4, jpegSegments(jpeg)[1]!.end);
    expect(app1.subarray(0, 8).toString('latin1')).toBe('Exif\0\0MM');
    const le = encodeJpeg({
      width: 20,
      height: 10,
      orientation: 6,
      exifByteOrder: 'little-endian',
    });
    expect(
      le
        .subarray(jpegSegments(le)[1]!.offset + 4 + 6, jpegSegments(le)[1]!.offset + 4 + 8)
        .toString('latin1'),
    ).toBe('II');
  });

  it.each([
    [1, 1],
    [7, 9],
    [8, 8],
    [17, 3],
    [64, 48],
  ])('%i×%i decodes (DC-only, padded blocks) to the shaded levels', (width, height) => {
    const shade = (x: number, y: number): number => (x * 13 + y * 7) % 256;
    const jpeg = encodeJpeg({ width, height, shade });
    const decoded = decodeDcOnlyJpeg(jpeg);
    expect([decoded.width, decoded.height]).toEqual([width, height]);
    const expected: number[] = [];
    for (let y = 0; y < height; y += 8) {
      for (let x = 0; x < width; x += 8) {
        expected.push(shade(x, y));
      }
    }
    expect(decoded.levels).toEqual(expected);
  });

  it('codes the extreme differences (0 → 255 → 0) and stuffs 0xFF bytes', () => {
    const shade = (x: number, y: number): number => (((x >> 3) + (y >> 3)) % 2 === 0 ? 0 : 255);
    const jpeg = encodeJpeg({ width: 256, height: 64, shade });
    const decoded = decodeDcOnlyJpeg(jpeg); // throws on an unstuffed 0xFF
    expect(decoded.levels.slice(0, 4)).toEqual([0, 255, 0, 255]);
    const scan = jpeg.subarray(jpegSegments(jpeg).at(-1)!.end);
    let stuffed = 0;
    for (let i = 0; i + 1 < scan.length; i++) {
      if (scan[i] === 0xff && scan[i + 1] === 0x00) {
        stuffed++;
      }
    }
    expect(stuffed).toBeGreaterThan(0);
  });

  it('rounds and clamps shades, defaults to mid-grey', () => {
    expect(
      decodeDcOnlyJpeg(encodeJpeg({ width: 24, height: 8, shade: (x) => [-5, 300, 99.6][x / 8]! }))
        .levels,
    ).toEqual([0, 255, 100]);
    expect(decodeDcOnlyJpeg(encodeJpeg({ width: 16, height: 16 })).levels).toEqual([
      128, 128, 128, 128,
    ]);
  });

  it('stays small and fast for large sizes', () => {
    expect(encodeJpeg({ width: 1920, height: 1080 }).length).toBeLessThan(16 * 1024);
    const big = encodeJpeg({ width: 4000, height: 3000 });
    expect(big.length).toBeLessThan(80 * 1024);
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) {
      encodeJpeg({ width: 640, height: 480, shade: (x, y) => (x + y + i) % 256 });
    }
    // Typically ~0.1 ms each; the bound is loose to stay robust on slow CI machines.
    expect((performance.now() - t0) / 200).toBeLessThan(5);
  });

  it('rejects bad options with SYNX_INVALID_INPUT', () => {
    for (const bad of [
      { width: 0, height: 1 },
      { width: 1.5, height: 1 },
      { width: 65536, height: 1 },
      { width: 1, height: 1, orientation: 9 },
      { width: 1, height: 1, shade: () => Number.NaN },
    ]) {
      expect(() => encodeJpeg(bad)).toThrow(
        expect.objectContaining({ code: 'SYNX_INVALID_INPUT' }) as Error,
      );
    }
  });
});

describe('encodePng', () => {
  it.each([1, 2, 3, 4] as const)(
    '%i channel(s): valid chunks, CRCs and pixel values',
    (channels) => {
      const shade = (x: number, y: number): number => x * 10 + y;
      const png = encodePng({ width: 13, height: 5, channels, shade });
      expect(png.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      const chunks = pngChunks(png);
      expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
      expect(chunks.every((c) => c.crcOk)).toBe(true);
      const ihdr = chunks[0]!.data;
      expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]]).toEqual([
        13,
        5,
        8,
        [0, 4, 2, 6][channels - 1],
      ]);
      const raw = inflateSync(chunks[1]!.data);
      const stride = 1 + 13 * channels;
      expect(raw.length).toBe(5 * stride);
      for (let y = 0; y < 5; y++) {
        expect(raw[y * stride]).toBe(0);
        for (let x = 0; x < 13; x++) {
          for (let c = 0; c < channels; c++) {
            expect(raw[y * stride + 1 + x * channels + c]).toBe(clamp(shade(x, y)));
          }
        }
      }
    },
  );

  it('defaults to RGB mid-grey', () => {
    const png = encodePng({ width: 3, height: 2 });
    expect(parseImageHeader(png)).toMatchObject({
      kind: 'ok',
      header: { channels: 3, bitsPerChannel: 8 },
    });
    expect([...inflateSync(pngChunks(png)[1]!.data)]).toEqual([
      0, 128, 128, 128, 128, 128, 128, 128, 128, 128, 0, 128, 128, 128, 128, 128, 128, 128, 128,
      128,
    ]);
  });

  it('rejects bad options with SYNX_INVALID_INPUT', () => {
    for (const bad of [
      { width: 0, height: 1 },
      { width: 1, height: -1 },
      { width: 1, height: 1, channels: 5 as 4 },
      { width: 100_000, height: 100_000 },
      { width: 1, height: 1, shade: () => Number.POSITIVE_INFINITY },
    ]) {
      expect(() => encodePng(bad)).toThrow(
        expect.objectContaining({ code: 'SYNX_INVALID_INPUT' }) as Error,
      );
    }
  });
});
