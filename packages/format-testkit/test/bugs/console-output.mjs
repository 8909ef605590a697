// Bug: prints while writing.
import { format as good, writeLines } from './good.mjs';

export const format = {
  ...good,
  id: 'console-output',
  async write(input, to, options, ctx) {
    console.log(`writing box lines to ${to.dir}`);
    return writeLines(input, to, options, ctx);
  },
};
