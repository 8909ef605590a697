// Each deliberate-bug format in ./bugs breaks one rule of the plugin contract; the check for
// that rule must fail on it, naming the object or file. A correct format passes every check.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkAbort,
  checkAccounting,
  checkChildProcesses,
  checkDescription,
  checkManifest,
  checkPackedTarball,
  checkQuiet,
  checkWrittenInOutput,
  compareTrees,
  ConformanceError,
  loadFixture,
  recordingContext,
  runWriter,
  tempDir,
  type FixtureData,
  type FormatModule,
  type Probe,
  type SomeFormat,
  type WriterRun,
} from '../src/index.js';

const url = (name: string): URL => new URL(`./bugs/${name}`, import.meta.url);
const mod = (name: string): FormatModule => ({ url: url(`${name}.mjs`).href, export: 'format' });
interface BugModule {
  readonly format: SomeFormat;
  readonly probe: Probe;
}
async function load(name: string): Promise<BugModule> {
  const m = (await import(url(`${name}.mjs`).href)) as { format: SomeFormat; probe?: Probe };
  const good = (await import(url('good.mjs').href)) as { probeLines: Probe };
  return { format: m.format, probe: m.probe ?? good.probeLines };
}

function withoutReader(format: SomeFormat): SomeFormat {
  const rest: Record<string, unknown> = { ...format };
  delete rest['read'];
  return rest as unknown as SomeFormat;
}

/** The message of the ConformanceError `run` throws (fails when it does not throw). */
async function failure(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (e) {
    expect(e).toBeInstanceOf(ConformanceError);
    return (e as Error).message;
  }
  throw new Error('the check passed, but it should have failed');
}

const root = tempDir('bugs');
let data: FixtureData;
let n = 0;
const out = (what: string): string => join(root, `${what}-${n++}`);
const write = (f: SomeFormat, what: string): Promise<WriterRun> =>
  runWriter(f, {}, data, out(what));

beforeAll(async () => {
  data = await loadFixture('rich', join(root, 'src'));
});

describe('a correct minimal format', () => {
  it('passes every check', async () => {
    const { format, probe } = await load('good');
    await checkDescription(format);
    const run = await write(format, 'good');
    checkAccounting(format, data, run);
    compareTrees('two runs', run.dir, (await write(format, 'good')).dir);
    expect(await checkWrittenInOutput(format, data, run, { tolerancePx: 0 })).toBe('read');
    const probed = await write(format, 'good');
    expect(
      await checkWrittenInOutput(withoutReader(format), data, probed, {
        probe,
      }),
    ).toBe('probe');
    await checkAbort(format, data, out('good-abort'), run.dir);
    await checkQuiet(format, data, out('good-quiet'));
    await checkChildProcesses(format, mod('good'), data, out('good-children'));
    const entry = await checkManifest(format, fileURLToPath(url('good.package.json')), {
      outDir: run.dir,
    });
    expect(entry?.id).toBe('box-lines');
    expect(await format.detect?.({ dir: run.dir }, recordingContext().ctx)).toBe(80);
  }, 60_000);
});

