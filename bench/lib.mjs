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

/** Node flags from an entry's `#!/usr/bin/env -S node …` line: the bin runs with them. */
export function shebangFlags(entry) {
  const first = readFileSync(entry, 'utf8').split('\n', 1)[0];
  const m = /^#!\/usr\/bin\/env -S node (.*)$/.exec(first);
  return m === null ? [] : m[1].trim().split(/\s+/);
}

/**
 * The seeded folder the export benchmarks share (8 objects per item on average, 20 % with
 * polygons, seed 7), generated once under the temp dir; resolves with its path and object count.
 */
export async function benchFolder(items) {
  const { existsSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { writeSyntheticFolder } = await import('@synx/fake-synapse');
  const src = join(tmpdir(), `synx-bench-folder-${items}-s7`);
  if (!existsSync(join(src, 'project.json'))) {
    process.stdout.write(`generating ${items} items… `);
    const t0 = performance.now();
    rmSync(src, { recursive: true, force: true });
    const g = await writeSyntheticFolder({
      outDir: src,
      items,
      objectsPerItem: 8,
      polygonShare: 0.2,
      seed: 7,
    });
    writeFileSync(join(src, 'generated.json'), JSON.stringify(g));
    console.log(
      `${g.objects} objects (${g.polygons} with polygons) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  return { src, objects: JSON.parse(readFileSync(join(src, 'generated.json'), 'utf8')).objects };
}
