import { describe, expect, it } from 'vitest';
import {
  encodeJpeg,
  encodePng,
  parseImageHeader,
  type ImageHeader,
  type ParseResult,
} from '../src/index.js';
import {
  bmp,
  exifTiff,
  gif,
  insertBefore,
  makeSegment,
  pngChunk,
  pngInsertAfterIhdr,
  segmentOf,
  tiff,
  webpVp8,
  webpVp8l,
  webpVp8x,
} from './helpers.js';

function header(bytes: Uint8Array): ImageHeader {
  const r = parseImageHeader(bytes);
  if (r.kind !== 'ok') {
    throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  }
  return r.header;
}

const invalidOf = (r: ParseResult): string =>
  r.kind === 'invalid' ? r.reason : `not invalid: ${r.kind}`;

describe('JPEG round trips', () => {
  it.each([
    [1, 1],
    [7, 9],
    [640, 480],
    [1920, 1080],
    [4000, 3000],
  ])('%i×%i', (width, height) => {
    expect(header(encodeJpeg({ width, height }))).toEqual({
      format: 'jpeg',
      width,
      height,
      storedWidth: width,
      storedHeight: height,
      orientation: 1,
      channels: 1,
      bitsPerChannel: 8,
    });
  });

  it.each([
    [1, false],
    [2, false],
    [3, false],
    [4, false],
    [5, true],
    [6, true],
    [7, true],
    [8, true],
  ])(
    'orientation %i swaps width/height: %s (both EXIF byte orders, with and without JFIF)',
    (orientation, swapped) => {
      for (const exifByteOrder of ['little-endian', 'big-endian'] as const) {
        for (const jfif of [true, false]) {
          const h = header(
            encodeJpeg({ width: 640, height: 480, orientation, exifByteOrder, jfif }),
          );
          expect(h).toMatchObject({ orientation, storedWidth: 640, storedHeight: 480 });
          expect([h.width, h.height]).toEqual(swapped ? [480, 640] : [640, 480]);
        }
      }
    },
  );

  it('skips fill bytes, COM and unknown APP segments before SOF', () => {
    const jpeg = encodeJpeg({ width: 33, height: 21, orientation: 8 });
    const extra = Buffer.concat([
      makeSegment(0xfe, Buffer.from('a comment')),
      makeSegment(0xed, Buffer.alloc(300, 0xff)),
      Buffer.from([0xff, 0xff, 0xff]),
    ]);
    expect(header(insertBefore(jpeg, 0xc0, extra))).toMatchObject({
      width: 21,
      height: 33,
      orientation: 8,
    });
  });

  it('reads precision and component count of SOF1/SOF2 frames', () => {
    const jpeg = Buffer.from(encodeJpeg({ width: 10, height: 10 }));
    const sof = segmentOf(jpeg, 0xc0).offset;
    jpeg[sof + 1] = 0xc2; // progressive
    jpeg[sof + 4] = 12; // precision
    jpeg[sof + 9] = 3; // components
    expect(header(jpeg)).toMatchObject({ channels: 3, bitsPerChannel: 12 });
  });

  it('uses the first EXIF block only, and ignores other APP1 data (XMP)', () => {
    const jpeg = encodeJpeg({ width: 30, height: 20, orientation: 6 });
    const xmp = makeSegment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x/>'));
    const second = makeSegment(0xe1, Buffer.from([...Buffer.from('Exif\0\0'), ...exifTiff(8)]));
    expect(header(insertBefore(jpeg, 0xdb, Buffer.concat([xmp, second])))).toMatchObject({
      orientation: 6,
    });
  });

  it('treats bogus EXIF as orientation 1', () => {
    const base = encodeJpeg({ width: 30, height: 20, jfif: false });
    const exif = (tiffBytes: number[]): Buffer =>
      insertBefore(
        base,
        0xdb,
        makeSegment(0xe1, Buffer.from([...Buffer.from('Exif\0\0'), ...tiffBytes])),
      );
    const good = exifTiff(6, false);
    const cases: number[][] = [
      [...good.slice(0, 4), 0x7f, 0xff, 0xff, 0xff, ...good.slice(8)], // IFD0 offset far outside
      [...good.slice(0, 4), 0, 0, 0, 2, ...good.slice(8)], // IFD0 inside the header
      [...good.slice(0, 14), 0, 2, ...good.slice(16)], // type ASCII
      [...good.slice(0, 18), 0, 9, ...good.slice(20)], // orientation 9
      [...good.slice(0, 18), 0, 0, ...good.slice(20)], // orientation 0
      [...good.slice(0, 2), 0, 41, ...good.slice(4)], // bad magic
      [0x58, 0x58, ...good.slice(2)], // bad byte order
      good.slice(0, 5), // cut inside the header
      good.slice(0, 12), // cut inside the entry
      [],
    ];
    for (const c of cases) {
      expect(header(exif(c))).toMatchObject({ orientation: 1, width: 30, height: 20 });
    }
    expect(header(exif(good))).toMatchObject({ orientation: 6, width: 20, height: 30 });
    // An entry count past the end of the block: the entries that are there still count.
    expect(header(exif([...good.slice(0, 8), 0xff, 0xff, ...good.slice(10)]))).toMatchObject({
      orientation: 6,
    });
  });

  it('asks for more bytes until the SOF is in the prefix', () => {
    const jpeg = encodeJpeg({ width: 300, height: 200, orientation: 5 });
    const sofEnd = segmentOf(jpeg, 0xc0).end;
    let length = 0;
    let steps = 0;
    for (;;) {
      const r = parseImageHeader(jpeg.subarray(0, length));
      if (r.kind === 'ok') {
        expect(r.header).toMatchObject({ width: 200, height: 300, orientation: 5 });
        break;
      }
      expect(r.kind).toBe('need-more');
      const atLeast = r.kind === 'need-more' ? r.atLeast : Infinity;
      expect(atLeast).toBeGreaterThan(length);
      expect(atLeast).toBeLessThanOrEqual(sofEnd);
      length = atLeast;
      steps++;
    }
    expect(steps).toBeGreaterThan(3);
    expect(length).toBeLessThanOrEqual(sofEnd);
  });

  it('reports malformed marker streams as invalid', () => {
    const jpeg = encodeJpeg({ width: 8, height: 8, jfif: false });
    const sof = segmentOf(jpeg, 0xc0);
    const dqt = segmentOf(jpeg, 0xdb);
    const noSof = Buffer.concat([jpeg.subarray(0, sof.offset), jpeg.subarray(sof.end)]);
    expect(invalidOf(parseImageHeader(noSof))).toMatch(/SOS.*before any frame header/);
    expect(invalidOf(parseImageHeader(Buffer.from([0xff, 0xd8, 0xff, 0xd9])))).toMatch(/EOI/);
    expect(
      invalidOf(parseImageHeader(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x01, 0, 0]))),
    ).toMatch(/length 1/);
    const garbage = Buffer.from(jpeg);
    garbage[dqt.end] = 0x12;
    expect(invalidOf(parseImageHeader(garbage))).toMatch(/expected a marker/);
    const zero = Buffer.from(jpeg);
    zero[sof.offset + 5] = 0; // height high byte
    zero[sof.offset + 6] = 0;
    expect(invalidOf(parseImageHeader(zero))).toMatch(/8×0/);
    const shortSof = Buffer.from(jpeg);
    shortSof[sof.offset + 3] = 6;
    expect(parseImageHeader(shortSof)).toMatchObject({ kind: 'invalid', format: 'jpeg' });
  });
});

