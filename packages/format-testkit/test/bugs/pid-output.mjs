// Bug: the process id in every file (same within a process, different across processes).
import { format as good, writeLines } from './good.mjs';

export const format = {
  ...good,
  id: 'pid-output',
  write: (input, to, options, ctx) =>
    writeLines(input, to, options, ctx, { extra: () => `# written by ${process.pid}\n` }),
};
