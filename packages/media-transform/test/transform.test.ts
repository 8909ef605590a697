import { copyFileSync, existsSync, linkSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { isTransformed, transformMediaFile } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'synx-media-transform-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A 40×20 image, left half red and right half blue, as stored. */
async function twoColour(format: 'png' | 'jpeg', orientation?: number): Promise<Buffer> {
  const left = await sharp({
    create: { width: 20, height: 20, channels: 3, background: '#ff0000' },
  })
    .png()
    .toBuffer();
  let img = sharp({
    create: { width: 40, height: 20, channels: 3, background: '#0000ff' },
  }).composite([{ input: left, left: 0, top: 0 }]);
  if (orientation !== undefined) {
    img = img.withMetadata({ orientation });
  }
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 100 }).toBuffer();
}

async function pixel(path: string, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

describe('transformMediaFile', () => {
  it('applies EXIF orientation 6: displayed size, pixels turned, tag removed, marked', async () => {
    const path = join(root, 'rot.jpg');
    await writeFile(path, await twoColour('jpeg', 6));
    const r = await transformMediaFile(path, { orientation: 'apply' });
    expect(r).toEqual({ changed: true, format: 'jpeg', transcoded: false, oriented: 6 });
    const meta = await sharp(path).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([20, 40, undefined]);
    // orientation 6 = turn 90° clockwise to display: the stored left (red) half is on top
    const [r0, , b0] = await pixel(path, 10, 5);
    const [r1, , b1] = await pixel(path, 10, 35);
    expect(r0).toBeGreaterThan(200);
    expect(b0).toBeLessThan(60);
    expect(b1).toBeGreaterThan(200);
    expect(r1).toBeLessThan(60);
    expect(await isTransformed(path)).toBe(true);
  });

  it('keep leaves an oriented file byte for byte; a plain JPEG is never rewritten', async () => {
    const bytes = await twoColour('jpeg', 6);
    const path = join(root, 'keep.jpg');
    await writeFile(path, bytes);
    expect((await transformMediaFile(path, { orientation: 'keep' })).changed).toBe(false);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    const plain = await twoColour('jpeg');
    await writeFile(path, plain);
    expect(
      (await transformMediaFile(path, { orientation: 'apply', encoding: 'jpeg' })).changed,
    ).toBe(false);
    expect(readFileSync(path).equals(plain)).toBe(true);
    expect(await isTransformed(path)).toBe(false);
  });

  it('transcodes a PNG to JPEG with the same pixels and size, deterministically', async () => {
    const png = await twoColour('png');
    const a = join(root, 'a.jpg');
    const b = join(root, 'b.jpg');
    await writeFile(a, png);
    await writeFile(b, png);
    const r = await transformMediaFile(a, { orientation: 'apply', encoding: 'jpeg' });
    await transformMediaFile(b, { orientation: 'apply', encoding: 'jpeg' });
    expect(r).toEqual({ changed: true, format: 'png', transcoded: true });
    const meta = await sharp(a).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 40, 20]);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const [red] = await pixel(a, 5, 10);
    expect(red).toBeGreaterThan(200);
    expect(await isTransformed(a)).toBe(true);
  });

  it('replaces a hard link without touching the linked original', async () => {
    const original = join(root, 'orig.png');
    await writeFile(original, await twoColour('png'));
    const before = readFileSync(original);
    const linked = join(root, 'linked.jpg');
    linkSync(original, linked);
    await transformMediaFile(linked, { orientation: 'apply', encoding: 'jpeg' });
    expect(readFileSync(original).equals(before)).toBe(true);
    expect((await sharp(linked).metadata()).format).toBe('jpeg');
  });

  it('names the file when it is not an image', async () => {
    const path = join(root, 'junk.jpg');
    await writeFile(path, 'not an image');
    await expect(transformMediaFile(path, { orientation: 'apply' })).rejects.toThrow(
      /junk\.jpg: not an image/,
    );
  });

  const shared =
    process.env['SYNX_SHARED_FIXTURES'] ??
    join(import.meta.dirname, '../../../../shared/fixtures/real');
  const landscape = join(shared, 'exif-orientation/Landscape_6.jpg');
  it.skipIf(!existsSync(landscape))(
    'turns the real Landscape_6.jpg to its displayed 1800×1200',
    async () => {
      const path = join(root, 'Landscape_6.jpg');
      copyFileSync(landscape, path);
      const r = await transformMediaFile(path, { orientation: 'apply' });
      expect(r.oriented).toBe(6);
      const meta = await sharp(path).metadata();
      expect([meta.width, meta.height, meta.orientation]).toEqual([1800, 1200, undefined]);
      // the upright reference image has the same content: compare a downscaled copy
      const ref = await sharp(join(shared, 'exif-orientation/Landscape_1.jpg'))
        .resize(90, 60)
        .raw()
        .toBuffer();
      const got = await sharp(path).resize(90, 60).raw().toBuffer();
      let diff = 0;
      for (let i = 0; i < ref.length; i++) {
        diff += Math.abs(ref[i]! - got[i]!);
      }
      expect(diff / ref.length).toBeLessThan(12);
    },
  );
});
