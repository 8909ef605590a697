import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSynapse, writeSyntheticFolder, type FakeSynapse } from '@synx/fake-synapse';
import { readImageHeaderFromFileSync } from '@synx/image-header';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, synx, tempDir } from './helpers.js';

const root = tempDir('cli-media');
const TOKEN = 'cli-media-token-7d1e';
const ITEMS = 240;
const src = join(root, 'src');
let fake: FakeSynapse;

const sha1 = (path: string): string => createHash('sha1').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  await writeSyntheticFolder({
    outDir: src,
    items: ITEMS,
    objectsPerItem: 1,
    seed: 31,
    padMediaTo: 60_000,
  });
  const dataUnitMeta: Record<string, { width: number; height: number }> = {};
  for (const f of readdirSync(join(src, 'origin_files'))) {
    const h = readImageHeaderFromFileSync(join(src, 'origin_files', f));
    dataUnitMeta[f.replace(/\.jpg$/, '')] = { width: h.width, height: h.height };
  }
  writeFileSync(join(src, 'synapse-fake.json'), JSON.stringify({ dataUnitMeta }));
  fake = await startFakeSynapse({ from: src, token: TOKEN, seed: 9 });
});
afterAll(async () => {
  await fake.close();
});

/** Files directly in `dir` (complete ones and `.partial` ones). */
function listing(dir: string): { complete: string[]; partial: Map<string, number> } {
  const complete: string[] = [];
  const partial = new Map<string, number>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { complete, partial };
  }
  for (const n of names) {
    if (n.endsWith('.partial')) {
      // While the export runs, a .partial file may be renamed between readdir and stat.
      const size = statSync(join(dir, n), { throwIfNoEntry: false })?.size;
      if (size !== undefined) {
        partial.set(n.slice(0, -'.partial'.length), size);
      }
    } else {
      complete.push(n);
    }
  }
  return { complete, partial };
}

describe('synx export --save-original-files against a flaky backend', () => {
  it('survives 5% failed media requests and expired URLs; killed half-way, a rerun completes it without fetching complete files again', async () => {
    // 5% of media requests fail (5xx, resets, truncated bodies); some URLs are refused as
    // expired and every URL expires 30 s after it was handed out; 15 ms latency per request.
    // (packages/export/test/media.test.ts runs with URLs that expire after 400 ms.)
    fake.setFaults({
      routes: {
        media: {
          serverError: 0.02,
          burst: 1,
          drop: 0.015,
          truncate: 0.015,
          expire: 0.02,
          urlTtlMs: 30_000,
          latencyMs: 15,
          // a slow link, so the kill catches downloads half-way
          bytesPerSecond: 400_000,
        },
      },
    });
    const out = join(root, 'out');
    const args = [
      'export',
      '--host',
      fake.url,
      '--token',
      TOKEN,
      '--project',
      String(fake.projectId),
      '--format',
      'yolo',
      '--split',
      '0.8/0.2',
      '--save-original-files',
      '--media-concurrency',
      '4',
      '--output',
      out,
    ];
    const home = mkdtempSync(join(tmpdir(), 'synx-home-'));
    const env = isolatedEnv(home);
    // First run: killed (SIGKILL, no clean-up) once about a third of the files are there.
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: 'ignore' });
    const exited = new Promise<void>((r) => {
      child.once('exit', () => {
        r();
      });
    });
    const dirs = ['train', 'val'].map((s) => join(out, 'images', s));
    for (;;) {
      const done = dirs.reduce((a, d) => a + listing(d).complete.length, 0);
      if (done >= ITEMS / 3 || child.exitCode !== null) {
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const atKill = dirs.map((d) => listing(d));
    const completeAtKill = atKill.flatMap((l) => l.complete);
    expect(completeAtKill.length).toBeGreaterThanOrEqual(ITEMS / 3);
    expect(completeAtKill.length).toBeLessThan(ITEMS);
    // a file present under its own name is complete: only `.partial` files are unfinished
    const originals = new Map(
      readdirSync(join(src, 'origin_files')).map((f) => [f, sha1(join(src, 'origin_files', f))]),
    );
    for (const [i, l] of atKill.entries()) {
      for (const f of l.complete) {
        expect(sha1(join(dirs[i] ?? '', f)), f).toBe(originals.get(f));
      }
    }

    const partialAtKill = atKill.flatMap((l) => [...l.partial].filter(([, size]) => size > 0));
    expect(partialAtKill.length, 'downloads caught half-way').toBeGreaterThan(0);

    // Second run: the same command.
    fake.log.length = 0;
    const r = await synx(args);
    fake.setFaults({});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/media {8}240 files: \d+ downloaded/);
    expect(r.stdout).toContain(`${String(completeAtKill.length)} already there, 0 missing`);
    const got = new Map<string, string>();
    for (const d of dirs) {
      const l = listing(d);
      expect([...l.partial.keys()]).toEqual([]);
      for (const f of l.complete) {
        got.set(f, sha1(join(d, f)));
      }
    }
    expect(got).toEqual(originals);

    // The backend's log: nothing complete was requested again; partial files were continued.
    const media = fake.log.filter((e) => e.route === 'media');
    const requested = new Set(media.map((e) => decodeURIComponent(e.path.split('/').pop() ?? '')));
    for (const f of completeAtKill) {
      expect(requested.has(f), `${f} fetched again`).toBe(false);
    }
    for (const l of atKill) {
      for (const [f, size] of l.partial) {
        if (size > 0 && !completeAtKill.includes(f)) {
          const ranged = media.filter(
            (e) => e.path.endsWith(`/${encodeURIComponent(f)}`) && e.range !== undefined,
          );
          expect(ranged.length, `${f} resumed with Range`).toBeGreaterThan(0);
        }
      }
    }
    // the faults really happened during the two runs
    expect(media.some((e) => e.fault !== undefined)).toBe(true);
  }, 120_000);
});
