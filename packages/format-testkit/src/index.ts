// Public surface of @synx/format-testkit.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realFixture, writeFolderFromCoco, writeFolderFromVoc } from '@synx/fake-synapse';
import { encodeJpeg } from '@synx/image-header';
import {
  classMapFromProjectConfiguration,
  convertDmV1,
  IssueCollector,
  parseDmJson,
  type ClassMap,
  type Issue,
  type Item,
  type MediaKind,
} from '@synx/model';
import {
  messageText,
  type AnnotationOutcome,
  type AnyFormat,
  type ExportItem,
  type ExportText,
  type FormatContext,
  type WriteInput,
} from '@synx/plugin-api';
import { ExportItemNamer, parseFormatOptions } from './host.js';
import { decodeText, mediaSpecForFile, openSynapseFolder } from '@synx/synapse-folder';
import { readImageHeaderFromFileSync } from '@synx/image-header';
import { afterAll, describe, expect, it } from 'vitest';
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
  moduleFromManifest,
  type CheckConfig,
  type FormatModule,
  type Probe,
} from './checks.js';

/** Datasets the suite can write: a small one with every annotation kind, and the real fixtures. */
export type ConformanceFixture = 'rich' | 'coco128' | 'voc' | 'text' | 'classification';

/** A loaded fixture: items (small enough to hold), the class map and keypoint names. */
export interface FixtureData {
  readonly items: Item[];
  readonly classes: ClassMap;
  readonly keypointNames: string[];
}

/** Reads a Synapse raw export folder into sized canonical items (for small test folders). */
export async function loadFolder(dir: string): Promise<FixtureData> {
  const folder = await openSynapseFolder(dir);
  const classes = classMapFromProjectConfiguration(folder.project?.['configuration']);
  const items: Item[] = [];
  for (const entry of folder.entries) {
    const text = await folder.readJson(entry);
    const { media, dmKeys } = convertDmV1(parseDmJson(text, entry.jsonPath), {
      itemId: entry.stem,
      reporter: new IssueCollector(),
      ...(entry.mediaName === undefined || entry.mediaPath === undefined
        ? {}
        : {
            files: {
              [mediaSpecForFile(entry.mediaName)]: { name: entry.mediaName, path: entry.mediaPath },
            },
          }),
    });
    for (const m of media) {
      if (m.kind === 'image' && m.file?.path !== undefined) {
        const h = readImageHeaderFromFileSync(m.file.path);
        m.width = h.width;
        m.height = h.height;
        if (h.channels !== undefined) {
          m.depth = h.channels;
        }
      }
    }
    items.push({
      id: entry.stem,
      sourceKind: 'folder',
      key: entry.stem,
      stem: entry.stem,
      media,
      dmKeys,
      raw: text,
    });
  }
  return { items, classes, keypointNames: classes.keypointNames() };
}

const A = (id: string, tool: string, cls: string, extra: object = {}): object => ({
  id,
  tool,
  classification: { class: cls, ...extra },
});

