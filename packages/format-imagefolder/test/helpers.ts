import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FixtureData, WriterRun } from '@synx/format-testkit';
import { encodeJpeg } from '@synx/image-header';
import type { AnyFormat } from '@synx/plugin-api';

/**
 * The testkit's `classification` fixture. Imported by URL until `loadFixture` names it (the
 * file lives in the testkit, outside this project's TypeScript sources).
 */
export async function classificationFixture(dir: string): Promise<FixtureData> {
  const url = new URL('../../format-testkit/src/fixtures/classification.ts', import.meta.url);
  const mod = (await import(/* @vite-ignore */ url.href)) as {
    classificationFixture: (dir: string) => Promise<FixtureData>;
  };
  return mod.classificationFixture(dir);
}

/**
 * Places a real JPEG of each image where the format's `mediaDir(split, item)` says, as
 * `--save-original-files` does; returns the relative paths placed.
 */
export function placeByItem(format: AnyFormat, options: unknown, run: WriterRun): string[] {
  const d = format.describe(options);
  const placed: string[] = [];
  for (const e of run.exportItems) {
    const folder = d.mediaDir?.(e.split, e);
    if (folder === undefined) {
      continue;
    }
    mkdirSync(join(run.dir, folder), { recursive: true });
    for (const image of e.images) {
      writeFileSync(
        join(run.dir, folder, image.fileName),
        encodeJpeg({ width: image.media.width ?? 8, height: image.media.height ?? 8 }),
      );
      placed.push(`${folder}/${image.fileName}`);
    }
  }
  return placed;
}
