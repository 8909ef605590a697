#!/usr/bin/env node
// An API export of 20,000 items through the fake backend (its own process, 50 ms latency per
// request), side by side in one run, alternating, median of N rounds:
//   floor   a plain script making only the requests such an export needs: every page with 8 in
//           flight, one ranged read (16 KiB) per item with 64 in flight, nothing written
//   synx    synx export --format coco (labels; sizes from header reads)
//   before  (with --before <bin/run.js>) the same command of another synx build, e.g. the commit
//           before the HTTP layer, for the speed-up
// Then request counts from the backend's log: --save-original-files (pages + files), and its
// rerun into the same folder, and a labels-only rerun (pages only: sizes from the size cache).
// Run after `npm run build`: node bench/api-export.mjs [--items N] [--latency MS] [--rounds R]
//                                                       [--before PATH]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSyntheticFolder } from '@synx/fake-synapse';
import { median, shebangFlags } from './lib.mjs';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '20000' },
    latency: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    before: { type: 'string' },
  },
});
const items = Number(values.items);
const latencyMs = Number(values.latency);
const rounds = Number(values.rounds);
const BIN = join(import.meta.dirname, '..', 'apps', 'synx', 'bin', 'run.js');
const FLOOR = join(import.meta.dirname, 'api-floor.mjs');
const MEASURE = join(import.meta.dirname, 'measure.mjs');
/** synx as its bin runs it (the shebang's flags), under measure.mjs for its peak RSS. */
const synxArgs = (bin, args) => [...shebangFlags(BIN), MEASURE, bin, ...args];
/** The peak RSS measure.mjs reported (the last line of the output), in MB. */
const rssOf = (out) => JSON.parse(out.trim().split('\n').pop()).maxRssKb / 1024;
const dir = mkdtempSync(join(tmpdir(), 'synx-bench-api-'));

/** Runs a command to its end; resolves with its wall time, or rejects with its output. */
function timed(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: join(dir, 'home'), ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve({ ms, out });
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out.slice(-2000)}`));
    });
  });
}

try {
  process.stdout.write(`generating ${items} items… `);
  // No sizes in the data-unit meta: each image's size needs its header (or its bytes).
  await writeSyntheticFolder({ outDir: join(dir, 'src'), items, objectsPerItem: 2, seed: 3 });
  console.log('done');
  const fakeBin = createRequire(import.meta.url)
    .resolve('@synx/fake-synapse/package.json')
    .replace(/package\.json$/, 'bin/fake-synapse.js');
  const child = spawn(
    process.execPath,
    [fakeBin, '--from', join(dir, 'src'), '--token', 'bench', '--latency', String(latencyMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`fake-synapse exited with ${code}`)));
  });
  const control = async (path, method = 'GET') => (await fetch(`${url}${path}`, { method })).json();
  const requests = async () => {
    const log = await control('/__fake/log');
    await control('/__fake/reset-log', 'POST');
    const pages = log.filter((e) => e.route === 'assignments').length;
    const media = log.filter((e) => e.route === 'media');
    return {
      all: log.length,
      pages,
      headerReads: media.filter((e) => e.range !== undefined).length,
      downloads: media.filter((e) => e.range === undefined).length,
    };
  };
  const exportArgs = (out, extra = []) => [
    'export',
    '--host',
    url,
    '--token',
    'bench',
    '--project',
    '1',
    '--format',
    'coco',
    '--output',
    out,
    '--quiet',
    ...extra,
  ];
  const contenders = [
    ['floor', () => timed(process.execPath, [FLOOR, url, 'bench'])],
    [
      'synx',
      () => {
        const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
        return timed(process.execPath, synxArgs(BIN, exportArgs(out)));
      },
    ],
  ];
  if (values.before !== undefined) {
    contenders.push([
      'before',
      () => {
        const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
        return timed(process.execPath, synxArgs(values.before, exportArgs(out)));
      },
    ]);
  }
  // Warm-up: the backend reads every file once.
  await contenders[0][1]();
  const times = new Map(contenders.map(([n]) => [n, []]));
  const rss = new Map(contenders.map(([n]) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of contenders) {
      const { ms, out } = await run();
      times.get(name).push(ms);
      if (name !== 'floor') rss.get(name).push(rssOf(out));
      process.stdout.write(`  round ${r + 1} ${name.padEnd(6)} ${(ms / 1000).toFixed(2)} s\n`);
    }
  }
  await control('/__fake/reset-log', 'POST');

  // Request counts (synx), on fresh folders.
  const labels = join(dir, 'count-labels');
  await timed(process.execPath, [BIN, ...exportArgs(labels)]);
  const labelsFirst = await requests();
  await timed(process.execPath, [BIN, ...exportArgs(labels)]);
  const labelsRerun = await requests();
  const withMedia = join(dir, 'count-media');
  const mediaRun = await timed(
    process.execPath,
    synxArgs(BIN, exportArgs(withMedia, ['--save-original-files'])),
  );
  const mediaFirst = await requests();
  await timed(process.execPath, [BIN, ...exportArgs(withMedia, ['--save-original-files'])]);
  const mediaRerun = await requests();

  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));

  const pages = Math.ceil(items / 100);
  const med = (n) => median(times.get(n)) / 1000;
  console.log('');
  console.log(
    `items                 ${items} (${pages} pages of 100, ${latencyMs} ms latency per request), median of ${rounds}`,
  );
  console.log(`floor                 ${med('floor').toFixed(2)} s`);
  console.log(
    `synx                  ${med('synx').toFixed(2)} s (${(items / med('synx')).toFixed(0)} items/s) — ${(med('synx') / med('floor')).toFixed(2)}x the floor (target: at most 1.2x); peak RSS ${median(rss.get('synx')).toFixed(0)} MB`,
  );
  if (values.before !== undefined) {
    console.log(
      `before                ${med('before').toFixed(2)} s — synx is ${(med('before') / med('synx')).toFixed(1)}x faster (target: at least 6x)`,
    );
  }
  const line = (label, c) =>
    console.log(
      `${label.padEnd(22)}${c.all} requests: ${c.pages} list pages, ${c.headerReads} header reads, ${c.downloads} downloads`,
    );
  line('labels', labelsFirst);
  line('labels, rerun', labelsRerun);
  line('with media', mediaFirst);
  console.log(`(with media: peak RSS ${rssOf(mediaRun.out).toFixed(0)} MB)`);
  line('with media, rerun', mediaRerun);
  console.log(
    `(targets: with media, requests = pages + files (${pages} + ${items}, plus the project); a rerun: pages only)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
