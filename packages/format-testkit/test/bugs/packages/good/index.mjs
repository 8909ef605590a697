// A format package whose module needs nothing it does not declare.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const format = {
  apiVersion: 1,
  id: 'tiny',
  title: 'Tiny',
  describe: () => ({ kinds: {}, splits: false, layout: () => ['tiny.txt'], owns: ['tiny.txt'] }),
  async write(input, to) {
    let n = 0;
    for await (const _ of input.items) n++;
    await mkdir(to.dir, { recursive: true });
    await writeFile(join(to.dir, 'tiny.txt'), `${n}\n`);
    return { files: 1 };
  },
};
