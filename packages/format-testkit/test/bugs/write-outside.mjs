// Bug: leaves a scratch file in the temporary folder and a log beside its output folder.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { format as good, writeLines } from './good.mjs';

export const format = {
  ...good,
  id: 'write-outside',
  async write(input, to, options, ctx) {
    writeFileSync(join(tmpdir(), 'box-lines-scratch.txt'), 'scratch');
    writeFileSync(join(dirname(to.dir), 'box-lines.log'), 'log');
    return writeLines(input, to, options, ctx);
  },
};
