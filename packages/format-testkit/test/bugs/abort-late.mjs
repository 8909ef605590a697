// Bug: looks at its signal once, before the first item, then keeps consuming after an abort.
import { format as good, writeLines } from './good.mjs';

export const format = {
  ...good,
  id: 'abort-late',
  write(input, to, options, ctx) {
    ctx.signal.throwIfAborted();
    return writeLines(input, to, options, ctx, { checkSignal: false });
  },
};
