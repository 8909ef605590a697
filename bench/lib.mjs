// Helpers shared by the bench scripts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The median (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Reads every file under `dir` once, so each contender starts with a warm page cache. */
export function warm(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) warm(p);
    else readFileSync(p);
  }
}