/** The `rich` fixture: every annotation kind a format may meet, in a few small images. */
export async function richFixture(dir: string): Promise<FixtureData> {
  const { SynapseFolderWriter } = await import('@synx/synapse-folder');
  const w = new SynapseFolderWriter(dir);
  const schema = (codes: string[]): object => ({
    classification_schema: codes.map((c) => ({ code: c, name: c.toUpperCase() })),
  });
  await w.writeProject({
    id: 1,
    title: 'conformance',
    configuration: {
      classification: {
        bounding_box: schema(['car', 'person', '=HYPERLINK("x")']),
        polygon: schema(['road', 'person']),
        polyline: schema(['lane']),
        segmentation: schema(['sky']),
        keypoint: schema(['nose', 'left_eye', 'right_eye']),
        annotationGroup: schema(['person']),
        classification: schema(['day']),
        relation: schema(['near']),
      },
    },
  });
  const jpeg = (width: number, height: number): Buffer => encodeJpeg({ width, height });
  const items: {
    stem: string;
    name: string;
    anns: object[];
    datas: object[];
    size: [number, number];
  }[] = [
    {
      stem: 'boxes',
      name: 'boxes.jpg',
      size: [200, 100],
      anns: [
        A('b1', 'bounding_box', 'car', { color: 'red' }),
        A('b2', 'bounding_box', 'person'),
        A('b3', 'bounding_box', 'car'),
        A('b4', 'bounding_box', '=HYPERLINK("x")'),
      ],
      datas: [
        { id: 'b1', coordinate: { x: 10.5, y: 20.25, width: 50, height: 40 } },
        { id: 'b2', coordinate: { x: 120, y: 10, width: 30, height: 60, rotation: 0.3 } },
        { id: 'b3', coordinate: { x: 195, y: 50, width: 10, height: 10 } },
        { id: 'b4', coordinate: { x: 1, y: 1, width: 5, height: 5 } },
      ],
    },
    {
      stem: '形_ü shapes',
      name: '形_ü shapes.jpg',
      size: [120, 80],
      anns: [
        A('p1', 'polygon', 'road'),
        A('l1', 'polyline', 'lane'),
        A('m1', 'segmentation', 'sky'),
        A('c1', 'classification', 'day'),
        A('r1', 'relation', 'near'),
      ],
      datas: [
        {
          id: 'p1',
          coordinate: [
            { x: 10, y: 60 },
            { x: 100, y: 60 },
            { x: 90, y: 75 },
            { x: 20, y: 75 },
          ],
        },
        {
          id: 'l1',
          coordinate: [
            { x: 0, y: 0 },
            { x: 50, y: 50 },
          ],
        },
        { id: 'm1', pixel_indices: [0, 1, 2, 120, 121, 122] },
        { id: 'c1' },
        { id: 'r1', annotationId: 'p1', targetAnnotationId: 'l1' },
      ],
    },
    {
      stem: 'person',
      name: 'person.jpg',
      size: [100, 100],
      anns: [
        A('pb', 'bounding_box', 'person'),
        A('pp', 'polygon', 'person'),
        A('k1', 'keypoint', 'nose'),
        A('k2', 'keypoint', 'left_eye', { visibility: 1 }),
        A('g1', 'annotationGroup', 'person'),
        A('k3', 'keypoint', 'nose'),
      ],
      datas: [
        { id: 'pb', coordinate: { x: 20, y: 10, width: 40, height: 80 } },
        {
          id: 'pp',
          coordinate: [
            { x: 20, y: 10 },
            { x: 60, y: 10 },
            { x: 40, y: 90 },
          ],
        },
        { id: 'k1', coordinate: { x: 40, y: 20 } },
        { id: 'k2', coordinate: { x: 45, y: 18 } },
        {
          id: 'g1',
          annotationList: ['pb', 'pp', 'k1', 'k2'].map((annotationId) => ({
            annotationId,
            children: [],
          })),
        },
        { id: 'k3', coordinate: { x: 5, y: 5 } },
      ],
    },
    { stem: 'empty', name: 'empty.jpg', size: [64, 48], anns: [], datas: [] },
  ];
  for (const it of items) {
    await w.write({
      stem: it.stem,
      data: { annotations: { image_1: it.anns }, annotationsData: { image_1: it.datas } },
      media: { name: it.name, bytes: jpeg(...it.size) },
    });
  }
  return loadFolder(dir);
}

/** Loads a named fixture into `dir`. */
export async function loadFixture(fixture: ConformanceFixture, dir: string): Promise<FixtureData> {
  if (fixture === 'rich') {
    return richFixture(dir);
  }
  if (fixture === 'text') {
    const { textFixture } = await import('./fixtures/text.js');
    return textFixture(dir);
  }
  if (fixture === 'classification') {
    const { classificationFixture } = await import('./fixtures/classification.js');
    return classificationFixture(dir);
  }
  if (fixture === 'coco128') {
    await writeFolderFromCoco({
      coco: realFixture('coco128', 'instances_train2017_subset.json'),
      outDir: dir,
      media: 'placeholder',
    });
  } else {
    await writeFolderFromVoc({
      annotationsDir: realFixture('voc2012-multiformat', 'voc', 'Annotations'),
      outDir: dir,
      media: 'placeholder',
    });
  }
  return loadFolder(dir);
}

