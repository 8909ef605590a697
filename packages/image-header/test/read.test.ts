import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSynxError, SynxError } from '@synx/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeJpeg,
  encodePng,
  parseImageHeader,
  readImageHeader,
  readImageHeaderFromFile,
  readImageHeaderFromFileSync,
} from '../src/index.js';
import {
  bigAppSegments,
  bmp,
  gif,
  insertBefore,
  memoryReader,
  pngChunk,
  pngInsertAfterIhdr,
  exifTiff,
  rng,
  segmentOf,
  tiff,
  webpVp8,
  webpVp8l,
  webpVp8x,
} from './helpers.js';

const invalidInput = (pattern: RegExp): unknown =>
  expect.objectContaining({
    code: 'SYNX_INVALID_INPUT',
    message: expect.stringMatching(pattern) as string,
  });

describe('readImageHeader: reading only what is needed', () => {
  it('skips ~200 KB of APP segments by their lengths and still finds EXIF and SOF', async () => {
    const base = encodeJpeg({
      width: 4000,
      height: 3000,
      orientation: 6,
      shade: (x, y) => (x * 7 + y * 13) % 256,
    });
    const file = insertBefore(base, 0xdb, bigAppSegments(200_000)); // after APP0 and APP1 (EXIF)
    const sof = segmentOf(file, 0xc0);
    expect(file.length).toBeGreaterThan(600_000);
    const { read, calls, total } = memoryReader(file);
    const h = await readImageHeader(read, { what: 'big.jpg' });
    expect(h).toMatchObject({
      width: 3000,
      height: 4000,
      storedWidth: 4000,
      storedHeight: 3000,
      orientation: 6,
    });
    expect(calls[0]).toMatchObject({ offset: 0, length: 65_536 });
    expect(calls.every((c) => c.length <= 65_536)).toBe(true);
    expect(total()).toBeLessThan(100_000);
    expect(total()).toBeLessThan(sof.offset / 2);
    // Nothing far past the frame header (the scan data) was read.
    expect(Math.max(...calls.map((c) => c.offset + c.returned))).toBeLessThan(sof.end + 8192);
  });

  it('reads a small file with one call', async () => {
    const { read, calls } = memoryReader(encodeJpeg({ width: 640, height: 480 }));
    await expect(readImageHeader(read)).resolves.toMatchObject({ width: 640, height: 480 });
    expect(calls).toHaveLength(1);
  });

  it('reads TIFF IFD0 at the end of a large file with a small jump', async () => {
    const file = tiff({ width: 12, height: 34, pixelBytes: 3_000_000, orientation: 5 });
    const { read, total } = memoryReader(file);
    await expect(readImageHeader(read)).resolves.toMatchObject({
      width: 34,
      height: 12,
      orientation: 5,
    });
    expect(total()).toBeLessThan(80_000);
  });

  it('hops over WebP image data to a trailing EXIF chunk', async () => {
    const file = webpVp8x(40, 30, { exifOrientation: 6 });
    await expect(readImageHeader(memoryReader(file).read)).resolves.toMatchObject({
      width: 30,
      height: 40,
      orientation: 6,
    });
  });

  it('gives up after maxBytes, or returns what it has when the rest is optional', async () => {
    const jpeg = insertBefore(encodeJpeg({ width: 10, height: 10 }), 0xdb, bigAppSegments(200_000));
    await expect(
      readImageHeader(memoryReader(jpeg).read, { what: 'x.jpg', maxBytes: 66_000 }),
    ).rejects.toThrow(invalidInput(/^x\.jpg: no complete JPEG header within 66000 bytes/));
    await expect(
      readImageHeader(memoryReader(jpeg).read, { maxBytes: 100_000 }),
    ).resolves.toMatchObject({ width: 10 });
    const png = pngInsertAfterIhdr(
      encodePng({ width: 7, height: 3 }),
      pngChunk('zTXt', Buffer.alloc(100_000)),
      pngChunk('eXIf', Buffer.from(exifTiff(6))),
    );
    await expect(readImageHeader(memoryReader(png).read)).resolves.toMatchObject({
      orientation: 6,
      width: 3,
    });
    await expect(
      readImageHeader(memoryReader(png).read, { maxBytes: 65_536 }),
    ).resolves.toMatchObject({ orientation: 1, width: 7 });
    await expect(readImageHeader(memoryReader(png).read, { maxBytes: 0 })).rejects.toThrow(
      invalidInput(/maxBytes/),
    );
  });
});

