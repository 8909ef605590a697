// Bug: its manifest (manifest-contradiction.package.json) claims polygons and a reader; describe()
// drops polygons, the module has no read(), and the flag it declares sets an option the
// format does not take.
import { format as good } from './good.mjs';

export const format = { ...good, id: 'manifest-contradiction', read: undefined };
