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
import { pointsExtent, rotatedBoxHull, type Box } from '@synx/geometry';
import { encodeJpeg } from '@synx/image-header';
import {
  classMapFromProjectConfiguration,
  convertDmV1,
  instancesOf,
  IssueCollector,
  parseDmJson,
  type ClassMap,
  type Instance,
  type Issue,
  type Item,
  type Media,
} from '@synx/model';
import {
  messageText,
  parseFormatOptions,
  PluginManifestSchema,
  type AnnotationOutcome,
  type AnyFormat,
  type ExportItem,
  type FormatContext,
  type WriteInput,
} from '@synx/plugin-api';
import { mediaSpecForFile, openSynapseFolder } from '@synx/synapse-folder';
import { readImageHeaderFromFileSync } from '@synx/image-header';
import { afterAll, describe, expect, it } from 'vitest';

/** Datasets the suite can write: a small one with every annotation kind, and the real fixtures. */
export type ConformanceFixture = 'rich' | 'coco128' | 'voc';

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

/** The rendered reason of an outcome (undefined for `written`). */
export function outcomeReason(o: RecordedOutcome): string | undefined {
  return o.reason;
}

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
  options: { splits?: readonly string[]; signal?: AbortSignal } = {},
): Promise<WriterRun> {
  const parsed: unknown = await parseFormatOptions(format, rawOptions);
  const { ctx, outcomes, issues } = recordingContext({
    messages: format.messages,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const splits = options.splits;
  const exportItems: ExportItem[] = data.items.map((item, i) => ({
    item,
    split: splits === undefined ? undefined : splits[i % splits.length],
    images: item.media
      .filter((m) => m.kind === 'image')
      .map((m) => ({
        media: m,
        fileName: m.file?.name ?? `${item.stem}.jpg`,
        stem: (m.file?.name ?? `${item.stem}.jpg`).replace(/\.[^.]*$/, ''),
      })),
    stem: item.stem,
  }));
  async function* gen(): AsyncGenerator<ExportItem> {
    for (const e of exportItems) {
      await Promise.resolve(); // hand items over asynchronously, as a real source does
      yield e;
    }
  }
  const input: WriteInput = {
    title: 'conformance fixture',
    classes: data.classes.objectClasses(),
    keypointNames: data.keypointNames,
    items: gen(),
    splits,
  };
  await format.write?.(input, { dir }, parsed, ctx);
  return { dir, outcomes, issues, exportItems };
}

/** Puts a placeholder image of the right size where the format expects each image (what `--save-original-files` would do). */
export async function placeMedia(
  format: AnyFormat,
  rawOptions: Readonly<Record<string, unknown>>,
  run: WriterRun,
): Promise<void> {
  const description = format.describe(await parseFormatOptions(format, rawOptions));
  for (const e of run.exportItems) {
    const folder = description.mediaDir?.(e.split);
    if (folder === undefined) {
      continue;
    }
    mkdirSync(join(run.dir, folder), { recursive: true });
    for (const image of e.images) {
      writeFileSync(
        join(run.dir, folder, image.fileName),
        encodeJpeg({ width: image.media.width ?? 8, height: image.media.height ?? 8 }),
      );
    }
  }
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

function instanceBox(inst: Instance): Box | undefined {
  const box = inst.boxes[0];
  if (box !== undefined) {
    return rotatedBoxHull(box);
  }
  const points = [...inst.polygons.flatMap((p) => p.points), ...inst.keypoints];
  return points.length === 0 ? undefined : pointsExtent(points);
}

function clip(b: Box, m: Media): Box {
  if (m.width === undefined || m.height === undefined) {
    return b;
  }
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const x1 = Math.min(m.width, b.x + b.width);
  const y1 = Math.min(m.height, b.y + b.height);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Options of {@link describeFormatConformance}. */
export interface ConformanceOptions {
  /** Raw format options (as from `--option`). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** The format package's package.json (checks the `"synx"` manifest agrees with the module). */
  readonly packageJson?: URL | string;
  /** Fixtures to write. Default all three. */
  readonly fixtures?: readonly ConformanceFixture[];
  /**
   * How to compare what was read back: `instances` (objects by class and box, the default) or
   * `annotations` (boxes one by one, for formats that do not keep groups), or `none` (no reader).
   */
  readonly compare?: 'instances' | 'annotations' | 'none';
  /** Largest box difference accepted, in pixels (VOC integers: 1; normalised formats: 0.01). */
  readonly tolerancePx?: number;
  /** The reader names classes by display name rather than code. */
  readonly classBy?: 'code' | 'name';
}

/**
 * Registers the shared conformance tests for a format (vitest). Every synx format — built in
 * or third-party — runs it:
 * - the `"synx"` manifest of its package agrees with the module (id, capabilities);
 * - every annotation the writer receives is accounted once (written / converted / dropped);
 * - the same input gives byte-identical output; splits give output per split;
 * - an aborted signal stops the writer;
 * - `detect` recognises its own output and not an empty folder;
 * - reading the output back finds every object the writer wrote, with its class and box (up to
 *   the format's declared lossiness and `tolerancePx`).
 */
export function describeFormatConformance(
  format: AnyFormat,
  config: ConformanceOptions = {},
): void {
  const f = format;
  const raw = config.options ?? {};
  const fixtures = config.fixtures ?? ['rich', 'coco128', 'voc'];
  const tol = config.tolerancePx ?? 0.01;
  const label = Object.keys(raw).length === 0 ? f.id : `${f.id} ${JSON.stringify(raw)}`;
  describe(`format conformance: ${label}`, () => {
    const root = mkdtempSync(join(tmpdir(), `synx-conformance-${f.id}-`));
    afterAll(() => {
      rmSync(root, { recursive: true, force: true });
    });

    if (config.packageJson !== undefined) {
      it('its package.json "synx" manifest agrees with the module', () => {
        const path =
          typeof config.packageJson === 'string'
            ? config.packageJson
            : fileURLToPath(config.packageJson ?? '');
        const pjson = JSON.parse(readFileSync(path, 'utf8')) as { synx?: unknown; oclif?: unknown };
        expect(
          pjson.oclif,
          'an "oclif" key makes it installable with synx plugins install',
        ).toBeDefined();
        const manifest = PluginManifestSchema.parse(pjson.synx);
        const entry = manifest.formats.find((e) => e.id === f.id);
        expect(entry, `manifest lists "${f.id}"`).toBeDefined();
        for (const cap of entry?.capabilities ?? ['write']) {
          expect(typeof (f as unknown as Record<string, unknown>)[cap], cap).toBe('function');
        }
        expect(f.apiVersion).toBe(manifest.apiVersion);
      });
    }

    it('describes a treatment for every annotation feature it may meet', async () => {
      const d = f.describe(await parseFormatOptions(f, raw));
      for (const feature of [
        'bbox',
        'rotated-bbox',
        'polygon',
        'polyline',
        'keypoint',
        'ungrouped-keypoint',
        'mask',
        'classification',
        'group',
        'relation',
        'other',
      ] as const) {
        expect(d.kinds[feature], feature).toBeDefined();
      }
      expect(d.owns.length).toBeGreaterThan(0);
      expect(d.layout(undefined).length).toBeGreaterThan(0);
    });

    for (const fixture of fixtures) {
      describe(`on the ${fixture} fixture`, () => {
        let data: FixtureData;
        let run: WriterRun;

        it('accounts every annotation exactly once and writes deterministic bytes', async () => {
          data = await loadFixture(fixture, join(root, `${fixture}-src`));
          run = await runWriter(f, raw, data, join(root, `${fixture}-out`));
          const seen = new Map<object, number>();
          for (const o of run.outcomes) {
            seen.set(o.annotation, (seen.get(o.annotation) ?? 0) + 1);
            if (o.outcome !== 'written') {
              expect(
                o.reason,
                `${o.outcome} ${o.annotation.kind} ${o.annotation.id} needs a reason`,
              ).toBeTruthy();
            }
          }
          const all = data.items.flatMap((it) =>
            it.media.filter((m) => m.kind === 'image').flatMap((m) => m.annotations),
          );
          for (const a of all) {
            expect(seen.get(a), `${a.kind} ${a.id} accounted once`).toBe(1);
          }
          expect(seen.size).toBe(all.length);
          const again = await runWriter(f, raw, data, join(root, `${fixture}-again`));
          const a = tree(run.dir);
          const b = tree(again.dir);
          expect([...b.keys()]).toEqual([...a.keys()]);
          for (const [path, bytes] of a) {
            // An absolute output path may appear in a file (YOLO data.yaml): compare without it.
            const norm = (buf: Buffer, dir: string): string =>
              buf.toString('utf8').split(dir).join('<out>');
            expect(norm(b.get(path) ?? Buffer.alloc(0), again.dir), path).toBe(
              norm(bytes, run.dir),
            );
          }
        });

        if (config.compare !== 'none' && typeof f.read === 'function') {
          it('reads back every object it wrote, with its class and box', async () => {
            await placeMedia(f, raw, run);
            const back = await readBack(f, raw, run.dir);
            const written = new Set(
              run.outcomes.filter((o) => o.outcome !== 'dropped').map((o) => o.annotation),
            );
            const byStem = new Map(
              back.map((it) => [it.media[0]?.file?.name?.replace(/\.[^.]*$/, '') ?? it.stem, it]),
            );
            const className = (code: string | null): string | null => {
              if (code === null || config.classBy !== 'name') {
                return code;
              }
              return data.classes.get(code)?.name ?? code;
            };
            for (const e of run.exportItems) {
              for (const image of e.images) {
                const got = byStem.get(image.stem);
                const expected: {
                  cls: string | null;
                  box: Box | undefined;
                  raw?: Box | undefined;
                }[] = [];
                if (config.compare === 'annotations') {
                  for (const a of image.media.annotations) {
                    if (written.has(a) && a.kind === 'bbox') {
                      expected.push({
                        cls: className(a.classCode),
                        box: clip(rotatedBoxHull(a), image.media),
                        raw: rotatedBoxHull(a),
                      });
                    }
                  }
                } else {
                  for (const inst of instancesOf(image.media).instances) {
                    if (inst.parts.some((p) => written.has(p) && p.kind !== 'group')) {
                      const box = instanceBox(inst);
                      expected.push({
                        cls: className(inst.classCode),
                        box: box === undefined ? undefined : clip(box, image.media),
                        raw: box,
                      });
                    }
                  }
                }
                const found: { cls: string | null; box: Box | undefined }[] = [];
                for (const m of got?.media ?? []) {
                  if (config.compare === 'annotations') {
                    for (const a of m.annotations) {
                      if (a.kind === 'bbox') {
                        found.push({ cls: a.classCode, box: rotatedBoxHull(a) });
                      }
                    }
                  } else {
                    for (const inst of instancesOf(m).instances) {
                      found.push({ cls: inst.classCode, box: instanceBox(inst) });
                    }
                  }
                }
                expect(found.length, `objects read back for ${image.fileName}`).toBe(
                  expected.length,
                );
                const near = (g: Box | undefined, w: Box | undefined): boolean =>
                  g !== undefined &&
                  w !== undefined &&
                  Math.abs(g.x - w.x) <= tol &&
                  Math.abs(g.y - w.y) <= tol &&
                  Math.abs(g.width - w.width) <= tol &&
                  Math.abs(g.height - w.height) <= tol;
                for (const want of expected) {
                  // Formats that clamp to the image match the clipped box; the others the box as drawn.
                  const i = found.findIndex(
                    (g) =>
                      g.cls === want.cls &&
                      (want.box === undefined || near(g.box, want.box) || near(g.box, want.raw)),
                  );
                  expect(
                    i,
                    `${String(want.cls)} ${JSON.stringify(want.box)} in ${image.fileName}`,
                  ).toBeGreaterThanOrEqual(0);
                  found.splice(i, 1);
                }
              }
            }
          });
        }
      });
    }

    // One copy of the rich fixture for the checks below (writers read items, never change them).
    let shared: Promise<FixtureData> | undefined;
    const richData = (): Promise<FixtureData> =>
      (shared ??= loadFixture('rich', join(root, 'shared-src')));

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

    it('stops when its signal is aborted', async () => {
      const data = await richData();
      const ac = new AbortController();
      ac.abort();
      await expect(
        runWriter(f, raw, data, join(root, 'abort-out'), { signal: ac.signal }),
      ).rejects.toBeDefined();
    });

    if (typeof f.detect === 'function') {
      it('detects its own output, and not an empty folder', async () => {
        const data = await richData();
        const run = await runWriter(f, raw, data, join(root, 'detect-out'));
        const { ctx } = recordingContext();
        expect(await f.detect?.({ dir: run.dir }, ctx)).toBeGreaterThanOrEqual(50);
        const empty = join(root, 'detect-empty');
        mkdirSync(empty, { recursive: true });
        expect(await f.detect?.({ dir: empty }, ctx)).toBe(0);
      });
    }
  });
}

export {
  describeWriterProperties,
  expectAccountedOnce,
  hostileDatasets,
  PROPERTY_CLASSES,
  PROPERTY_KEYPOINTS,
  type WriterPropertyOptions,
  type WrittenFile,
} from './properties.js';