/**
 * A one-image item from DM v1 annotations and their data, converted as the export pipeline
 * converts them (`image_1`, file name `<stem>.jpg` unless given). `size` and `depth` are set on
 * the image when given; without them the image has no size (as when its header is unreadable).
 */
export function dmItem(
  stem: string,
  anns: readonly object[],
  datas: readonly object[],
  options: { size?: readonly [number, number]; depth?: number; fileName?: string } = {},
): Item {
  const { media } = convertDmV1(
    { annotations: { image_1: anns }, annotationsData: { image_1: datas } },
    {
      itemId: stem,
      reporter: new IssueCollector(),
      files: { image_1: { name: options.fileName ?? `${stem}.jpg` } },
    },
  );
  for (const m of media) {
    if (options.size !== undefined) {
      m.width = options.size[0];
      m.height = options.size[1];
    }
    if (options.depth !== undefined) {
      m.depth = options.depth;
    }
  }
  return { id: stem, sourceKind: 'folder', key: stem, stem, media };
}

/**
 * An outcome as recorded: what the format accounted, plus its reason rendered from the format's
 * message table (`messageText`), as the host shows it.
 */
export type RecordedOutcome = AnnotationOutcome & {
  /** The rendered reason of a conversion or drop; undefined for `written`. */
  readonly reason?: string | undefined;
};

/** A {@link FormatContext} for tests, with what the format reported and accounted. */
export interface RecordingContext {
  readonly ctx: FormatContext;
  readonly outcomes: RecordedOutcome[];
  readonly issues: Issue[];
}

/**
 * A context that records every issue and outcome (into the given arrays, or new ones), with a
 * quiet logger and a signal that never fires unless one is given.
 */
export function recordingContext(
  options: {
    issues?: Issue[];
    outcomes?: RecordedOutcome[];
    signal?: AbortSignal;
    /** The format's message table, to render reasons (default: the kit's messages only). */
    messages?: Readonly<Record<string, string>> | undefined;
  } = {},
): RecordingContext {
  const issues = options.issues ?? [];
  const outcomes = options.outcomes ?? [];
  const messages = options.messages;
  const ctx: FormatContext = {
    apiVersion: 1,
    signal: options.signal ?? new AbortController().signal,
    log: { debug: () => undefined },
    report: (i) => issues.push(i),
    account: (o) =>
      outcomes.push(
        o.outcome === 'written' ? o : { ...o, reason: messageText(messages, o.messageId, o.data) },
      ),
  };
  return { ctx, outcomes, issues };
}

/** What a direct run of a format's writer produced. */
export interface WriterRun {
  readonly dir: string;
  /** The media kinds the format holds (`describe().mediaKinds`), as handed to it. */
  readonly mediaKinds?: readonly (MediaKind | '*')[] | undefined;
  readonly outcomes: RecordedOutcome[];
  readonly issues: Issue[];
  readonly exportItems: ExportItem[];
}

/** Runs `format.write` on items (names = media file names, splits assigned round-robin when asked). */
export async function runWriter(
  format: AnyFormat,
  rawOptions: Readonly<Record<string, unknown>>,
  data: FixtureData,
  dir: string,
  options: {
    splits?: readonly string[];
    signal?: AbortSignal;
    /** Hands the items to the writer (default: one by one, asynchronously). */
    feed?: (items: readonly ExportItem[]) => AsyncIterable<ExportItem>;
    /** Receives what the writer accounts, as it accounts it. */
    outcomes?: RecordedOutcome[];
  } = {},
): Promise<WriterRun> {
  const parsed: unknown = await parseFormatOptions(format, rawOptions);
  const { ctx, outcomes, issues } = recordingContext({
    messages: format.messages,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.outcomes === undefined ? {} : { outcomes: options.outcomes }),
  });
  const splits = options.splits;
  const description = format.describe(parsed);
  const exportItems = exportItemsOf(data, splits).map((e) =>
    description.texts === true ? withTexts(e) : e,
  );
  async function* gen(): AsyncGenerator<ExportItem> {
    for (const e of exportItems) {
      await Promise.resolve(); // hand items over asynchronously, as a real source does
      yield e;
    }
  }
  const input: WriteInput = {
    title: 'conformance fixture',
    classes: data.classes.forTools(description.classTools),
    keypointNames: data.keypointNames,
    items: options.feed === undefined ? gen() : options.feed(exportItems),
    splits,
  };
  await format.write?.(input, { dir }, parsed, ctx);
  return { dir, outcomes, issues, exportItems, mediaKinds: description.mediaKinds };
}

