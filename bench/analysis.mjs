#!/usr/bin/env node
// The dry-run analysis (planExport) of a large project through the fake backend with 50 ms of
// latency per request: sampled (the default: page 1 plus 4 spread pages) against full (every
// page). Prints times, requests served (from the fake's request log), items read, the ratio, and
// the floor: 5 page requests at that latency, in parallel.
// Run after `npm run build`: node bench/analysis.mjs [--items N] [--latency MS] [--runs N]
// The generated folder is cached in the system temp folder, keyed by its parameters.
import { spawn } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SynapseClient, spreadPages } from '@synx/client';
import { planExport } from '@synx/export';
import { writeSyntheticFolder } from '@synx/fake-synapse';
import { cocoFormat } from '@synx/format-coco';
import { median } from './lib.mjs';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    latency: { type: 'string', default: '50' },
    runs: { type: 'string', default: '5' },
    objects: { type: 'string', default: '4' },
  },
});
const items = Number(values.items);
const latencyMs = Number(values.latency);
const runs = Number(values.runs);
const objects = Number(values.objects);
const seed = 21;

// Generating 100,000 items takes a while: keep the folder between runs.
const dir = join(tmpdir(), `synx-bench-analysis-${items}-o${objects}-s${seed}-v1`);
if (!existsSync(join(dir, '.complete'))) {
  rmSync(dir, { recursive: true, force: true });
  const part = `${dir}.part`;
  rmSync(part, { recursive: true, force: true });
  process.stdout.write(`generating ${items} items into ${dir} … `);
  const t0 = performance.now();
  await writeSyntheticFolder({
    outDir: part,
    items,
    objectsPerItem: objects,
    media: 'none',
    seed,
  });
  writeFileSync(join(part, '.complete'), '');
  renameSync(part, dir);
  console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} else {
  console.log(`using the cached folder ${dir}`);
}

// The backend runs in its own process, as a real server would.
const bin = createRequire(import.meta.url)
  .resolve('@synx/fake-synapse/package.json')
  .replace(/package\.json$/, 'bin/fake-synapse.js');
const child = spawn(process.execPath, [bin, '--from', dir, '--token', 'bench'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  child.stdout.once('data', (d) => resolve(d.toString().trim()));
  child.once('exit', (code) => reject(new Error(`fake-synapse exited with ${code}`)));
});
const control = async (path, body) => {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.json();
};
/** Requests served since the last reset, by route (control requests left out). */
const served = async () => {
  const log = await control('/__fake/log');
  const byRoute = {};
  for (const e of log) {
    if (e.route !== 'control') byRoute[e.route] = (byRoute[e.route] ?? 0) + 1;
  }
  return byRoute;
};

try {
  const request = {
    source: { kind: 'api', host: url, token: 'bench', target: 'assignment', project: 1 },
    format: cocoFormat,
  };
  // Warm-up without latency: the backend reads every file once (its page cache), and so on.
  await control('/__fake/faults', {});
  await planExport(request, { full: true });
  // 50 ms before every response, on every route (the project and every list page).
  await control('/__fake/faults', { latencyMs });

  const run = async (options) => {
    await control('/__fake/reset-log', {});
    const t0 = performance.now();
    const plan = await planExport(request, options);
    const ms = performance.now() - t0;
    return { ms, plan, requests: await served() };
  };

  const sampled = [];
  for (let i = 0; i < runs; i++) sampled.push(await run({}));
  const full = await run({ full: true });

  // The floor: 5 page requests at that latency, in parallel, through the same client (the JSON
  // parsed, nothing else).
  const floor = [];
  const client = new SynapseClient({ host: url, token: 'bench' });
  const last = Math.ceil(items / 100);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await Promise.all(
      spreadPages(5, last).map((page) =>
        client.requestJson(
          'GET',
          client.url('sdk/assignments/', { project: 1, page_size: 100, page }),
          { what: 'a page' },
        ),
      ),
    );
    floor.push(performance.now() - t0);
  }
  client.close();

  const s = sampled[0];
  if (s.plan.items !== items || full.plan.items !== items) {
    throw new Error(`expected ${items} items, got ${s.plan.items} / ${full.plan.items}`);
  }
  if (full.plan.sampled.exact !== true || s.plan.sampled.exact !== false) {
    throw new Error('the sampled run should be an estimate and the full one exact');
  }
  const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
  const fmt = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);
  const sampledMs = median(sampled.map((r) => r.ms));
  console.log(
    `items                   ${items} (${Math.ceil(items / 100)} pages of 100, ${latencyMs} ms latency per request)`,
  );
  console.log(
    `sampled (median of ${runs})   ${fmt(sampledMs)} (runs: ${sampled.map((r) => fmt(r.ms)).join(', ')}) · ${sum(s.requests)} requests ${JSON.stringify(s.requests)} · ${s.plan.sampled.items} items read`,
  );
  console.log(
    `full                    ${fmt(full.ms)} · ${sum(full.requests)} requests ${JSON.stringify(full.requests)} · ${full.plan.sampled.items} items read`,
  );
  console.log(`full / sampled          ${(full.ms / sampledMs).toFixed(0)}×`);
  console.log(
    `floor (5 pages at once)  ${fmt(median(floor))} (median of ${runs}); target for sampled: ≤ 3 s`,
  );
  const boxes = (p) => p.annotations.bbox ?? 0;
  console.log(
    `boxes                   sampled ${boxes(s.plan)} in ${s.plan.sampled.items} items (≈ ${Math.round((boxes(s.plan) * items) / s.plan.sampled.items)} scaled), full ${boxes(full.plan)}`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