describe('readImageHeader: truncated and foreign data', () => {
  const jpeg = encodeJpeg({ width: 321, height: 123, orientation: 3 });
  const sof = segmentOf(jpeg, 0xc0);

  it('parses a JPEG cut right after its SOF', async () => {
    await expect(
      readImageHeader(memoryReader(jpeg.subarray(0, sof.end)).read),
    ).resolves.toMatchObject({ width: 321, height: 123, orientation: 3 });
    expect(parseImageHeader(jpeg.subarray(0, sof.end)).kind).toBe('ok');
  });

  it('throws SYNX_INVALID_INPUT for a JPEG cut before its SOF', async () => {
    for (const cut of [sof.offset + 5, sof.offset, 20, 3]) {
      await expect(
        readImageHeader(memoryReader(jpeg.subarray(0, cut)).read, { what: 'cut.jpg' }),
      ).rejects.toThrow(
        invalidInput(
          /^cut\.jpg is a truncated JPEG image: it ends at byte \d+, before the JPEG frame header/,
        ),
      );
    }
  });

  it('returns the header of a PNG cut after IHDR (the eXIf search is optional)', async () => {
    const png = encodePng({ width: 7, height: 3 });
    await expect(readImageHeader(memoryReader(png.subarray(0, 35)).read)).resolves.toMatchObject({
      width: 7,
      height: 3,
      orientation: 1,
    });
    await expect(readImageHeader(memoryReader(png.subarray(0, 28)).read)).rejects.toThrow(
      invalidInput(/truncated PNG/),
    );
  });

  it('names `what` for data that is not an image, empty or too short', async () => {
    const r = rng(7);
    const noise = Buffer.from(Array.from({ length: 5000 }, () => Math.floor(r() * 256)));
    noise[0] = 0x00;
    await expect(
      readImageHeader(memoryReader(noise).read, { what: 'items/42/noise.bin' }),
    ).rejects.toThrow(
      invalidInput(
        /^items\/42\/noise\.bin is not a recognised image \(expected JPEG, PNG, GIF, BMP, WebP or TIFF\)$/,
      ),
    );
    await expect(
      readImageHeader(memoryReader(new Uint8Array(0)).read, { what: 'e.png' }),
    ).rejects.toThrow(invalidInput(/^e\.png is empty$/));
    await expect(
      readImageHeader(memoryReader(Buffer.from([0xff, 0xd8])).read, { what: 's' }),
    ).rejects.toThrow(invalidInput(/^s is too short to be an image \(2 bytes\)$/));
    await expect(readImageHeader(memoryReader(Buffer.from('<html></html>')).read)).rejects.toThrow(
      invalidInput(/^input is not a recognised image/),
    );
  });

  it('reports malformed headers as SYNX_INVALID_INPUT naming the format', async () => {
    await expect(readImageHeader(memoryReader(gif(0, 0)).read, { what: 'g.gif' })).rejects.toThrow(
      invalidInput(/^g\.gif is not a valid GIF image: /),
    );
  });

  it('fuzz: 2,000 truncations and byte flips never throw anything but SynxError', async () => {
    const samples = [
      encodeJpeg({ width: 50, height: 40, orientation: 6 }),
      encodeJpeg({
        width: 50,
        height: 40,
        orientation: 8,
        exifByteOrder: 'little-endian',
        jfif: false,
      }),
      insertBefore(encodeJpeg({ width: 9, height: 9 }), 0xdb, bigAppSegments(70_000, 3)),
      pngInsertAfterIhdr(
        encodePng({ width: 6, height: 5, channels: 4 }),
        pngChunk('eXIf', Buffer.from(exifTiff(5, false))),
      ),
      gif(14, 25),
      bmp(37, -23, 32, 124),
      bmp(41, 19, 24, 12),
      webpVp8(37, 23),
      webpVp8l(5, 7, true),
      webpVp8x(40, 30, { exifOrientation: 6, alpha: true }),
      tiff({
        width: 200,
        height: 100,
        samplesPerPixel: 3,
        bitsPerSample: [8, 8, 8],
        orientation: 6,
      }),
      tiff({
        big: true,
        le: false,
        width: 9,
        height: 4,
        bitsPerSample: [16, 16, 16],
        pixelBytes: 50,
      }),
    ];
    const r = rng(2024);
    const outcomes = { ok: 0, rejected: 0 };
    for (let i = 0; i < 2000; i++) {
      const sample = samples[i % samples.length]!;
      // Mutate mostly the header area, where the parser looks.
      const head = Math.min(sample.length, 600);
      let data = Buffer.from(sample);
      const mode = Math.floor(r() * 3);
      if (mode !== 1) {
        const flips = 1 + Math.floor(r() * 4);
        for (let f = 0; f < flips; f++) {
          const at = Math.floor(r() * head);
          data[at] = r() < 0.3 ? 0xff : Math.floor(r() * 256);
        }
      }
      if (mode !== 0) {
        data = data.subarray(0, Math.floor(r() * data.length));
      }
      const parsed = parseImageHeader(data); // must never throw
      expect(['ok', 'need-more', 'unknown', 'invalid']).toContain(parsed.kind);
      try {
        const h = await readImageHeader(memoryReader(data).read, {
          what: `fuzz #${i}`,
          maxBytes: 200_000,
        });
        expect(
          Number.isInteger(h.width) && h.width > 0 && Number.isInteger(h.height) && h.height > 0,
        ).toBe(true);
        expect(h.orientation >= 1 && h.orientation <= 8).toBe(true);
        outcomes.ok++;
      } catch (err) {
        if (!(isSynxError(err) && err.code === 'SYNX_INVALID_INPUT')) {
          throw err;
        }
        expect(err.message).toContain(`fuzz #${i}`);
        outcomes.rejected++;
      }
    }
    expect(outcomes.ok).toBeGreaterThan(200);
    expect(outcomes.rejected).toBeGreaterThan(200);
  });
});

