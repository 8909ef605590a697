#!/usr/bin/env node
// Listing 20,000 assignments through the fake backend with 50 ms latency per page and 100-item
// pages: prefetch on (8 pages in flight) versus off. Prints both times and the speed-up.
// Run after `npm run build`: node bench/client-prefetch.mjs [--items N] [--latency MS]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SynapseClient } from '@synx/client';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { writeSyntheticFolder } from '@synx/fake-synapse';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '20000' },
    latency: { type: 'string', default: '50' },
    prefetch: { type: 'string', default: '8' },
  },
});
const items = Number(values.items);
const latencyMs = Number(values.latency);
const dir = mkdtempSync(join(tmpdir(), 'synx-bench-prefetch-'));
try {
  process.stdout.write(`generating ${items} items… `);
  await writeSyntheticFolder({ outDir: dir, items, objectsPerItem: 2, media: 'none', seed: 3 });
  console.log('done');
  // The backend runs in its own process, as a real server would.
  const bin = createRequire(import.meta.url)
    .resolve('@synx/fake-synapse/package.json')
    .replace(/package\.json$/, 'bin/fake-synapse.js');
  const child = spawn(
    process.execPath,
    [bin, '--from', dir, '--token', 'bench', '--latency', String(latencyMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`fake-synapse exited with ${code}`)));
  });
  const fake = {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
  const run = async (prefetch) => {
    const client = new SynapseClient({ host: fake.url, token: 'bench', prefetch });
    const t0 = performance.now();
    let n = 0;
    let last = 0;
    for await (const a of client.listAssignments({ project: 1 })) {
      if (a.id <= last) throw new Error('out of order');
      last = a.id;
      n++;
    }
    client.close();
    return { n, ms: performance.now() - t0 };
  };
  await run(Number(values.prefetch)); // warm-up: the backend reads every file once
  const off = await run(1);
  const on = await run(Number(values.prefetch));
  await fake.close();
  if (off.n !== items || on.n !== items)
    throw new Error(`expected ${items} items, got ${off.n} / ${on.n}`);
  console.log(
    `items                 ${items} (${Math.ceil(items / 100)} pages of 100, ${latencyMs} ms latency per page)`,
  );
  console.log(`prefetch off          ${(off.ms / 1000).toFixed(2)} s`);
  console.log(`prefetch on (${values.prefetch} pages) ${(on.ms / 1000).toFixed(2)} s`);
  console.log(`speed-up              ${(off.ms / on.ms).toFixed(1)}x (target: at least 5x)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
