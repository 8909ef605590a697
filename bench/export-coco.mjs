#!/usr/bin/env node
// Benchmark: `synx export --from <synthetic folder> --format coco` against the floor (a plain
// Node script that reads and parses the same JSON files and writes the same number of bytes), in
// the same run. Sizes: 5,000 items / ~40,000 objects and 50,000 / ~400,000. Prints wall time and
// peak RSS (median and range of --runs; single runs on a shared host vary by ±15 %, so the
// contenders alternate and the ratio is taken between medians). Run after `npm run build`:
//   node bench/export-coco.mjs [--sizes 5000,50000] [--runs 5]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchFolder, median, shebangFlags, warm } from './lib.mjs';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '5000,50000' },
    runs: { type: 'string', default: '5' },
  },
});
const here = import.meta.dirname;
const bin = join(here, '..', 'apps', 'synx', 'bin', 'run.js');
const runs = Number(values.runs);

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...shebangFlags(args[0]), join(here, 'measure.mjs'), ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', () => {
      const last = err.trim().split('\n').pop();
      try {
        const m = JSON.parse(last);
        if (m.code !== 0) reject(new Error(`exit ${m.code}: ${err}\n${out}`));
        resolve(m);
      } catch {
        reject(new Error(err || out));
      }
    });
  });
}

function bytesOf(dir) {
  let total = 0;
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else total += s.size;
    }
  };
  walk(dir);
  return total;
}

const rows = [];
for (const items of values.sizes.split(',').map(Number)) {
  const { src } = await benchFolder(items);
  const work = mkdtempSync(join(tmpdir(), 'synx-bench-out-'));
  const synx = [];
  const floor = [];
  let outBytes = 0;
  for (let r = 0; r < runs; r++) {
    const out = join(work, `synx-${r}`);
    warm(src);
    synx.push(await run([bin, 'export', '--from', src, '--format', 'coco', '--output', out]));
    outBytes = bytesOf(out);
    rmSync(out, { recursive: true, force: true });
    warm(src);
    floor.push(
      await run([join(here, 'floor.mjs'), src, join(work, `floor-${r}.bin`), String(outBytes)]),
    );
    rmSync(join(work, `floor-${r}.bin`), { force: true });
  }
  rmSync(work, { recursive: true, force: true });
  const range = (ms) =>
    `${(Math.min(...ms) / 1000).toFixed(2)}–${(Math.max(...ms) / 1000).toFixed(2)} s`;
  const s = {
    spread: range(synx.map((m) => m.wallMs)),
    wall: median(synx.map((m) => m.wallMs)),
    rss: Math.max(...synx.map((m) => m.maxRssKb)) / 1024,
  };
  const f = {
    spread: range(floor.map((m) => m.wallMs)),
    wall: median(floor.map((m) => m.wallMs)),
    rss: Math.max(...floor.map((m) => m.maxRssKb)) / 1024,
  };
  rows.push({ items, outMb: outBytes / 1e6, synx: s, floor: f });
  console.log(
    `${items} items: synx ${(s.wall / 1000).toFixed(2)} s (${s.spread}) / ${s.rss.toFixed(0)} MB peak RSS; floor ${(f.wall / 1000).toFixed(2)} s (${f.spread}) / ${f.rss.toFixed(0)} MB; ratio ${(s.wall / f.wall).toFixed(2)}x (target ≤ 1.5x, RSS < 150 MB); output ${(outBytes / 1e6).toFixed(1)} MB`,
  );
}
console.log(
  '\n| items | output | synx wall (range) | synx peak RSS | floor wall (range) | floor peak RSS | synx / floor |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.items} | ${r.outMb.toFixed(1)} MB | ${(r.synx.wall / 1000).toFixed(2)} s (${r.synx.spread}) | ${r.synx.rss.toFixed(0)} MB | ${(r.floor.wall / 1000).toFixed(2)} s (${r.floor.spread}) | ${r.floor.rss.toFixed(0)} MB | ${(r.synx.wall / r.floor.wall).toFixed(2)}x |`,
  );
}