/**
 * The item with the content of its text media, as synx hands it to a format that declares
 * `texts`: each text media's file (`file.path`) read and decoded as the export decodes it.
 */
export function withTexts(e: ExportItem): ExportItem {
  if (!e.item.media.some((m) => m.kind === 'text')) {
    return e;
  }
  const texts: ExportText[] = e.item.media
    .filter((m) => m.kind === 'text')
    .map((media) => {
      const path = media.file?.path;
      if (path === undefined) {
        return { media, text: undefined };
      }
      const decoded = decodeText(readFileSync(path));
      return { media, text: decoded.text, encoding: decoded.encoding, fileName: media.file?.name };
    });
  return { ...e, texts };
}

/**
 * The items as a writer receives them, named by synx's own {@link ExportItemNamer} (the one the
 * export uses: original file names, made safe and unique), splits round-robin when asked.
 */
export function exportItemsOf(data: FixtureData, splits?: readonly string[]): ExportItem[] {
  let i = 0;
  const namer = new ExportItemNamer({
    description: { mediaKinds: ['*'] },
    formatTitle: 'fixture',
    splitOf: () => (splits === undefined ? undefined : splits[i++ % splits.length]),
  });
  return data.items.map((item) => namer.name(item).exportItem);
}

/**
 * Puts a placeholder image of the right size where the format expects each image (what
 * `--save-original-files` would do: `mediaDir(split, item)`); returns the paths placed, relative
 * to the output folder.
 */
export async function placeMedia(
  format: AnyFormat,
  rawOptions: Readonly<Record<string, unknown>>,
  run: WriterRun,
): Promise<string[]> {
  const description = format.describe(await parseFormatOptions(format, rawOptions));
  const placed: string[] = [];
  for (const e of run.exportItems) {
    const folder = description.mediaDir?.(e.split, e);
    if (folder === undefined) {
      continue;
    }
    mkdirSync(join(run.dir, folder), { recursive: true });
    for (const image of e.images) {
      writeFileSync(
        join(run.dir, folder, image.fileName),
        encodeJpeg({ width: image.media.width ?? 8, height: image.media.height ?? 8 }),
      );
      placed.push(`${folder}/${image.fileName}`);
    }
  }
  return placed;
}

/** Reads a format's output back into items. */
export async function readBack(
  format: AnyFormat,
  rawOptions: Readonly<Record<string, unknown>>,
  dir: string,
): Promise<Item[]> {
  const parsed: unknown = await parseFormatOptions(format, rawOptions);
  const { ctx } = recordingContext();
  const ds = await format.read?.({ dir }, parsed, ctx);
  const out: Item[] = [];
  if (ds !== undefined) {
    for await (const it of ds.items()) {
      out.push(it);
    }
  }
  return out;
}

/** A fresh temporary folder, removed after the test file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `synx-${prefix}-`));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Every file under `dir` (absolute paths, in sorted order, folders walked depth first). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out;
}

/** Every file under `dir` with its bytes, keyed by relative path (for byte-level comparisons). */
export function tree(dir: string): Map<string, Buffer> {
  return new Map(filesUnder(dir).map((p) => [relative(dir, p), readFileSync(p)]));
}

