// A killed export never leaves a broken file under its final name, and rerunning the same
// command completes it identically. For each built-in format the built CLI is killed with
// SIGKILL at three points of an export of a synthetic folder (early, middle, late — each on a
// rerun into the folder the previous kill left); every file then present under a final name
// must equal the same file of a clean run, and a last rerun must give the clean run's tree.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeSyntheticFolder } from '@synx/fake-synapse';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, tempDir, tree } from './helpers.js';

const root = tempDir('crash');
const source = join(root, 'source');
const home = mkdtempSync(join(root, 'home-'));
/** Big enough that an export runs for a second or more (most of it writing). */
const ITEMS = 2000;

beforeAll(async () => {
  // Grouped polygons make issues (YOLO detect keeps no outline, …), so synx-issues.jsonl —
  // written by the pipeline, not by a format — is part of the output too.
  await writeSyntheticFolder({ outDir: source, items: ITEMS, seed: 11, polygonShare: 0.2 });
}, 120_000);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Starts `synx export` of the synthetic folder into `out`. */
function start(format: string, out: string): { exited: Promise<Exit>; kill: () => void } {
  const child = spawn(
    process.execPath,
    [BIN, 'export', '--from', source, '--format', format, '--output', out],
    { cwd: home, env: isolatedEnv(home), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      if (code !== null && code !== 0) {
        process.stderr.write(stderr);
      }
      resolve({ code, signal });
    });
  });
  return { exited, kill: () => child.kill('SIGKILL') };
}

const MANIFEST = 'synx-export.json';

/** Every file under `dir` (relative paths), without reading them. */
function files(dir: string, under = ''): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  let names: string[];
  try {
    names = readdirSync(join(dir, under));
  } catch {
    return out;
  }
  for (const name of names) {
    const rel = under === '' ? name : `${under}/${name}`;
    let st;
    try {
      st = statSync(join(dir, rel));
    } catch {
      continue; // renamed or removed meanwhile
    }
    if (st.isDirectory()) {
      out.push(...files(dir, rel));
    } else {
      out.push({ path: rel, size: st.size });
    }
  }
  return out;
}

/** A temporary file of a run: a `.partial`, or a hidden spool (COCO). */
const isTemporary = (path: string): boolean =>
  path.endsWith('.partial') || (path.split('/').pop() ?? '').startsWith('.');

/** The manifest's `run.startedAt` (identifies one run), or undefined. */
function runningSince(dir: string): string | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as {
      status: string;
      run: { startedAt: string };
    };
    return m.status === 'running' ? m.run.startedAt : undefined;
  } catch {
    return undefined; // absent, or being renamed
  }
}

/** The folder holding one file per image (or item), or undefined for single-file formats. */
const PER_ITEM: Record<string, string | undefined> = {
  coco: undefined,
  yolo: 'labels',
  voc: 'VOCdevkit/VOC2012/Annotations',
  csv: undefined,
  json: 'json',
};

/**
 * How far a run into `dir` has got, 0…1, against the clean run: the share of per-image files
 * present under their final names, or for single-file formats the bytes written so far
 * (temporary files included) against the clean output's bytes.
 */
function progress(format: string, dir: string, clean: Map<string, Buffer>): number {
  const folder = PER_ITEM[format];
  if (folder !== undefined) {
    const total = [...clean.keys()].filter((p) => p.startsWith(`${folder}/`)).length;
    const done = files(dir, folder).filter((f) => !isTemporary(f.path)).length;
    return done / total;
  }
  let total = 0;
  for (const [p, b] of clean) {
    if (p !== MANIFEST) {
      total += b.length;
    }
  }
  let done = 0;
  for (const f of files(dir)) {
    if (!f.path.startsWith(MANIFEST)) {
      done += f.size;
    }
  }
  return done / total;
}

/** `path:` in data.yaml names the output folder; the rest must be identical. */
function normalised(path: string, bytes: Buffer, dir: string): string {
  const text = bytes.toString('utf8');
  return path.endsWith('data.yaml') ? text.split(dir).join('<output>') : text;
}

function withoutRun(bytes: Buffer): unknown {
  const m = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  delete m['run'];
  return m;
}

type KillPoint = 'early' | 'middle' | 'late';

