// Bug: streams one file under its final name, so an abort leaves it half-written.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { format as good, linesOf } from './good.mjs';

export const format = {
  ...good,
  id: 'half-written',
  layout: () => ['all.txt'],
  async write(input, to, _options, ctx) {
    await mkdir(to.dir, { recursive: true });
    const out = createWriteStream(join(to.dir, 'all.txt'));
    const put = (text) => new Promise((res) => out.write(text, res));
    try {
      for await (const e of input.items) {
        ctx.signal.throwIfAborted();
        for (const image of e.images) {
          await put(`# ${image.stem}\n${linesOf(e, image, input.classes, ctx).join('\n')}\n`);
        }
      }
    } finally {
      await new Promise((res) => out.end(res));
    }
    return { files: 1 };
  },
  read: undefined,
  detect: undefined,
};
