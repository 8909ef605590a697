#!/usr/bin/env node
// synx against globox (a fast Python converter) on the same boxes, side by side in one run,
// alternating, median of --runs, page cache warmed before each run:
//   globox  `python3 -m globox convert <instances.json> -f coco <out> -F yolov5` (COCO → YOLO)
//   synx    `synx export --from <folder> --format yolo` of the Synapse folder that COCO file
//           was exported from (the same images and boxes; synx also reads every image header)
// globox is run from its public source with Debian's python3 (`python3-numpy`, `python3-tqdm`,
// `python3-rich`); give the folder that holds its `globox/` package with --globox. Nothing of it
// is kept in this repository. Both outputs are checked to hold the same number of label lines.
// Run after `npm run build`:
//   node bench/peer-globox.mjs --globox /path/to/globox/src [--items 50000] [--runs 3]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchFolder, median, warm } from './lib.mjs';

const { values } = parseArgs({
  options: {
    globox: { type: 'string' },
    items: { type: 'string', default: '50000' },
    runs: { type: 'string', default: '3' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
if (values.globox === undefined || !existsSync(join(values.globox, 'globox', '__main__.py'))) {
  console.error('give --globox <folder holding the globox package> (its source, e.g. its src/)');
  process.exit(2);
}
const items = Number(values.items);
const runs = Number(values.runs);
const bin = join(import.meta.dirname, '..', 'apps', 'synx', 'bin', 'run.js');

function timed(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) =>
      code === 0
        ? resolve(performance.now() - t0)
        : reject(new Error(`${cmd} exited ${code}: ${err}`)),
    );
  });
}

/** Label lines in the .txt files of a folder tree. */
function labelLines(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.txt') && e.name !== 'classes.txt') {
      const text = readFileSync(join(e.parentPath ?? e.path, e.name), 'utf8');
      n += text.split('\n').filter((l) => l.trim() !== '').length;
    }
  }
  return n;
}

const { src } = await benchFolder(items);
const work = mkdtempSync(join(tmpdir(), 'synx-bench-globox-'));
try {
  const home = join(work, 'home');
  // globox's input: the same data as COCO, written by synx.
  await timed(
    process.execPath,
    [bin, 'export', '--from', src, '--format', 'coco', '--output', join(work, 'coco'), '--quiet'],
    { HOME: home },
  );
  const coco = join(work, 'coco', 'annotations', 'instances_default.json');
  // YOLO lines carry class ids: globox maps names to ids from a .names file (the COCO order).
  const names = join(work, 'classes.names');
  const categories = JSON.parse(readFileSync(coco, 'utf8')).categories.sort((a, b) => a.id - b.id);
  writeFileSync(names, `${categories.map((c) => c.name).join('\n')}\n`);
  const times = { globox: [], synx: [] };
  let lines;
  for (let r = 0; r < runs; r++) {
    const g = join(work, `globox-${r}`);
    warm(join(work, 'coco'));
    times.globox.push(
      await timed(
        values.python,
        ['-m', 'globox', '--quiet', 'convert', coco, '-f', 'coco', g, '-F', 'yolov5', '-R', names],
        {
          PYTHONPATH: values.globox,
        },
      ),
    );
    const s = join(work, `synx-${r}`);
    warm(src);
    times.synx.push(
      await timed(
        process.execPath,
        [bin, 'export', '--from', src, '--format', 'yolo', '--output', s, '--quiet'],
        { HOME: home },
      ),
    );
    lines ??= { globox: labelLines(g), synx: labelLines(join(s, 'labels')) };
    rmSync(g, { recursive: true, force: true });
    rmSync(s, { recursive: true, force: true });
    console.log(
      `  round ${r + 1}: globox ${(times.globox[r] / 1000).toFixed(2)} s, synx ${(times.synx[r] / 1000).toFixed(2)} s`,
    );
  }
  const g = median(times.globox);
  const s = median(times.synx);
  console.log(`items        ${items}; label lines: globox ${lines.globox}, synx ${lines.synx}`);
  console.log(`globox       ${(g / 1000).toFixed(2)} s (COCO → YOLO, median of ${runs})`);
  console.log(
    `synx         ${(s / 1000).toFixed(2)} s (Synapse folder → YOLO, image headers read)`,
  );
  console.log(`synx is ${(g / s).toFixed(2)}x faster (target: at least 1.5x)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