describe('readImageHeader: the read callback and cancellation', () => {
  const jpeg = encodeJpeg({ width: 64, height: 32 });

  it('wraps reader failures as SYNX_IO and passes SynxErrors through', async () => {
    const boom = new Error('socket hang up');
    await expect(
      readImageHeader(() => Promise.reject(boom), { what: 'https://x/y.jpg' }),
    ).rejects.toThrow(
      expect.objectContaining({
        code: 'SYNX_IO',
        message: 'reading https://x/y.jpg failed: socket hang up',
        cause: boom,
      }) as Error,
    );
    const own = new SynxError('SYNX_NETWORK', 'reset');
    await expect(readImageHeader(() => Promise.reject(own))).rejects.toBe(own);
  });

  it('tolerates a reader that returns more than asked', async () => {
    await expect(
      readImageHeader(() => Promise.resolve(Buffer.concat([jpeg, Buffer.alloc(100_000)]))),
    ).resolves.toMatchObject({ width: 64 });
  });

  it('throws SYNX_ABORTED before the first read and between reads', async () => {
    const ac = new AbortController();
    ac.abort();
    const { read, calls } = memoryReader(jpeg);
    await expect(readImageHeader(read, { signal: ac.signal })).rejects.toThrow(
      expect.objectContaining({ code: 'SYNX_ABORTED' }) as Error,
    );
    expect(calls).toHaveLength(0);
    const later = new AbortController();
    const big = insertBefore(jpeg, 0xdb, bigAppSegments(100_000));
    const reader = memoryReader(big);
    const readThenAbort = async (offset: number, length: number): Promise<Uint8Array> => {
      const out = await reader.read(offset, length);
      later.abort();
      return out;
    };
    await expect(readImageHeader(readThenAbort, { signal: later.signal })).rejects.toThrow(
      expect.objectContaining({ code: 'SYNX_ABORTED' }) as Error,
    );
    expect(reader.calls).toHaveLength(1);
  });
});

