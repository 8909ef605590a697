// Bug: never looks at its signal (an abort, before or during, changes nothing).
import { format as good, writeLines } from './good.mjs';

export const format = {
  ...good,
  id: 'abort-ignored',
  write: (input, to, options, ctx) => writeLines(input, to, options, ctx, { checkSignal: false }),
};
