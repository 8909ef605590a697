// Bug: boxes of class "car" are accounted written but left out of the file; no reader, a probe.
import { format as good, probeLines, writeLines } from './good.mjs';

export const format = {
  ...good,
  id: 'written-absent',
  read: undefined,
  write: (input, to, options, ctx) =>
    writeLines(input, to, options, ctx, { skip: (a) => a.classCode === 'car' }),
};
export const probe = probeLines;
