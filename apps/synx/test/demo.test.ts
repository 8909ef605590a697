import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO, tempDir, tree } from './helpers.js';

describe('the bundled demo', () => {
  it('is exactly what tools/make-demo.mjs generates (seeded, reproducible)', () => {
    const out = join(tempDir('demo-gen'), 'demo');
    execFileSync(
      process.execPath,
      [join(import.meta.dirname, '..', '..', '..', 'tools', 'make-demo.mjs'), out],
      { stdio: 'pipe' },
    );
    const want = tree(DEMO);
    const got = tree(out);
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [path, bytes] of want) {
      expect(got.get(path)?.equals(bytes), path).toBe(true);
    }
    // what the demo must cover
    expect([...want.keys()].filter((p) => p.startsWith('json/'))).toHaveLength(30);
    expect([...want.keys()]).toContain('origin_files/渋谷の交差点_café.jpg');
    const all = [...want.entries()]
      .filter(([p]) => p.startsWith('json/'))
      .map(([, b]) => b.toString('utf8'))
      .join('\n');
    for (const tool of [
      '"bounding_box"',
      '"polygon"',
      '"polyline"',
      '"keypoint"',
      '"annotationGroup"',
      '"classification"',
      '"relation"',
      '"rotation"',
      '"weather"',
    ]) {
      expect(all, tool).toContain(tool);
    }
  });
});