describe('readImageHeaderFromFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synx-image-header-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const fdCount = (): number =>
    existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0;

  it('reads headers from files and closes every handle, also on errors', async () => {
    const jpegPath = join(dir, 'photo.jpg');
    const textPath = join(dir, 'notes.txt');
    await writeFile(
      jpegPath,
      insertBefore(
        encodeJpeg({ width: 800, height: 600, orientation: 6 }),
        0xdb,
        bigAppSegments(150_000),
      ),
    );
    await writeFile(textPath, 'not an image at all');
    await mkdir(join(dir, 'folder.png'));
    const before = fdCount();
    for (let i = 0; i < 10; i++) {
      await expect(readImageHeaderFromFile(jpegPath)).resolves.toMatchObject({
        width: 600,
        height: 800,
        orientation: 6,
      });
      await expect(readImageHeaderFromFile(textPath)).rejects.toThrow(
        invalidInput(/notes\.txt is not a recognised image/),
      );
      // a folder (or FIFO, socket, device) is refused as input, without a blocking read
      await expect(readImageHeaderFromFile(join(dir, 'folder.png'))).rejects.toThrow(
        expect.objectContaining({
          code: 'SYNX_INVALID_INPUT',
          message: expect.stringContaining('folder.png is not a regular file') as string,
        }) as Error,
      );
    }
    expect(fdCount()).toBe(before);
  });

  it('maps a missing file to SYNX_IO naming the path', async () => {
    const missing = join(dir, 'missing.jpg');
    const err: unknown = await readImageHeaderFromFile(missing).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SYNX_IO', details: { path: missing, code: 'ENOENT' } });
    expect((err as Error).message).toContain(missing);
  });

  it('honours signal and maxBytes', async () => {
    const path = join(dir, 'big-app.jpg');
    await writeFile(
      path,
      insertBefore(encodeJpeg({ width: 8, height: 8 }), 0xdb, bigAppSegments(200_000)),
    );
    const ac = new AbortController();
    ac.abort();
    await expect(readImageHeaderFromFile(path, { signal: ac.signal })).rejects.toThrow(
      expect.objectContaining({ code: 'SYNX_ABORTED' }) as Error,
    );
    await expect(readImageHeaderFromFile(path, { maxBytes: 65_536 })).rejects.toThrow(
      invalidInput(/big-app\.jpg: no complete JPEG header/),
    );
    await expect(readImageHeaderFromFile(path)).resolves.toMatchObject({ width: 8 });
  });
});

describe('readImageHeaderFromFileSync', () => {
  it('agrees with the async reader, including headers behind large metadata and truncation', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'synx-ih-sync-'));
    try {
      const jpeg = encodeJpeg({ width: 640, height: 480, orientation: 6 });
      // a 200 KB comment segment after SOI pushes the frame header far beyond the first read
      const com = Buffer.alloc(65_535 + 2, 0x20);
      com[0] = 0xff;
      com[1] = 0xfe;
      com.writeUInt16BE(65_535, 2);
      const padded = Buffer.concat([jpeg.subarray(0, 2), com, com, com, jpeg.subarray(2)]);
      const files: Record<string, Buffer> = {
        'a.jpg': jpeg,
        'b.png': encodePng({ width: 7, height: 9, channels: 4 }),
        'c.jpg': padded,
      };
      for (const [name, bytes] of Object.entries(files)) {
        writeFileSync(join(dir, name), bytes);
        expect(readImageHeaderFromFileSync(join(dir, name))).toEqual(
          await readImageHeaderFromFile(join(dir, name)),
        );
      }
      expect(readImageHeaderFromFileSync(join(dir, 'a.jpg'))).toMatchObject({
        width: 480,
        height: 640,
        orientation: 6,
      });
      writeFileSync(join(dir, 'cut.jpg'), jpeg.subarray(0, 20));
      expect(() => readImageHeaderFromFileSync(join(dir, 'cut.jpg'))).toThrow(
        expect.objectContaining({ code: 'SYNX_INVALID_INPUT' }) as Error,
      );
      // the same message as the async reader, word for word
      const asyncMessage = await readImageHeaderFromFile(join(dir, 'cut.jpg')).then(
        () => 'no error',
        (err: unknown) => (err as Error).message,
      );
      expect(() => readImageHeaderFromFileSync(join(dir, 'cut.jpg'))).toThrow(asyncMessage);
      expect(asyncMessage).toMatch(/is a truncated JPEG image: it ends at byte 20/);
      // a PNG cut right after its IHDR chunk still has its size, from both readers
      const png = encodePng({ width: 7, height: 9, channels: 4 });
      writeFileSync(join(dir, 'cut.png'), png.subarray(0, 33));
      expect(readImageHeaderFromFileSync(join(dir, 'cut.png'))).toEqual(
        await readImageHeaderFromFile(join(dir, 'cut.png')),
      );
      expect(readImageHeaderFromFileSync(join(dir, 'cut.png'))).toMatchObject({
        width: 7,
        height: 9,
      });
      writeFileSync(join(dir, 'txt.jpg'), 'hello world, not an image');
      expect(() => readImageHeaderFromFileSync(join(dir, 'txt.jpg'))).toThrow(
        /not a recognised image/,
      );
      expect(() => readImageHeaderFromFileSync(join(dir, 'missing.jpg'))).toThrow(
        expect.objectContaining({ code: 'SYNX_IO' }) as Error,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
