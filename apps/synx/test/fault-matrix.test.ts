// The fault matrix: every class of passing fault the fake backend can inject, alone and all
// together, on every route (pages, single objects, header reads, downloads), for labels-only
// and media exports in COCO and YOLO. Each run must end exit 0 with output byte-identical to
// the fault-free run: a transient fault changes nothing in the output.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startFakeSynapse,
  writeSyntheticFolder,
  type FakeSynapse,
  type FaultConfig,
} from '@synx/fake-synapse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synx, tempDir, tree } from './helpers.js';

const root = tempDir('fault-matrix');
const TOKEN = 'fault-matrix-token-51c0';
const src = join(root, 'src');
// 5 pages of 100, so that page requests meet faults too.
const ITEMS = 500;

/** Each fault class alone at 10 % (bounded by the fake's maxConsecutive, 3), then all at once. */
const MATRIX: Record<string, FaultConfig> = {
  'rate limits (429 + Retry-After)': { rateLimit: 0.1, retryAfterS: 1 },
  '5xx bursts': { serverError: 0.1, burst: 3 },
  'dropped connections': { drop: 0.1 },
  'truncated bodies': { truncate: 0.1 },
  'slow pages': { latencyMs: 5, routes: { assignments: { latencyMs: 1_500 } } },
  'expired URLs': { routes: { media: { expire: 0.1, urlTtlMs: 1_500 } } },
  'all together at 10 %': {
    rateLimit: 0.1,
    retryAfterS: 1,
    serverError: 0.1,
    burst: 2,
    drop: 0.1,
    truncate: 0.1,
    routes: {
      media: {
        rateLimit: 0.1,
        retryAfterS: 1,
        serverError: 0.1,
        burst: 2,
        drop: 0.1,
        truncate: 0.1,
        expire: 0.1,
        // Long enough that URLs expire only by the `expire` fault: a TTL shorter than the
        // backoff expires every URL between its refresh and its next try.
        urlTtlMs: 60_000,
      },
    },
  },
};

const MODES = [
  { format: 'coco', media: false },
  { format: 'yolo', media: false },
  { format: 'coco', media: true },
  { format: 'yolo', media: true },
] as const;

/**
 * Every file of an export as path → hash; `data.yaml`'s `path:` line (the output folder) and
 * the manifest (run times, host) are left out, the manifest's counts compared on their own.
 */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [rel, bytes] of tree(dir)) {
    if (rel === 'synx-export.json') {
      continue;
    }
    // data.yaml names the output folder; the size cache keys files by URL and the report names
    // the source host, and each run's backend listens on its own port.
    const text =
      rel === 'data.yaml'
        ? Buffer.from(bytes.toString('utf8').replace(/^path: .*$/m, 'path: <output>'))
        : rel === 'synx-image-sizes.jsonl' || rel === 'report.html'
          ? Buffer.from(bytes.toString('utf8').replace(/http:\/\/127\.0\.0\.1:\d+/g, '<origin>'))
          : bytes;
    out.set(rel, createHash('sha1').update(text).digest('hex'));
  }
  return out;
}

interface Manifest {
  status: string;
  counts: unknown;
  issues: { errors: number; warnings: number; byCode: { code: string; count: number }[] };
  media: { files: number; failedCount: number; retries: number; refreshes: number } | null;
}

const manifestOf = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, 'synx-export.json'), 'utf8')) as Manifest;