/**
 * Runs the export into `out` and kills it at `point`: `early` once its manifest says `running`,
 * `middle` at 30 % progress, `late` at 90 % (or, since single-file formats write in 256 KB
 * steps, at 85 % of the clean run's time). A run that finishes first is started again (at
 * most 3 times): the kill must happen.
 */
async function killAt(
  format: string,
  out: string,
  point: KillPoint,
  clean: Map<string, Buffer>,
  cleanMs: number,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const before = runningSince(out);
    const t0 = Date.now();
    const run = start(format, out);
    let exited: Exit | undefined;
    void run.exited.then((e) => (exited = e));
    while (exited === undefined) {
      const since = runningSince(out);
      const started = since !== undefined && since !== before;
      const p = started ? progress(format, out, clean) : 0;
      if (
        (point === 'early' && started) ||
        (point === 'middle' && p >= 0.3) ||
        (point === 'late' && started && (p >= 0.9 || Date.now() - t0 >= 0.85 * cleanMs))
      ) {
        run.kill();
        break;
      }
      await new Promise((r) => setTimeout(r, 3));
    }
    const end = await run.exited;
    if (end.signal === 'SIGKILL') {
      return;
    }
    expect(end.code, `${format}: a run not killed ${point} completes`).toBe(0);
    expect(attempt, `${format} finished before the ${point} kill point, 3 times`).toBeLessThan(3);
  }
}

/** Every file under a final name in the killed folder equals the clean run's. */
function expectNoBrokenFile(
  format: string,
  point: KillPoint,
  out: string,
  cleanDir: string,
  clean: Map<string, Buffer>,
): number {
  let compared = 0;
  for (const [path, bytes] of tree(out)) {
    if (isTemporary(path)) {
      continue;
    }
    const where = `${format}, killed ${point}: ${path}`;
    if (path === MANIFEST) {
      expect((JSON.parse(bytes.toString('utf8')) as { status: string }).status, where).toBe(
        'running',
      );
      continue;
    }
    const want = clean.get(path);
    expect(want, `${where} is not in the clean output`).toBeDefined();
    expect(normalised(path, bytes, out), where).toBe(
      normalised(path, want ?? Buffer.alloc(0), cleanDir),
    );
    compared++;
  }
  return compared;
}

function expectSameTree(format: string, out: string, cleanDir: string, clean: Map<string, Buffer>) {
  const got = tree(out);
  expect([...got.keys()], `${format}: the rerun leaves the clean run's files, no more`).toEqual([
    ...clean.keys(),
  ]);
  for (const [path, bytes] of got) {
    const want = clean.get(path) ?? Buffer.alloc(0);
    if (path === MANIFEST) {
      expect((withoutRun(bytes) as { status: string }).status).toBe('complete');
      expect(withoutRun(bytes), `${format}: ${path}`).toEqual(withoutRun(want));
    } else {
      expect(normalised(path, bytes, out), `${format}: ${path}`).toBe(
        normalised(path, want, cleanDir),
      );
    }
  }
}

describe('a killed export leaves no broken file, and a rerun completes it identically', () => {
  for (const format of ['coco', 'yolo', 'voc', 'csv', 'json']) {
    it(format, async () => {
      const cleanDir = join(root, `${format}-clean`);
      const t0 = Date.now();
      expect((await start(format, cleanDir).exited).code).toBe(0);
      const cleanMs = Date.now() - t0;
      const clean = tree(cleanDir);
      expect(clean.size).toBeGreaterThan(1);
      const perItem = PER_ITEM[format];
      // One folder, killed three times: each kill lands on a rerun into the folder the previous
      // kill left (so leftovers of earlier runs are in it too), then a last rerun completes it.
      const out = join(root, `${format}-killed`);
      for (const point of ['early', 'middle', 'late'] as const) {
        await killAt(format, out, point, clean, cleanMs);
        const compared = expectNoBrokenFile(format, point, out, cleanDir, clean);
        if (perItem !== undefined && point !== 'early') {
          // The kill came after files were finished: the comparison had something to compare.
          expect(compared, `${format}, killed ${point}: files compared`).toBeGreaterThan(0);
        }
        expect(existsSync(join(out, MANIFEST))).toBe(true);
      }
      const rerun = await start(format, out).exited;
      expect(rerun.code, `${format}: rerun after the kills`).toBe(0);
      expectSameTree(format, out, cleanDir, clean);
    });
  }
});
