#!/usr/bin/env node
// Every built-in file format against a floor doing the same I/O (bench/format-floor.mjs: reads
// every item JSON and every image header prefix, writes the same files with the same sizes),
// side by side in one run, alternating, median of --runs, page cache warmed before each run.
// Also the peak RSS of a re-export into the folder of an earlier export (synx removes what the
// format owns, then writes again). Sizes: 5,000 items / ~40,000 objects, 50,000 / ~400,000 and
// 125,000 / ~1,000,000 (--sizes 125000).
// `--source text` runs the NER formats on a generated text folder instead (about six entities
// per text; the floor reads each JSON and text file and writes the same files).
// Run after `npm run build`:
//   node bench/export-formats.mjs [--sizes 5000,50000] [--formats coco,yolo,voc,csv] [--runs 3]
//   node bench/export-formats.mjs --source text --formats spacy,conll,hf-ner
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchFolder, median, shebangFlags, textBenchFolder, warm } from './lib.mjs';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '5000,50000' },
    formats: { type: 'string', default: 'coco,yolo,voc,csv' },
    source: { type: 'string', default: 'images' },
    runs: { type: 'string', default: '3' },
  },
});
const here = import.meta.dirname;
const bin = join(here, '..', 'apps', 'synx', 'bin', 'run.js');
const runs = Number(values.runs);

/** Runs an entry under measure.mjs; resolves with { wallMs, maxRssKb }. */
function run(args, home) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...shebangFlags(args[0]), join(here, 'measure.mjs'), ...args],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: home } },
    );
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.resume();
    child.on('exit', () => {
      try {
        const m = JSON.parse(err.trim().split('\n').pop());
        if (m.code !== 0) reject(new Error(`exit ${m.code}: ${err}`));
        else resolve(m);
      } catch {
        reject(new Error(err));
      }
    });
  });
}

const rows = [];
for (const items of values.sizes.split(',').map(Number)) {
  const { src, objects } =
    values.source === 'text' ? await textBenchFolder(items) : await benchFolder(items);
  for (const format of values.formats.split(',')) {
    const work = mkdtempSync(join(tmpdir(), 'synx-bench-fmt-'));
    const reference = join(work, 'reference');
    const exportArgs = (out) => [
      bin,
      'export',
      '--from',
      src,
      '--format',
      format,
      '--output',
      out,
      '--quiet',
    ];
    await run(exportArgs(reference), work);
    const synx = [];
    const floor = [];
    for (let r = 0; r < runs; r++) {
      const out = join(work, `synx-${r}`);
      warm(src);
      synx.push(await run(exportArgs(out), work));
      rmSync(out, { recursive: true, force: true });
      warm(src);
      floor.push(
        await run([join(here, 'format-floor.mjs'), src, reference, join(work, `floor-${r}`)], work),
      );
      rmSync(join(work, `floor-${r}`), { recursive: true, force: true });
    }
    warm(src);
    const again = await run(exportArgs(reference), work);
    rmSync(work, { recursive: true, force: true });
    const s = median(synx.map((m) => m.wallMs));
    const f = median(floor.map((m) => m.wallMs));
    const row = {
      items,
      objects,
      format,
      synx: s,
      floor: f,
      rss: Math.max(...synx.map((m) => m.maxRssKb)) / 1024,
      againRss: again.maxRssKb / 1024,
    };
    rows.push(row);
    console.log(
      `${format} ${items} items: synx ${(s / 1000).toFixed(2)} s, floor ${(f / 1000).toFixed(2)} s, ${(s / f).toFixed(2)}x (target ≤ 2x); peak RSS ${row.rss.toFixed(0)} MB, re-export ${row.againRss.toFixed(0)} MB (target ≤ 150 MB)`,
    );
  }
}
console.log(
  '\n| format | items / objects | synx | floor | synx / floor | peak RSS | re-export peak RSS |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.format} | ${r.items.toLocaleString('en')} / ${r.objects.toLocaleString('en')} | ${(r.synx / 1000).toFixed(2)} s | ${(r.floor / 1000).toFixed(2)} s | ${(r.synx / r.floor).toFixed(2)}× | ${r.rss.toFixed(0)} MB | ${r.againRss.toFixed(0)} MB |`,
  );
}
