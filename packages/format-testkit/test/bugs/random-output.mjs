// Bug: a random number in every file (output differs from run to run in one process).
import { format as good, writeLines } from './good.mjs';

export const format = {
  ...good,
  id: 'random-output',
  write: (input, to, options, ctx) =>
    writeLines(input, to, options, ctx, { extra: () => `# run ${Math.random()}\n` }),
};