/** Options of {@link describeFormatConformance}. */
export interface ConformanceOptions {
  /** Raw format options (as from `--option`). */
  readonly options?: Readonly<Record<string, unknown>>;
  /**
   * The format package's package.json: the `"synx"` manifest must agree with the module and
   * describe(), and it gives the module the child-process checks import.
   */
  readonly packageJson?: URL | string;
  /**
   * Option sets whose kept kinds together must cover the manifest's `annotationKinds`
   * (a format whose options change what it keeps). Default: `[options]`.
   */
  readonly manifestOptions?: readonly Readonly<Record<string, unknown>>[];
  /**
   * Where the format's module is, for the child-process checks (determinism across processes,
   * writes outside the output folder): a module URL and its export (default `default`).
   * Default: from the `packageJson` manifest. Without either, those checks are skipped.
   */
  readonly module?: { readonly url: URL | string; readonly export?: string };
  /** Fixtures to write. Default the three image ones (`rich`, `coco128`, `voc`). */
  readonly fixtures?: readonly ConformanceFixture[];
  /**
   * The fixture of the checks that need one dataset (splits, abort, quiet, child processes,
   * detect). Default `rich`; a text format gives `text`, a classification format
   * `classification`.
   */
  readonly shared?: ConformanceFixture;
  /**
   * How to compare objects read back: `instances` (objects by class and box, the default) or
   * `annotations` (boxes one by one, for formats that do not keep groups), or `none` (the
   * output cannot be read back: give a `probe`). Every kept kind is also compared annotation
   * by annotation.
   */
  readonly compare?: 'instances' | 'annotations' | 'none';
  /** Largest box difference accepted, in pixels (VOC integers: 1; normalised formats: 0.01). */
  readonly tolerancePx?: number;
  /** The reader names classes by display name rather than code. */
  readonly classBy?: 'code' | 'name';
  /**
   * For a format without a reader (or `compare: 'none'`) that keeps some kind: the objects its
   * output holds, so the suite can check every annotation accounted `written` (or `converted`)
   * is there.
   */
  readonly probe?: Probe;
  /** Strict load of one output file (throws when a consumer could not load it); used after an abort. */
  readonly checkFile?: CheckConfig['checkFile'];
  /**
   * Opt-in: the package folder. `npm pack`s it (with the workspace packages it depends on),
   * installs the tarball offline into a fresh folder and imports its module from there.
   * Skipped, saying why, when npm cannot do it offline.
   */
  readonly packageDir?: URL | string;
}

/**
 * Registers the shared conformance tests for a format (vitest). Every synx format — built in
 * or third-party — runs it; each test calls one of the exported `check…` functions, whose
 * failures name the item, annotation or file at fault.
 */
