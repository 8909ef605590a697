/*
 * The bad-input corpus (test/bad-input/fixtures, described in test/bad-input/README.md) through
 * every format of the built CLI: no crash, no hang, outputs that real consumers read (JSON.parse,
 * Python's json and PyYAML, xmllint, strict csv-parse, YOLO label rules), and every problem
 * named with its item and field. One test per case; the five formats (and one run with
 * --save-original-files) run inside it, at most three CLI processes at a time.
 */
import { lstatSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRun, type RunSpec } from './bad-input/checks.js';
import {
  externalTools,
  fingerprint,
  forbiddenContents,
  FORMATS,
  loadCases,
  Pool,
  prepareCase,
  restorePermissions,
  runCli,
  stemsOf,
  writeOutside,
  type LoadedCase,
} from './bad-input/harness.js';
import { tempDir } from './helpers.js';

const cases = loadCases();
const root = tempDir('bad-input');
const pool = new Pool(availableParallelism() >= 2 ? 3 : 2);
const tools = externalTools();
const DEFAULT_TIMEOUT_MS = 20_000;
const SUITE_STARTED = Date.now();

interface RunRecord {
  case: string;
  format: string;
  media: boolean;
  exit: number | null;
  signal: string | null;
  hung: boolean;
  /** When the run started, in ms since the suite started. */
  start: number;
  ms: number;
  failures: string[];
}
const records: RunRecord[] = [];

afterAll(() => {
  // SYNX_BAD_INPUT_REPORT=<file>: every run's exit code, duration and failures, as JSON.
  const report = process.env['SYNX_BAD_INPUT_REPORT'];
  if (report !== undefined && report !== '') {
    records.sort((a, b) => (a.case < b.case ? -1 : a.case > b.case ? 1 : 0));
    writeFileSync(report, `${JSON.stringify(records, null, 1)}\n`);
  }
});

function hasMedia(src: string): boolean {
  try {
    lstatSync(join(src, 'origin_files'));
    return true;
  } catch {
    return false;
  }
}

const label = (run: RunSpec): string =>
  run.media ? `${run.format} --save-original-files` : run.format;

async function runCase(c: LoadedCase): Promise<string[]> {
  const dir = join(root, c.name);
  const src = join(dir, 'src');
  const outside = join(dir, 'outside');
  writeOutside(outside);
  prepareCase(c, src);
  try {
    const before = fingerprint(src);
    const outsideBefore = fingerprint(outside);
    const env = { src, stems: stemsOf(src), forbidden: forbiddenContents(outside), tools };
    const runs: RunSpec[] = FORMATS.map((format) => ({
      format,
      media: false,
      output: join(dir, `out-${format}`),
    }));
    if (hasMedia(src)) {
      runs.push({
        format: c.spec.mediaFormat,
        media: true,
        output: join(dir, `media-${c.spec.mediaFormat}`),
      });
    }
    const failures: string[] = [];
    await Promise.all(
      runs.map((run) =>
        pool.run(async (release) => {
          const args = ['export', '--from', src, '--format', run.format];
          args.push('--output', run.output, '--json');
          if (run.media) {
            args.push('--save-original-files');
          }
          const home = join(dir, `home-${run.format}${run.media ? '-media' : ''}`);
          // A run blocked on a FIFO waits for its timeout without holding a slot.
          const r = await runCli(args, home, c.spec.timeoutMs ?? DEFAULT_TIMEOUT_MS, release);
          const found = await checkRun(c, run, r, env);
          records.push({
            case: c.name,
            format: label(run),
            media: run.media,
            exit: r.code,
            signal: r.signal,
            hung: r.hung,
            start: r.startedAt - SUITE_STARTED,
            ms: r.ms,
            failures: found,
          });
          failures.push(...found.map((x) => `[${label(run)}] ${x}`));
        }),
      ),
    );
    if (JSON.stringify(fingerprint(src)) !== JSON.stringify(before)) {
      failures.push('[all] the source folder changed during the export');
    }
    if (JSON.stringify(fingerprint(outside)) !== JSON.stringify(outsideBefore)) {
      failures.push('[all] a folder outside the source changed during the export');
    }
    const expected = /^(src|outside|out-\w+|media-\w+|home-\w+(-media)?)$/;
    const stray = readdirSync(dir).filter((n) => !expected.test(n));
    if (stray.length > 0) {
      failures.push(`[all] files written beside the output folders: ${stray.join(', ')}`);
    }
    // Runs finish in any order; report them in format order.
    const order = (line: string): number => runs.findIndex((r) => line.startsWith(`[${label(r)}]`));
    return failures.sort((a, b) => order(a) - order(b));
  } finally {
    restorePermissions(c, src);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the bad-input corpus', () => {
  it('has at least 90 cases, each numbered once', () => {
    expect(cases.length).toBeGreaterThanOrEqual(90);
    const numbers = cases.map((c) => c.name.slice(0, 3));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('can check with xmllint and PyYAML (/usr/bin/python3)', (ctx) => {
    const missing = [
      ...(tools.xmllint ? [] : ['xmllint (Debian libxml2-utils): VOC XML is not checked']),
      ...(tools.pyyaml ? [] : ['PyYAML (Debian python3-yaml): data.yaml is not checked']),
      ...(tools.python ? [] : ['/usr/bin/python3: raw JSON is not read by Python']),
    ];
    if (missing.length === 0) {
      return;
    }
    if ((process.env['CI'] ?? '') !== '') {
      throw new Error(
        `CI must install the consumers the corpus is checked with: ${missing.join('; ')}`,
      );
    }
    ctx.skip(`not installed here, skipped: ${missing.join('; ')}`);
  });
});

describe.concurrent('bad input through coco, yolo, voc, csv and json', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.spec.title}`, { timeout: 600_000 }, async () => {
      const failures = await runCase(c);
      if (failures.length > 0) {
        throw new Error(`${c.name} — ${c.spec.why}\n  ${failures.join('\n  ')}`);
      }
    });
  }
});
