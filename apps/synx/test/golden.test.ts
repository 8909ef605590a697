// Golden files: today's output of every built-in format, byte for byte, over a small corpus of
// Synapse folders and an option matrix. `SYNX_UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts`
// (in apps/synx) rewrites test/golden/expected from the current build.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { richFixture } from '@synx/format-testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO, synx, tempDir } from './helpers.js';

const GOLDEN = join(import.meta.dirname, 'golden');
const EXPECTED = join(GOLDEN, 'expected');
const UPDATE = process.env['SYNX_UPDATE_GOLDEN'] === '1';
/** The run manifest: compared as a normalised view (no run times, no paths). */
const MANIFEST = 'synx-export.json';
/** Per-case record in the expected folder: exit code and the normalised manifest. */
const RECORD = '_golden.json';
const POOL = 2;

interface Variant {
  readonly name: string;
  readonly args: readonly string[];
  readonly inputs?: readonly string[];
}

const opt = (...kv: string[]): string[] => kv.flatMap((p) => ['--option', p]);

const VARIANTS: readonly Variant[] = [
  { name: 'coco', args: ['--format', 'coco'] },
  { name: 'coco-names-name', args: ['--format', 'coco', ...opt('names=name')] },
  {
    name: 'coco-categoryIds-map',
    args: [
      '--format',
      'coco',
      ...opt('categoryIds=map'),
      '--class-map',
      join(GOLDEN, 'inputs', 'edges-class-map.json'),
    ],
    inputs: ['edges'],
  },
  ...['detect', 'segment', 'pose', 'obb'].map((task) => ({
    name: `yolo-${task}`,
    args: ['--format', 'yolo', ...opt(`task=${task}`)],
  })),
  // Options that only matter where the data has what they act on (keeps the goldens small).
  {
    name: 'yolo-detect-crowd-keep',
    args: ['--format', 'yolo', ...opt('crowd=keep')],
    inputs: ['edges'],
  },
  { name: 'voc', args: ['--format', 'voc'] },
  {
    name: 'voc-attr',
    args: ['--format', 'voc', ...opt('attr=difficult:hard')],
    inputs: ['edges'],
  },
  ...['synx', 'tfod', 'openimages'].map((preset) => ({
    name: `csv-${preset}`,
    args: ['--format', 'csv', ...opt(`preset=${preset}`)],
  })),
  { name: 'json', args: ['--format', 'json'] },
];

/**
 * Without and with a split. The small folders get larger shares: 0.8/0.1/0.1 of a dozen items
 * leaves a split empty, which the export refuses (exit 2) before writing anything.
 */
const SPLIT_ARGS: Record<string, string[]> = {
  demo: ['--split', '0.8/0.1/0.1', '--seed', '1'],
  edges: ['--split', '0.5/0.25/0.25', '--seed', '1'],
  rich: ['--split', '0.5/0.5', '--seed', '1'],
};
const splitsOf = (input: string): { name: string; args: string[] }[] => [
  { name: 'all', args: [] },
  { name: 'split', args: SPLIT_ARGS[input]! },
];

const work = tempDir('golden');
/** Input folders by name; `rich` is written at run time by @synx/format-testkit. */
const INPUTS: Record<string, string> = {
  demo: DEMO,
  edges: join(GOLDEN, 'inputs', 'edges'),
  rich: join(work, 'inputs', 'rich'),
};

interface Case {
  readonly id: string;
  readonly input: string;
  readonly args: string[];
}

const CASES: Case[] = Object.keys(INPUTS).flatMap((input) =>
  VARIANTS.filter((v) => v.inputs === undefined || v.inputs.includes(input)).flatMap((v) =>
    splitsOf(input).map((s) => ({
      id: `${input}--${v.name}--${s.name}`,
      input,
      args: [...v.args, ...s.args],
    })),
  ),
);

/** Relative paths of every file under `dir`, sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else {
        out.push(relative(dir, p).split('\\').join('/'));
      }
    }
  };
  walk(dir);
  return out;
}

/** The run's own paths (output and input folders) in text output, as placeholders. */
function placeholders(bytes: Buffer, output: string, input: string): Buffer {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    return bytes;
  }
  const swapped = text.split(output).join('<OUTPUT>').split(input).join('<INPUT>');
  return swapped === text ? bytes : Buffer.from(swapped, 'utf8');
}

/** The manifest without run times, durations or machine paths. */
function normaliseManifest(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(normaliseManifest);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'run' || /At$|Ms$/.test(k)) {
        continue;
      }
      out[k] = normaliseManifest(v);
    }
    return out;
  }
  return value;
}

interface Actual {
  readonly record: { args: string[]; exitCode: number; manifest: unknown };
  readonly files: Map<string, Buffer>;
}

async function runCase(c: Case): Promise<Actual> {
  const input = INPUTS[c.input]!;
  const output = join(work, 'out', c.id);
  const r = await synx(['export', '--from', input, '--output', output, ...c.args]);
  const files = new Map<string, Buffer>();
  let manifest: unknown = null;
  for (const rel of listFiles(output)) {
    const bytes = placeholders(readFileSync(join(output, rel)), output, input);
    if (rel === MANIFEST) {
      manifest = normaliseManifest(JSON.parse(bytes.toString('utf8')));
    } else if (rel === 'report.html') {
      // ~200 kB per case, with thumbnails that follow the sharp version: the report has its own
      // tests (packages/report, report-browser); the manifest's `report` says it was written
      continue;
    } else {
      files.set(rel, bytes);
    }
  }
  const args = c.args.map((a) => (a.startsWith(GOLDEN) ? relative(GOLDEN, a) : a));
  rmSync(output, { recursive: true, force: true });
  return { record: { args, exitCode: r.code, manifest }, files };
}

const results = new Map<string, Actual>();

beforeAll(async () => {
  await richFixture(INPUTS['rich']!);
  const queue = [...CASES];
  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
      results.set(c.id, await runCase(c));
    }
  };
  await Promise.all(Array.from({ length: POOL }, worker));
  if (UPDATE) {
    rmSync(EXPECTED, { recursive: true, force: true });
    for (const c of CASES) {
      const a = results.get(c.id)!;
      const dir = join(EXPECTED, c.id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, RECORD), `${JSON.stringify(a.record, null, 2)}\n`);
      for (const [rel, bytes] of a.files) {
        mkdirSync(join(dir, rel, '..'), { recursive: true });
        writeFileSync(join(dir, rel), bytes);
      }
    }
  }
}, 600_000);

describe('golden output of the built-in formats', () => {
  it('has an expected folder for every case and no stale ones', () => {
    expect(readdirSync(EXPECTED).sort()).toEqual(CASES.map((c) => c.id).sort());
  });

  it.each(CASES.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const actual = results.get(c.id)!;
    const dir = join(EXPECTED, c.id);
    const record: unknown = JSON.parse(readFileSync(join(dir, RECORD), 'utf8'));
    expect(actual.record).toEqual(record);
    const expectedFiles = listFiles(dir).filter((f) => f !== RECORD);
    expect([...actual.files.keys()].sort()).toEqual(expectedFiles);
    for (const rel of expectedFiles) {
      const want = readFileSync(join(dir, rel));
      const got = actual.files.get(rel)!;
      if (!got.equals(want)) {
        // A readable diff for text; the byte check below is what decides.
        expect(got.toString('utf8'), `${c.id}/${rel}`).toBe(want.toString('utf8'));
      }
      expect(got.equals(want), `${c.id}/${rel} differs`).toBe(true);
    }
  });
});