export function describeFormatConformance(
  format: AnyFormat,
  config: ConformanceOptions = {},
): void {
  const f = format;
  const raw = config.options ?? {};
  const fixtures = config.fixtures ?? ['rich', 'coco128', 'voc'];
  const checks: CheckConfig = {
    options: raw,
    ...(config.compare === undefined ? {} : { compare: config.compare }),
    ...(config.tolerancePx === undefined ? {} : { tolerancePx: config.tolerancePx }),
    ...(config.classBy === undefined ? {} : { classBy: config.classBy }),
    ...(config.probe === undefined ? {} : { probe: config.probe }),
    ...(config.checkFile === undefined ? {} : { checkFile: config.checkFile }),
  };
  const label = Object.keys(raw).length === 0 ? f.id : `${f.id} ${JSON.stringify(raw)}`;
  const mod: FormatModule | undefined =
    config.module !== undefined
      ? { url: String(config.module.url), export: config.module.export ?? 'default' }
      : config.packageJson === undefined
        ? undefined
        : moduleFromManifest(config.packageJson, f.id);
  describe(`format conformance: ${label}`, () => {
    const root = mkdtempSync(join(tmpdir(), `synx-conformance-${f.id}-`));
    afterAll(() => {
      rmSync(root, { recursive: true, force: true });
    });
    // One copy of the rich fixture and one complete run for the checks below.
    let shared: Promise<FixtureData> | undefined;
    const richData = (): Promise<FixtureData> =>
      (shared ??= loadFixture(config.shared ?? 'rich', join(root, 'shared-src')));
    let complete: Promise<WriterRun> | undefined;
    const richRun = async (): Promise<WriterRun> =>
      (complete ??= runWriter(f, raw, await richData(), join(root, 'complete-out')));

    const packageJson = config.packageJson;
    if (packageJson !== undefined) {
      it('its package.json "synx" manifest agrees with the module and describe()', async () => {
        await checkManifest(f, packageJson, {
          ...checks,
          ...(config.manifestOptions === undefined ? {} : { optionSets: config.manifestOptions }),
          outDir: (await richRun()).dir,
        });
      });
    }

    it('describes a treatment for every annotation feature it may meet', async () => {
      await checkDescription(f, checks);
    });

    for (const fixture of fixtures) {
      describe(`on the ${fixture} fixture`, () => {
        let data: FixtureData;
        let run: WriterRun;

        it('accounts every annotation exactly once and writes deterministic bytes', async () => {
          data = await loadFixture(fixture, join(root, `${fixture}-src`));
          run = await runWriter(f, raw, data, join(root, `${fixture}-out`));
          checkAccounting(f, data, run);
          await runWriter(f, raw, data, join(root, `${fixture}-again`));
          compareTrees(
            `format ${f.id}: two runs in one process`,
            run.dir,
            join(root, `${fixture}-again`),
          );
        });

        it('its output holds every annotation accounted written (read back or probed)', async () => {
          await checkWrittenInOutput(f, data, run, checks);
        });
      });
    }

    it('writes per split when asked', async () => {
      const data = await richData();
      const run = await runWriter(f, raw, data, join(root, 'split-out'), {
        splits: ['train', 'val'],
      });
      const d = f.describe(await parseFormatOptions(f, raw));
      if (d.splits) {
        // Each split is named somewhere in the output: in a path, or in the files' content.
        const files = tree(run.dir);
        for (const split of ['train', 'val']) {
          const named =
            [...files.keys()].some((p) => p.includes(split)) ||
            [...files.values()].some((b) => b.toString('latin1').includes(split));
          expect(named, `split ${split} in ${[...files.keys()].join(', ')}`).toBe(true);
        }
      }
    });

    it('stops promptly when its signal is aborted (before, part-way, while awaiting), leaving no half-written file', async () => {
      await checkAbort(f, await richData(), join(root, 'abort'), (await richRun()).dir, checks);
    });

    it('prints nothing (describe, write, read, detect)', async () => {
      await checkQuiet(f, await richData(), join(root, 'quiet-out'), checks);
    });

    if (mod !== undefined) {
      it('writes the same bytes in two processes, and nothing outside its output folder', async () => {
        await checkChildProcesses(f, mod, await richData(), join(root, 'children'), checks);
      }, 120_000);
    } else {
      it.skip('writes the same bytes in two processes (needs packageJson or module)', () =>
        undefined);
    }

    if (typeof f.detect === 'function') {
      it('detects its own output, and not an empty folder', async () => {
        const run = await richRun();
        const { ctx } = recordingContext();
        expect(
          await f.detect?.({ dir: run.dir }, ctx),
          `detect(${run.dir})`,
        ).toBeGreaterThanOrEqual(50);
        const empty = join(root, 'detect-empty');
        mkdirSync(empty, { recursive: true });
        expect(await f.detect?.({ dir: empty }, ctx), `detect(${empty})`).toBe(0);
      });
    }

    const packageDir = config.packageDir;
    if (packageDir !== undefined) {
      it('its packed tarball installs in a clean folder and loads', async (t) => {
        const dir = typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir);
        const r = await checkPackedTarball(f, dir);
        if (r.skipped !== undefined) {
          t.skip(`packed tarball not checked: ${r.skipped}`);
        }
      }, 300_000);
    }
  });
}

export { textFixture } from './fixtures/text.js';
export { classificationFixture } from './fixtures/classification.js';

export {
  capturePrinted,
  checkAbort,
  checkAccounting,
  checkChildProcesses,
  checkDescription,
  checkManifest,
  checkOutputHolds,
  checkPackedTarball,
  checkQuiet,
  checkReadBack,
  checkWrittenInOutput,
  compareTrees,
  ConformanceError,
  describeAnnotation,
  extentOf,
  featureOf,
  keptFeatures,
  moduleFromManifest,
  outcomeReason,
  probeObjectsOfItems,
  type CheckConfig,
  type FormatModule,
  type PackResult,
  type Probe,
  type ProbeObject,
  type SomeFormat,
} from './checks.js';

export {
  describeWriterProperties,
  expectAccountedOnce,
  hostileDatasets,
  PROPERTY_CLASSES,
  PROPERTY_KEYPOINTS,
  type WriterPropertyOptions,
  type WrittenFile,
} from './properties.js';
