// Real third-party files from /work/shared/fixtures/real (outside the repository). These tests are
// skipped when that folder is absent, so the main test command passes without it.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImageHeader, readImageHeaderFromFile } from '../src/index.js';

const REAL = resolve(import.meta.dirname, '..', '../../../shared/fixtures/real');
const missing = !existsSync(REAL);
const at = (...parts: string[]): string => join(REAL, ...parts);

describe('real fixtures', () => {
  it.skipIf(missing)('EXIF orientation examples: displayed 1800×1200 both ways', async () => {
    expect(await readImageHeaderFromFile(at('exif-orientation/Landscape_1.jpg'))).toEqual({
      format: 'jpeg',
      width: 1800,
      height: 1200,
      storedWidth: 1800,
      storedHeight: 1200,
      orientation: 1,
      channels: 3,
      bitsPerChannel: 8,
    });
    expect(await readImageHeaderFromFile(at('exif-orientation/Landscape_6.jpg'))).toEqual({
      format: 'jpeg',
      width: 1800,
      height: 1200,
      storedWidth: 1200,
      storedHeight: 1800,
      orientation: 6,
      channels: 3,
      bitsPerChannel: 8,
    });
  });

  it.skipIf(missing)('skimage PNGs: grayscale, RGBA and palette channel counts', async () => {
    const skimage = (f: string): string => at('debian-images/skimage', f);
    expect(await readImageHeaderFromFile(skimage('camera.png'))).toMatchObject({
      format: 'png',
      width: 512,
      height: 512,
      channels: 1,
      bitsPerChannel: 8,
    });
    expect(await readImageHeaderFromFile(skimage('logo.png'))).toMatchObject({
      format: 'png',
      width: 500,
      height: 500,
      channels: 4,
      bitsPerChannel: 8,
    });
    expect(await readImageHeaderFromFile(skimage('palette_color.png'))).toMatchObject({
      format: 'png',
      width: 10,
      height: 10,
      channels: 3,
      bitsPerChannel: 8,
    });
  });

  it.skipIf(missing)(
    'skimage truncated.jpg: 100×100 from the header although the file stops inside a Huffman table',
    async () => {
      const path = at('debian-images/skimage/truncated.jpg');
      expect(readFileSync(path).length).toBe(400);
      expect(await readImageHeaderFromFile(path)).toMatchObject({
        format: 'jpeg',
        width: 100,
        height: 100,
        orientation: 1,
        channels: 3,
      });
    },
  );

  it.skipIf(missing)('skimage GIF and 16-bit TIFF', async () => {
    expect(
      await readImageHeaderFromFile(at('debian-images/skimage/no_time_for_that_tiny.gif')),
    ).toEqual({
      format: 'gif',
      width: 14,
      height: 25,
      storedWidth: 14,
      storedHeight: 25,
      orientation: 1,
      channels: 3,
    });
    expect(
      await readImageHeaderFromFile(at('debian-images/skimage/chessboard_GRAY_U16.tif')),
    ).toEqual({
      format: 'tiff',
      width: 200,
      height: 200,
      storedWidth: 200,
      storedHeight: 200,
      orientation: 1,
      channels: 1,
      bitsPerChannel: 16,
    });
  });

  it.skipIf(missing)('darknet dog.jpg: 768×576 RGB (camera EXIF, orientation 1)', async () => {
    expect(await readImageHeaderFromFile(at('debian-images/darknet/dog.jpg'))).toMatchObject({
      format: 'jpeg',
      width: 768,
      height: 576,
      orientation: 1,
      channels: 3,
    });
  });

  it.skipIf(missing)('coco128: every image matches the size in the COCO annotations', async () => {
    const coco = JSON.parse(
      readFileSync(at('coco128/instances_train2017_subset.json'), 'utf8'),
    ) as {
      images: { file_name: string; width: number; height: number }[];
    };
    expect(coco.images).toHaveLength(12);
    for (const image of coco.images) {
      const path = at('coco128/images', image.file_name);
      const h = await readImageHeaderFromFile(path);
      expect({ file: image.file_name, width: h.width, height: h.height }).toEqual({
        file: image.file_name,
        width: image.width,
        height: image.height,
      });
      // The first 64 KiB always suffice for these files, so the prefix parser agrees.
      const r = parseImageHeader(readFileSync(path).subarray(0, 65_536));
      expect(r).toEqual({ kind: 'ok', header: h });
    }
  });
});
