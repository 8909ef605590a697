// Bug: its manifest (manifest-contradiction.package.json) claims polygons and a reader; describe()
// drops polygons and the module has no read().
import { format as good } from './good.mjs';

export const format = { ...good, id: 'manifest-contradiction', read: undefined };