describe('the checks catch broken formats, naming the object or file', () => {
  it('an annotation neither written nor accounted (silent drop)', async () => {
    const { format } = await load('silent-drop');
    const message = await failure(async () => {
      checkAccounting(format, data, await write(format, 'silent'));
    });
    // b2 is the rotated box of item "boxes".
    expect(message).toContain('never accounted (silently dropped)');
    expect(message).toMatch(
      /item "boxes" media image_1 \(boxes\.jpg\): annotation b2 bbox class "person" x=120 y=10 w=30 h=60 rotation=0\.3/,
    );
  });

  it('an annotation accounted written but not in the output (no reader, a probe)', async () => {
    const { format, probe } = await load('written-absent');
    expect(typeof format.read).toBe('undefined');
    const run = await write(format, 'absent');
    checkAccounting(format, data, run); // its accounting looks perfect
    const message = await failure(() => checkWrittenInOutput(format, data, run, { probe }));
    expect(message).toContain(
      'accounted written (bbox: keep) but not in the output: item "boxes" media image_1 (boxes.jpg): annotation b1 bbox class "car" x=10.5 y=20.25 w=50 h=40',
    );
    expect(message).toContain('annotation b3 bbox class "car"');
    expect(message).not.toContain('annotation b4');
    // Without a probe the suite cannot tell, and says what to add.
    const none = await failure(() => checkWrittenInOutput(format, data, run));
    expect(none).toContain('it keeps bbox but has no read(): give the conformance suite a probe');
  });

  it('output that differs between two runs in one process (Math.random)', async () => {
    const { format } = await load('random-output');
    const a = await write(format, 'random');
    const b = await write(format, 'random');
    const message = await failure(() => {
      compareTrees('two runs in one process', a.dir, b.dir);
    });
    expect(message).toMatch(
      /labels\/boxes\.txt: bytes differ at line \d+: "# run 0\.\d+" vs "# run 0\.\d+"/,
    );
  });

  it('output that differs between two processes (process.pid)', async () => {
    const { format } = await load('pid-output');
    compareTrees(
      'two runs in one process',
      (await write(format, 'pid')).dir,
      (await write(format, 'pid')).dir,
    );
    const message = await failure(() =>
      checkChildProcesses(format, mod('pid-output'), data, out('pid-children')),
    );
    expect(message).toContain('output of two processes');
    expect(message).toMatch(/labels\/boxes\.txt: bytes differ at line \d+: "# written by \d+"/);
  }, 60_000);

  it('an abort ignored, before the start and part-way', async () => {
    const { format } = await load('abort-ignored');
    const complete = await write(format, 'ignored-complete');
    const message = await failure(() => checkAbort(format, data, out('ignored'), complete.dir));
    expect(message).toContain('aborted before the start: the writer finished');
    expect(message).toContain('aborted after 1 items: the writer finished');
    expect(message).toContain('aborted while the writer awaits item 2: the writer finished');
    const [, second, third] = data.items.map((i) => `"${i.id}"`);
    expect(message).toContain(
      `aborted after 1 items: the writer took items after the abort: ${third}`,
    );
    expect(second).toBeDefined();
  });

  it('an abort seen before the start only (keeps consuming after a later abort)', async () => {
    const { format } = await load('abort-late');
    const complete = await write(format, 'late-complete');
    const message = await failure(() => checkAbort(format, data, out('late'), complete.dir));
    expect(message).not.toContain('aborted before the start');
    expect(message).toContain('aborted after 1 items: the writer finished');
    expect(message).toContain(
      'aborted while the writer awaits item 2: the writer took items after the abort',
    );
  });

  it('an abort that leaves a half-written file under its final name', async () => {
    const { format } = await load('half-written');
    const complete = await write(format, 'half-complete');
    const dir = out('half');
    const message = await failure(() => checkAbort(format, data, dir, complete.dir));
    expect(message).toMatch(
      new RegExp(
        `aborted after 1 items: ${join(dir, 'abort-1', 'all.txt').replace(/[.\\/]/g, '\\$&')}: half-written \\(\\d+ of \\d+ bytes`,
      ),
    );
  });

  it('console output while writing', async () => {
    const { format } = await load('console-output');
    const dir = out('console');
    const message = await failure(() => checkQuiet(format, data, dir));
    expect(message).toContain(
      `write() printed 1 time(s), first "console.log: writing box lines to ${dir}"`,
    );
    expect(message).not.toContain('read()');
  });

  it('a write outside the output folder (TMPDIR, beside the output folder)', async () => {
    const { format } = await load('write-outside');
    const dir = out('outside');
    const message = await failure(() =>
      checkChildProcesses(format, mod('write-outside'), data, dir),
    );
    expect(message).toContain(
      `write() left ${join(dir, 'child-0', 'tmp', 'box-lines-scratch.txt')} in TMPDIR`,
    );
    expect(message).toContain(
      `write() left ${join(dir, 'child-0', 'parent', 'box-lines.log')} in the parent of the output folder`,
    );
    expect(readdirSync(join(dir, 'child-1', 'cwd'))).toEqual([]);
  }, 60_000);

  it('a manifest that describe() and the module contradict', async () => {
    const { format } = await load('manifest-contradiction');
    const path = fileURLToPath(url('manifest-contradiction.package.json'));
    const message = await failure(() => checkManifest(format, path));
    expect(message).toContain(`manifest ${path}`);
    expect(message).toContain(
      'annotationKinds lists "polygon" but describe() does not keep it (it keeps bbox)',
    );
    expect(message).toContain('capabilities lists "read" but the module has no read()');
    expect(message).toContain(
      'flag --lines-precision sets option "precision", which the options schema does not have (it has none)',
    );
    expect(message).not.toContain('title');
  });

  it('a packed tarball whose module imports a devDependency does not load; a clean one does', async (t) => {
    const tiny = (
      (await import(new URL('./fixtures/good/index.mjs', import.meta.url).href)) as {
        format: SomeFormat;
      }
    ).format;
    const good = await checkPackedTarball(
      tiny,
      fileURLToPath(new URL('./fixtures/good', import.meta.url)),
    );
    if (good.skipped !== undefined) {
      t.skip(good.skipped);
    }
    expect(good.installedAt).toMatch(/node_modules[\\/]synx-format-tiny$/);
    const message = await failure(() =>
      checkPackedTarball(tiny, fileURLToPath(new URL('./fixtures/devdep-only', import.meta.url))),
    );
    expect(message).toMatch(
      /node_modules\/synx-format-devdep-only\/index\.mjs \(installed from the packed tarball of .*devdep-only\) does not load: .*Cannot find package 'synx-not-installed-at-runtime'/,
    );
  }, 120_000);
});
