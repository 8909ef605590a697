#!/usr/bin/env node
// Start-up: `synx --help` and a 10-item folder export against `node -e 0`, as processes, side by
// side, alternating, median of --runs (default 15). synx runs as its bin does (the shebang's
// flags). Targets: --help at most 2.5x, the 10-item export at most 3x `node -e 0`.
// Run after `npm run build`: node bench/startup.mjs [--runs 15]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSyntheticFolder } from '@synx/fake-synapse';
import { median, shebangFlags } from './lib.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);
const bin = join(import.meta.dirname, '..', 'apps', 'synx', 'bin', 'run.js');
const dir = mkdtempSync(join(tmpdir(), 'synx-bench-startup-'));
try {
  const src = join(dir, 'src');
  await writeSyntheticFolder({ outDir: src, items: 10, objectsPerItem: 3, seed: 1 });
  const env = { ...process.env, HOME: join(dir, 'home') };
  let k = 0;
  const cases = [
    ['node -e 0', () => ['-e', '0']],
    ['synx --help', () => [...shebangFlags(bin), bin, '--help']],
    [
      'synx export (10 items)',
      () => [
        ...shebangFlags(bin),
        bin,
        'export',
        '--from',
        src,
        '--format',
        'coco',
        '--output',
        join(dir, `out-${k++}`),
        '--quiet',
      ],
    ],
  ];
  const times = new Map(cases.map(([name]) => [name, []]));
  for (let r = 0; r < runs + 1; r++) {
    for (const [name, args] of cases) {
      const t0 = performance.now();
      const res = spawnSync(process.execPath, args(), { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const ms = performance.now() - t0;
      if (res.status !== 0) {
        throw new Error(`${name} exited ${res.status}: ${res.stderr}`);
      }
      if (r > 0) {
        times.get(name).push(ms); // the first round warms the page cache
      }
    }
  }
  const base = median(times.get('node -e 0'));
  console.log(`median of ${runs}, alternating`);
  for (const [name] of cases) {
    const m = median(times.get(name));
    console.log(`${name.padEnd(24)}${m.toFixed(0).padStart(6)} ms  ${(m / base).toFixed(2)}x`);
  }
  console.log('(targets: --help at most 2.5x, a 10-item export at most 3x node -e 0)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