describe('PNG', () => {
  it.each([
    [1, 1, 1],
    [7, 9, 2],
    [640, 480, 3],
    [1920, 1080, 4],
    [4000, 3000, 1],
  ] as const)('%i×%i with %i channel(s) round-trips', (width, height, channels) => {
    expect(header(encodePng({ width, height, channels }))).toEqual({
      format: 'png',
      width,
      height,
      storedWidth: width,
      storedHeight: height,
      orientation: 1,
      channels,
      bitsPerChannel: 8,
    });
  });

  it('maps colour types and bit depths (palette = 3 channels)', () => {
    const base = encodePng({ width: 5, height: 4 });
    const withIhdr = (depth: number, colourType: number): Buffer => {
      const ihdr = Buffer.from(base.subarray(16, 29));
      ihdr[8] = depth;
      ihdr[9] = colourType;
      return Buffer.concat([base.subarray(0, 8), pngChunk('IHDR', ihdr), base.subarray(33)]);
    };
    expect(header(withIhdr(16, 0))).toMatchObject({ channels: 1, bitsPerChannel: 16 });
    expect(header(withIhdr(4, 3))).toMatchObject({ channels: 3, bitsPerChannel: 4 });
    expect(header(withIhdr(16, 6))).toMatchObject({ channels: 4, bitsPerChannel: 16 });
    expect(header(withIhdr(8, 4))).toMatchObject({ channels: 2 });
    expect(invalidOf(parseImageHeader(withIhdr(8, 5)))).toMatch(/colour type 5/);
    expect(invalidOf(parseImageHeader(withIhdr(4, 2)))).toMatch(/bit depth 4/);
  });

  it('honours an eXIf chunk before IDAT (with or without the Exif prefix), not after', () => {
    const base = encodePng({ width: 40, height: 30 });
    const exif = pngChunk('eXIf', Buffer.from(exifTiff(6, false)));
    expect(
      header(pngInsertAfterIhdr(base, pngChunk('tEXt', Buffer.from('k\0v')), exif)),
    ).toMatchObject({ width: 30, height: 40, orientation: 6 });
    const prefixed = pngChunk('eXIf', Buffer.from([...Buffer.from('Exif\0\0'), ...exifTiff(8)]));
    expect(header(pngInsertAfterIhdr(base, prefixed))).toMatchObject({ orientation: 8 });
    const after = Buffer.concat([
      base.subarray(0, base.length - 12),
      exif,
      base.subarray(base.length - 12),
    ]);
    expect(header(after)).toMatchObject({ orientation: 1, width: 40 });
  });

  it('accepts Apple CgBI PNGs; rejects a first chunk other than IHDR', () => {
    const base = encodePng({ width: 9, height: 8 });
    expect(
      header(
        Buffer.concat([base.subarray(0, 8), pngChunk('CgBI', Buffer.alloc(4)), base.subarray(8)]),
      ),
    ).toMatchObject({ width: 9, height: 8 });
    expect(
      invalidOf(
        parseImageHeader(
          Buffer.concat([
            base.subarray(0, 8),
            pngChunk('tEXt', Buffer.from('a\0b')),
            base.subarray(8),
          ]),
        ),
      ),
    ).toMatch(/tEXt/);
  });

  it('needs the chunks up to IDAT before answering from a prefix', () => {
    const png = encodePng({ width: 9, height: 8 });
    expect(parseImageHeader(png.subarray(0, 20))).toEqual({ kind: 'need-more', atLeast: 29 });
    expect(parseImageHeader(png.subarray(0, 33))).toEqual({ kind: 'need-more', atLeast: 41 });
    expect(parseImageHeader(png.subarray(0, 41)).kind).toBe('ok');
  });
});

