#!/usr/bin/env node
// Downloading 5,000 files of ~100 KB from the fake backend (its own process, loopback):
// @synx/media-downloader (concurrency 16) against `aria2c -j16 -x1`, in the same run, alternating,
// after warming the page cache and both clients. Prints files, MB, seconds and MB/s per run and
// the median ratio synx/aria2c (target ≥ 0.9).
// Run after `npm run build`:
//   node bench/download.mjs [--files N] [--runs N] [--concurrency N] [--verify sha1|size]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeSyntheticFolder } from '@synx/fake-synapse';
import { downloadAll } from '@synx/media-downloader';
import { median, warm } from './lib.mjs';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    verify: { type: 'string', default: 'sha1' },
    aria2c: { type: 'string', default: '/usr/bin/aria2c' },
  },
});
const files = Number(values.files);
const runs = Number(values.runs);
const concurrency = Number(values.concurrency);
const TOKEN = 'bench-download';

const work = mkdtempSync(join(tmpdir(), 'synx-bench-download-'));
let child;
try {
  const source = join(work, 'source');
  process.stdout.write(`generating ${files} files of ~100 KB… `);
  await writeSyntheticFolder({
    outDir: source,
    items: files,
    objectsPerItem: 1,
    media: 'jpeg',
    padMediaTo: 100_000,
    seed: 5,
  });
  console.log('done');

  // The backend runs in its own process, as a real server would; signed URLs live 6 hours.
  const bin = createRequire(import.meta.url)
    .resolve('@synx/fake-synapse/package.json')
    .replace(/package\.json$/, 'bin/fake-synapse.js');
  child = spawn(
    process.execPath,
    [bin, '--from', source, '--token', TOKEN, '--url-ttl', String(6 * 3600 * 1000)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const base = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`fake-synapse exited with ${code}`)));
  });

  // The URL list, through the normal API: assignments carry each data unit's signed file URL,
  // size and sha1 (100 per page).
  const jobs = [];
  let next = `${base}/sdk/assignments/?project=1&page_size=100`;
  while (next) {
    const res = await fetch(next, { headers: { 'Synapse-Access-Token': `Token ${TOKEN}` } });
    if (!res.ok) throw new Error(`listing failed: HTTP ${res.status}`);
    const page = await res.json();
    for (const a of page.results) {
      const file = a.file ?? Object.values(a.files)[0];
      jobs.push({
        id: String(a.id),
        url: file.url,
        name: file.file_name_original,
        size: file.size,
        checksum: file.checksum,
      });
    }
    next = page.next;
  }
  if (jobs.length !== files) throw new Error(`listed ${jobs.length} files, expected ${files}`);
  const totalBytes = jobs.reduce((n, j) => n + j.size, 0);
  const mb = totalBytes / 1e6;

  // aria2c input: one URL per file, saved under its original name.
  const urlsFile = join(work, 'urls.txt');
  writeFileSync(urlsFile, jobs.map((j) => `${j.url}\n  out=${j.name}\n`).join(''));

  // Warm the page cache (every source file read once).
  warm(source);

  const check = (dir) => {
    let n = 0;
    let bytes = 0;
    for (const j of jobs) {
      const st = statSync(join(dir, j.name));
      if (st.size !== j.size) throw new Error(`${j.name}: ${st.size} bytes, expected ${j.size}`);
      n++;
      bytes += st.size;
    }
    return { n, bytes };
  };

  const synx = async (dir) => {
    mkdirSync(dir, { recursive: true });
    const t0 = performance.now();
    const report = await downloadAll(
      jobs.map((j) => ({
        id: j.id,
        url: j.url,
        dest: join(dir, j.name),
        size: j.size,
        ...(values.verify === 'sha1' ? { checksum: j.checksum } : {}),
      })),
      { root: dir, concurrency },
    );
    const s = (performance.now() - t0) / 1000;
    if (report.failed.length > 0) throw new Error(`synx: ${report.failed.length} files failed`);
    return s;
  };

  const aria2c = async (dir) => {
    mkdirSync(dir, { recursive: true });
    const t0 = performance.now();
    const code = await new Promise((resolve, reject) => {
      const p = spawn(
        values.aria2c,
        [
          `-j${concurrency}`,
          '-x1',
          `--input-file=${urlsFile}`,
          `--dir=${dir}`,
          '--allow-overwrite=true',
          '--auto-file-renaming=false',
          '--console-log-level=warn',
          '--summary-interval=0',
          '--download-result=hide',
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      p.once('error', reject);
      p.once('exit', resolve);
    });
    const s = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`aria2c exited with ${code}`);
    return s;
  };

  const tools = [
    {
      name: `synx (c=${concurrency}, ${values.verify === 'sha1' ? 'size+sha1' : 'size'})`,
      run: synx,
    },
    { name: `aria2c -j${concurrency} -x1`, run: aria2c },
  ];
  const results = new Map(tools.map((t) => [t.name, []]));
  const once = async (tool, label) => {
    const dir = join(work, 'out');
    rmSync(dir, { recursive: true, force: true });
    spawnSync('sync');
    const s = await tool.run(dir);
    const { n, bytes } = check(dir);
    rmSync(dir, { recursive: true, force: true });
    if (label !== undefined) {
      results.get(tool.name).push(s);
      console.log(
        `${label.padEnd(4)} ${tool.name.padEnd(26)} ${String(n).padStart(6)} ${(bytes / 1e6).toFixed(1).padStart(8)} ${s.toFixed(2).padStart(7)} ${(bytes / 1e6 / s).toFixed(1).padStart(8)}`,
      );
    }
  };

  // Warm-up: one untimed pass of each client (JIT, server caches).
  for (const t of tools) await once(t);
  console.log(
    `${files} files, ${mb.toFixed(1)} MB per run, fake backend in its own process on loopback`,
  );
  console.log(
    `${'run'.padEnd(4)} ${'tool'.padEnd(26)} ${'files'.padStart(6)} ${'MB'.padStart(8)} ${'s'.padStart(7)} ${'MB/s'.padStart(8)}`,
  );
  for (let i = 1; i <= runs; i++) {
    // Alternate which goes first.
    const order = i % 2 === 1 ? tools : [...tools].reverse();
    for (const t of order) await once(t, String(i));
  }
  const [a, b] = tools.map((t) => median(results.get(t.name)));
  console.log(
    `median                   synx ${(mb / a).toFixed(1)} MB/s (${a.toFixed(2)} s), aria2c ${(mb / b).toFixed(1)} MB/s (${b.toFixed(2)} s)`,
  );
  console.log(`synx / aria2c throughput ${(b / a).toFixed(2)} (target: at least 0.9)`);
} finally {
  if (child !== undefined && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(work, { recursive: true, force: true });
}
