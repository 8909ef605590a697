// Bug: rotated boxes are neither written nor accounted (silently dropped).
import { format as good, linesOf, writeAtomic } from './good.mjs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const format = {
  ...good,
  id: 'silent-drop',
  async write(input, to, _options, ctx) {
    await mkdir(join(to.dir, 'labels'), { recursive: true });
    for await (const e of input.items) {
      ctx.signal.throwIfAborted();
      for (const image of e.images) {
        const media = {
          ...image.media,
          annotations: image.media.annotations.filter(
            (a) => !(a.kind === 'bbox' && (a.rotation ?? 0) !== 0),
          ),
        };
        const lines = linesOf(e, { ...image, media }, input.classes, {
          ...ctx,
          account: (o) => ctx.account({ ...o, media: image.media }),
        });
        await writeAtomic(join(to.dir, 'labels', `${image.stem}.txt`), `${lines.join('\n')}\n`);
      }
    }
    return { files: 1 };
  },
};