describe('GIF, BMP, WebP, TIFF', () => {
  it('GIF87a and GIF89a: logical screen size, 3 channels', () => {
    expect(header(gif(14, 25))).toEqual({
      format: 'gif',
      width: 14,
      height: 25,
      storedWidth: 14,
      storedHeight: 25,
      orientation: 1,
      channels: 3,
    });
    expect(header(gif(300, 2, '87a'))).toMatchObject({ width: 300, height: 2 });
    expect(parseImageHeader(gif(0, 5))).toMatchObject({ kind: 'invalid', format: 'gif' });
  });

  it('BMP: core and info headers, top-down, channels by bit count', () => {
    expect(header(bmp(41, 19, 24, 12))).toMatchObject({
      format: 'bmp',
      width: 41,
      height: 19,
      channels: 3,
    });
    expect(header(bmp(37, 23, 24))).toMatchObject({ width: 37, height: 23, channels: 3 });
    expect(header(bmp(37, -23, 32, 124))).toMatchObject({ width: 37, height: 23, channels: 4 });
    expect(header(bmp(37, 23, 8, 108))).toMatchObject({ channels: 3 });
    expect(header(bmp(37, 23, 1))).toMatchObject({ channels: 3 });
    expect(header(bmp(37, 23, 0)).channels).toBeUndefined();
    expect(parseImageHeader(bmp(-4, 23, 24))).toMatchObject({ kind: 'invalid', format: 'bmp' });
    expect(
      parseImageHeader(Buffer.from('BMW and other cars: a text file that starts with BM')),
    ).toEqual({ kind: 'unknown' });
  });

  it('WebP: VP8, VP8L (alpha), VP8X (alpha, EXIF orientation)', () => {
    expect(header(webpVp8(37, 23))).toEqual({
      format: 'webp',
      width: 37,
      height: 23,
      storedWidth: 37,
      storedHeight: 23,
      orientation: 1,
      channels: 3,
    });
    expect(header(webpVp8l(16384, 1, false))).toMatchObject({
      width: 16384,
      height: 1,
      channels: 3,
    });
    expect(header(webpVp8l(5, 7, true))).toMatchObject({ width: 5, height: 7, channels: 4 });
    expect(header(webpVp8x(16_777_216, 3, { alpha: true }))).toMatchObject({
      width: 16_777_216,
      height: 3,
      channels: 4,
    });
    expect(header(webpVp8x(40, 30, { exifOrientation: 6 }))).toMatchObject({
      width: 30,
      height: 40,
      storedWidth: 40,
      orientation: 6,
      channels: 3,
    });
    expect(header(webpVp8x(40, 30, { exifOrientation: 7, exifPrefix: true }))).toMatchObject({
      orientation: 7,
      width: 30,
    });
    expect(header(webpVp8x(40, 30, { exifFlag: true }))).toMatchObject({
      orientation: 1,
      width: 40,
    }); // flag without chunk
    expect(parseImageHeader(webpVp8l(5, 7, false, 1))).toMatchObject({
      kind: 'invalid',
      format: 'webp',
    });
    const riffWave = Buffer.from('RIFF\x24\0\0\0WAVEfmt ', 'latin1');
    expect(parseImageHeader(riffWave)).toEqual({ kind: 'unknown' });
  });

  it('TIFF: II and MM, SHORT and LONG sizes, samples, bits, orientation', () => {
    expect(
      header(tiff({ width: 200, height: 100, samplesPerPixel: 1, bitsPerSample: [16] })),
    ).toEqual({
      format: 'tiff',
      width: 200,
      height: 100,
      storedWidth: 200,
      storedHeight: 100,
      orientation: 1,
      channels: 1,
      bitsPerChannel: 16,
    });
    expect(
      header(
        tiff({
          le: false,
          sizeType: 3,
          width: 70_000 & 0xffff,
          height: 5,
          samplesPerPixel: 3,
          bitsPerSample: [8, 8, 8],
        }),
      ),
    ).toMatchObject({
      width: 70_000 & 0xffff,
      channels: 3,
      bitsPerChannel: 8,
    });
    expect(
      header(
        tiff({
          width: 70_000,
          height: 5,
          samplesPerPixel: 4,
          bitsPerSample: [16, 16, 16, 16],
          orientation: 6,
        }),
      ),
    ).toMatchObject({
      width: 5,
      height: 70_000,
      orientation: 6,
      channels: 4,
      bitsPerChannel: 16,
    });
    expect(header(tiff({ width: 3, height: 2 }))).toMatchObject({ channels: 1, bitsPerChannel: 1 }); // TIFF defaults
    expect(
      header(
        tiff({
          big: true,
          le: false,
          width: 41,
          height: 19,
          samplesPerPixel: 3,
          bitsPerSample: [8, 8, 8],
          orientation: 8,
        }),
      ),
    ).toMatchObject({
      width: 19,
      height: 41,
      channels: 3,
    });
  });

  it('TIFF: IFD0 after the pixel data is asked for by offset', () => {
    const file = tiff({ width: 9, height: 4, pixelBytes: 100_000 });
    expect(parseImageHeader(file.subarray(0, 1000))).toEqual({
      kind: 'need-more',
      atLeast: 100_010,
    });
    expect(header(file)).toMatchObject({ width: 9, height: 4 });
  });

  it('TIFF without a size is invalid', () => {
    const file = Buffer.from(tiff({ width: 9, height: 4 }));
    file.writeUInt16LE(300, 10); // tag 256 → 300
    expect(invalidOf(parseImageHeader(file))).toMatch(/ImageWidth/);
  });
});

describe('recognition', () => {
  it('unknown data and too-short prefixes', () => {
    expect(parseImageHeader(Buffer.from('hello, world'))).toEqual({ kind: 'unknown' });
    expect(parseImageHeader(Buffer.from('%PDF-1.7'))).toEqual({ kind: 'unknown' });
    expect(parseImageHeader(new Uint8Array(0))).toEqual({ kind: 'need-more', atLeast: 3 });
    expect(parseImageHeader(Buffer.from([0x89, 0x50]))).toEqual({ kind: 'need-more', atLeast: 8 });
    expect(parseImageHeader(Buffer.from('RIFF'))).toEqual({ kind: 'need-more', atLeast: 12 });
    expect(parseImageHeader(Buffer.from('BM'))).toEqual({ kind: 'need-more', atLeast: 18 });
  });
});