/** Runs `tasks` with at most `limit` at once. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

let clean: FakeSynapse;
const baseline = new Map<string, { files: Map<string, string>; manifest: Manifest }>();
const servers: FakeSynapse[] = [];

const key = (m: (typeof MODES)[number]): string => `${m.format}${m.media ? '+media' : ''}`;

async function exportFrom(
  fake: FakeSynapse,
  mode: (typeof MODES)[number],
  out: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return synx([
    'export',
    '--host',
    fake.url,
    '--token',
    TOKEN,
    '--project',
    String(fake.projectId),
    '--format',
    mode.format,
    '--output',
    out,
    ...(mode.media ? ['--save-original-files'] : []),
  ]);
}

beforeAll(async () => {
  // No data-unit meta: every image is sized by a header read over HTTP.
  await writeSyntheticFolder({ outDir: src, items: ITEMS, objectsPerItem: 3, seed: 77 });
  clean = await startFakeSynapse({ from: src, token: TOKEN });
  await pool(
    MODES.map((mode) => async () => {
      const out = join(root, 'clean', key(mode));
      const r = await exportFrom(clean, mode, out);
      expect(r.code, r.stderr).toBe(0);
      baseline.set(key(mode), { files: snapshot(out), manifest: manifestOf(out) });
    }),
    2,
  );
}, 300_000);

afterAll(async () => {
  await clean.close();
  await Promise.all(servers.map((s) => s.close()));
});

describe('transient faults change nothing in the output', () => {
  it('the fault-free runs are complete and hold every image', () => {
    for (const mode of MODES) {
      const b = baseline.get(key(mode));
      expect(b?.manifest.status).toBe('complete');
      expect(b?.manifest.issues.errors).toBe(0);
      if (mode.media) {
        expect(b?.manifest.media?.files).toBe(ITEMS);
      }
      // every image sized: none unsized, so YOLO wrote a label file per image
      expect((b?.manifest.counts as { unsizedImages: number }).unsizedImages).toBe(0);
      if (mode.format === 'yolo') {
        expect([...(b?.files.keys() ?? [])].filter((f) => f.startsWith('labels/'))).toHaveLength(
          ITEMS,
        );
      }
    }
  });

  for (const [name, faults] of Object.entries(MATRIX)) {
    it(`${name}: exit 0 and byte-identical, labels-only and with media, COCO and YOLO`, async () => {
      const runs = await pool(
        MODES.map((mode) => async () => {
          // A backend per run: the fake bounds how often one request fails in a row
          // (maxConsecutive), which two runs asking for the same file would share.
          const fake = await startFakeSynapse({ from: src, token: TOKEN, seed: 5, faults });
          servers.push(fake);
          const out = join(root, name.replace(/[^a-z0-9]+/gi, '-'), key(mode));
          const r = await exportFrom(fake, mode, out);
          return { mode, out, r, fake };
        }),
        2,
      );
      const log = runs.flatMap((run) => run.fake.log);
      for (const { mode, out, r } of runs) {
        const label = `${name} / ${key(mode)}`;
        expect(r.code, `${label}: ${r.stderr}${r.stdout.slice(-2000)}`).toBe(0);
        const want = baseline.get(key(mode));
        const got = snapshot(out);
        expect([...got.keys()].sort(), label).toEqual([...(want?.files.keys() ?? [])].sort());
        const differ = [...got].filter(([f, h]) => want?.files.get(f) !== h).map(([f]) => f);
        expect(differ, label).toEqual([]);
        const m = manifestOf(out);
        expect(m.status, label).toBe('complete');
        expect(m.counts, label).toEqual(want?.manifest.counts);
        expect(m.issues, label).toEqual(want?.manifest.issues);
      }
      // The faults really happened, on the routes they were meant for.
      const faulted = log.filter((e) => e.fault !== undefined);
      const slow = name === 'slow pages';
      if (!slow) {
        expect(faulted.length, name).toBeGreaterThan(20);
        expect(
          faulted.some((e) => e.route === 'media'),
          `${name}: media`,
        ).toBe(true);
        if (name !== 'expired URLs') {
          expect(
            faulted.some((e) => e.route === 'assignments'),
            `${name}: pages`,
          ).toBe(true);
        }
      } else {
        expect(log.filter((e) => e.route === 'assignments').length).toBeGreaterThan(10);
      }
    }, 600_000);
  }
});
