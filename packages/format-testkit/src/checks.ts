// The conformance checks as plain async functions: each throws a ConformanceError naming the
// object or file at fault. describeFormatConformance registers them as vitest tests; a format's
// own tests (and the testkit's deliberate-bug plugins) can call them directly.
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pointsExtent, rotatedBoxHull, type Box } from '@synx/geometry';
import { instancesOf, type Annotation, type ClassMap, type Item, type Media } from '@synx/model';
import type {
  AnnotationFeature,
  AnnotationOutcome,
  ExportItem,
  Format,
  FormatDescription,
} from '@synx/plugin-api';
import {
  optionKeys,
  parseFormatOptions,
  PluginManifestSchema,
  type FormatManifestEntry,
} from './host.js';
import {
  exportItemsOf,
  withTexts,
  filesUnder,
  placeMedia,
  readBack,
  recordingContext,
  runWriter,
  tree,
  type FixtureData,
  type WriterRun,
} from './index.js';
import type { WrittenFile } from './properties.js';

/** Any format, whatever its options type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SomeFormat = Format<any>;

/** A failed conformance check; the message names every object or file at fault. */
export class ConformanceError extends Error {
  constructor(
    readonly check: string,
    readonly findings: readonly string[],
  ) {
    const shown = findings.slice(0, 12);
    const more =
      findings.length > shown.length ? `\n  … and ${findings.length - shown.length} more` : '';
    super(`${check}:\n  ${shown.join('\n  ')}${more}`);
    this.name = 'ConformanceError';
  }
}

function fail(check: string, findings: readonly string[]): void {
  if (findings.length > 0) {
    throw new ConformanceError(check, findings);
  }
}

/** Why an annotation was converted or dropped (the one place that reads it from an outcome). */
export function outcomeReason(o: AnnotationOutcome): string | undefined {
  // The testkit's recording context renders the reason from the format's messages table.
  return (o as AnnotationOutcome & { readonly reason?: string }).reason;
}

/** One object found in a format's output (by its reader, or by the format's probe). */
export interface ProbeObject {
  /** The image it belongs to: its output file name or stem (`0001.jpg` or `0001`). */
  readonly media: string;
  /** Canonical kind as written: `bbox`, `polygon`, `polyline`, `keypoint`, `mask`, `classification`, `group`, … */
  readonly kind: string;
  /** Class code (or name, with `classBy: 'name'`); keypoints carry their keypoint name. */
  readonly class: string | null;
  /** Extent in pixels of the image (a keypoint: width and height 0), when it has geometry. */
  readonly box?: Box;
  /** The item it belongs to, when the output says. */
  readonly item?: string;
}

/** Reads what a format wrote without a reader: every object in the output folder. */
export type Probe = (
  outDir: string,
  options: Readonly<Record<string, unknown>>,
) => Promise<readonly ProbeObject[]>;

/** Settings the checks share (a subset of the conformance options). */
export interface CheckConfig {
  readonly options?: Readonly<Record<string, unknown>>;
  readonly compare?: 'instances' | 'annotations' | 'none';
  readonly tolerancePx?: number;
  readonly classBy?: 'code' | 'name';
  readonly probe?: Probe;
  readonly checkFile?: (
    file: WrittenFile,
    options: Readonly<Record<string, unknown>>,
  ) => void | Promise<void>;
}

const FEATURES: readonly AnnotationFeature[] = [
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
];

function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function boxText(b: Box | undefined): string {
  return b === undefined
    ? 'no geometry'
    : `x=${n(b.x)} y=${n(b.y)} w=${n(b.width)} h=${n(b.height)}`;
}

function maskExtent(a: { pixelIndices: readonly number[] }, m: Media): Box | undefined {
  const w = m.width;
  if (w === undefined || w <= 0 || a.pixelIndices.length === 0) {
    return undefined;
  }
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const i of a.pixelIndices) {
    const x = i % w;
    const y = Math.floor(i / w);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + 1);
    y1 = Math.max(y1, y + 1);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The extent of an annotation's geometry, when it has one. */
export function extentOf(a: Annotation, m: Media): Box | undefined {
  switch (a.kind) {
    case 'bbox':
      return rotatedBoxHull(a);
    case 'polygon':
    case 'polyline':
      return a.points.length === 0 ? undefined : pointsExtent(a.points);
    case 'keypoint':
      return { x: a.x, y: a.y, width: 0, height: 0 };
    case 'mask':
      return maskExtent(a, m);
    default:
      return undefined;
  }
}

function geometryText(a: Annotation, m: Media): string {
  switch (a.kind) {
    case 'bbox':
      return `${boxText(a)}${(a.rotation ?? 0) === 0 ? '' : ` rotation=${n(a.rotation ?? 0)}`}`;
    case 'polygon':
    case 'polyline':
      return `${a.points.length} points, extent ${boxText(extentOf(a, m))}`;
    case 'keypoint':
      return `at (${n(a.x)}, ${n(a.y)})`;
    case 'mask':
      return `${a.pixelIndices.length} pixels, extent ${boxText(extentOf(a, m))}`;
    case 'group':
      return `${a.members.length} members`;
    default:
      return 'no geometry';
  }
}

/** `item "x" media image_1 (x.jpg): annotation b1 bbox class "car" x=… y=…`, for messages. */
export function describeAnnotation(item: Item, media: Media | undefined, a: Annotation): string {
  const where =
    media === undefined
      ? ''
      : ` media ${media.id}${media.file?.name === undefined ? '' : ` (${media.file.name})`}`;
  const geometry = media === undefined ? '' : ` ${geometryText(a, media)}`;
  return `item "${item.id}"${where}: annotation ${a.id} ${a.kind} class ${JSON.stringify(a.classCode)}${geometry}`;
}

function groupedIds(m: Media): Set<string> {
  const ids = new Set<string>();
  const walk = (
    members: readonly { annotationId: string; children: readonly unknown[] }[],
  ): void => {
    for (const x of members) {
      ids.add(x.annotationId);
      walk(x.children as { annotationId: string; children: readonly unknown[] }[]);
    }
  };
  for (const a of m.annotations) {
    if (a.kind === 'group') {
      walk(a.members);
    }
  }
  return ids;
}

/** The annotation feature an annotation is (for describe()'s treatments). */
export function featureOf(a: Annotation, m: Media): AnnotationFeature {
  if (a.kind === 'bbox' && (a.rotation ?? 0) !== 0) {
    return 'rotated-bbox';
  }
  if (a.kind === 'keypoint' && !groupedIds(m).has(a.id)) {
    return 'ungrouped-keypoint';
  }
  return a.kind;
}

/** The features a description keeps. */
export function keptFeatures(d: FormatDescription): Set<string> {
  return new Set(
    Object.entries(d.kinds)
      .filter(([, t]) => (t as { action: string } | undefined)?.action === 'keep')
      .map(([k]) => k),
  );
}

// ---------------------------------------------------------------------------------------------
// describe() and accounting

/** describe() declares a treatment for every feature, an `owns` list and a layout. */
export async function checkDescription(
  format: SomeFormat,
  config: CheckConfig = {},
): Promise<void> {
  const d = format.describe(await parseFormatOptions(format, config.options ?? {}));
  const findings: string[] = [];
  const text = d.mediaKinds?.some((k) => k === 'text' || k === '*') === true;
  for (const feature of text ? [...FEATURES, 'named-entity' as const] : FEATURES) {
    if (d.kinds[feature] === undefined) {
      findings.push(`describe().kinds has no treatment for "${feature}"`);
    }
  }
  if (d.owns.length === 0) {
    findings.push('describe().owns is empty');
  }
  if (d.layout(undefined).length === 0) {
    findings.push('describe().layout(undefined) is empty');
  }
  fail(`format ${format.id}: describe()`, findings);
}

/** Every annotation handed to the writer is accounted exactly once; a drop or conversion has a reason. */
export function checkAccounting(format: SomeFormat, data: FixtureData, run: WriterRun): void {
  const findings: string[] = [];
  const seen = new Map<object, number>();
  for (const o of run.outcomes) {
    seen.set(o.annotation, (seen.get(o.annotation) ?? 0) + 1);
    if (o.outcome !== 'written' && !outcomeReason(o)) {
      findings.push(
        `${o.outcome} without a reason: ${describeAnnotation(o.item, o.media, o.annotation)}`,
      );
    }
  }
  const all = new Set<object>();
  // The media the format holds (`describe().mediaKinds`, default images): what the host hands it.
  const kinds = run.mediaKinds ?? ['image'];
  const held = (m: Media): boolean => kinds.includes('*') || kinds.includes(m.kind);
  for (const item of data.items) {
    for (const m of item.media.filter(held)) {
      for (const a of m.annotations) {
        all.add(a);
        const times = seen.get(a) ?? 0;
        if (times !== 1) {
          findings.push(
            `${times === 0 ? 'never accounted (silently dropped)' : `accounted ${times} times`}: ${describeAnnotation(item, m, a)}`,
          );
        }
      }
    }
  }
  for (const o of run.outcomes) {
    if (!all.has(o.annotation)) {
      findings.push(
        `accounted but never handed to the writer: ${describeAnnotation(o.item, o.media, o.annotation)}`,
      );
    }
  }
  fail(`format ${format.id}: accounting`, findings);
}

/** Two trees are byte-identical (an absolute output path inside a file is compared as `<out>`). */
export function compareTrees(what: string, a: string, b: string): void {
  const ta = tree(a);
  const tb = tree(b);
  const findings: string[] = [];
  for (const p of ta.keys()) {
    if (!tb.has(p)) {
      findings.push(`${p}: written once, missing the other time`);
    }
  }
  for (const p of tb.keys()) {
    if (!ta.has(p)) {
      findings.push(`${p}: written only the second time`);
    }
  }
  const norm = (buf: Buffer, dir: string): string => buf.toString('utf8').split(dir).join('<out>');
  for (const [p, bytes] of ta) {
    const other = tb.get(p);
    if (other === undefined) {
      continue;
    }
    const x = norm(bytes, a);
    const y = norm(other, b);
    if (x !== y) {
      const lx = x.split('\n');
      const ly = y.split('\n');
      const line = lx.findIndex((l, i) => l !== ly[i]);
      findings.push(
        `${p}: bytes differ at line ${line + 1}: ${JSON.stringify((lx[line] ?? '').slice(0, 120))} vs ${JSON.stringify((ly[line] ?? '').slice(0, 120))}`,
      );
    }
  }
  fail(what, findings);
}

// ---------------------------------------------------------------------------------------------
// What the output holds: read back (reader) or probed

function stemOf(name: string): string {
  return name.replace(/\.[^.]*$/, '');
}

/** What a reader's items hold, as probe objects. */
export function probeObjectsOfItems(items: readonly Item[]): ProbeObject[] {
  const out: ProbeObject[] = [];
  for (const it of items) {
    for (const m of it.media) {
      const media = m.file?.name ?? it.stem;
      for (const a of m.annotations) {
        const box = extentOf(a, m);
        out.push({
          media,
          item: it.id,
          kind: a.kind,
          class: a.classCode,
          ...(box === undefined ? {} : { box }),
        });
      }
    }
  }
  return out;
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

const KINDS_FOR: Readonly<Record<string, readonly string[]>> = {
  'rotated-bbox': ['bbox', 'polygon'],
  'ungrouped-keypoint': ['keypoint'],
};

/**
 * Compares what the output holds with what the writer accounted: every annotation accounted
 * `written` whose feature the format keeps is found in its image with its kind, class and
 * extent (within `tolerancePx`, against the box as drawn or clipped to the image); with
 * `converted` set, every converted one is found in its image with its class (any kind).
 */
export function checkOutputHolds(
  format: SomeFormat,
  description: FormatDescription,
  data: FixtureData,
  run: WriterRun,
  found: readonly ProbeObject[],
  config: CheckConfig & { converted?: boolean; source: string },
): void {
  const tol = config.tolerancePx ?? 0.01;
  const kept = keptFeatures(description);
  const className = (code: string | null, a: Annotation): string | null => {
    if (code === null || config.classBy !== 'name' || a.kind === 'keypoint') {
      return code;
    }
    return data.classes.get(code)?.name ?? code;
  };
  const byMedia = new Map<string, ProbeObject[]>();
  for (const o of found) {
    for (const key of new Set([o.media, stemOf(o.media)])) {
      const list = byMedia.get(key) ?? [];
      list.push(o);
      byMedia.set(key, list);
    }
  }
  const used = new Set<ProbeObject>();
  const imageOf = new Map<Media, { fileName: string; stem: string }>();
  for (const e of run.exportItems) {
    for (const image of e.images) {
      imageOf.set(image.media, image);
    }
  }
  const near = (g: Box | undefined, w: Box | undefined): boolean => boxesNear(g, w, tol);
  const findings: string[] = [];
  for (const o of run.outcomes) {
    const m = o.media;
    if (m === undefined) {
      continue;
    }
    const feature = featureOf(o.annotation, m);
    const checkWritten = o.outcome === 'written' && kept.has(feature);
    const checkConverted = o.outcome === 'converted' && config.converted === true;
    if (!checkWritten && !checkConverted) {
      continue;
    }
    const image = imageOf.get(m);
    const names = image === undefined ? [m.file?.name ?? ''] : [image.fileName, image.stem];
    // A group is kept as one object of its class (a reader may give it back as its parts, the
    // same objects its box or polygon matches): it needs an object of its class, used or not.
    const candidates = [...new Set(names.flatMap((k) => byMedia.get(k) ?? []))].filter(
      (c) => feature === 'group' || !used.has(c),
    );
    const cls = className(o.annotation.classCode, o.annotation);
    const kinds = KINDS_FOR[feature] ?? [o.annotation.kind];
    const raw = extentOf(o.annotation, m);
    const want = raw === undefined ? undefined : clip(raw, m);
    const anyKind = checkConverted || feature === 'group';
    // A keypoint may come back named by its slot in the keypoint list (YOLO pose).
    const classes = new Set([cls]);
    if (o.annotation.kind === 'keypoint' && cls !== null && data.keypointNames.includes(cls)) {
      classes.add(String(data.keypointNames.indexOf(cls)));
    }
    const match = candidates.find(
      (c) =>
        classes.has(c.class) &&
        (anyKind ||
          (kinds.includes(c.kind) &&
            (raw === undefined || c.box === undefined || near(c.box, want) || near(c.box, raw)))),
    );
    if (match === undefined) {
      const sameClass = candidates.filter((c) => classes.has(c.class));
      const hint =
        sameClass.length === 0
          ? `nothing of class ${JSON.stringify(cls)} in ${names[0]}`
          : `in ${names[0]} of that class: ${sameClass
              .slice(0, 4)
              .map((c) => `${c.kind} ${boxText(c.box)}`)
              .join('; ')}`;
      findings.push(
        `accounted ${o.outcome} (${feature}: ${o.outcome === 'written' ? 'keep' : 'convert'}) but not in the output: ${describeAnnotation(o.item, m, o.annotation)} (${hint})`,
      );
    } else if (feature !== 'group') {
      used.add(match);
    }
  }
  fail(`format ${format.id}: ${config.source}`, findings);
}

/**
 * Reading the output back finds the objects written (instances or boxes, the earlier rule) and,
 * annotation by annotation, every kind the format keeps.
 */
export async function checkReadBack(
  format: SomeFormat,
  data: FixtureData,
  run: WriterRun,
  config: CheckConfig = {},
): Promise<void> {
  const raw = config.options ?? {};
  await placeMedia(format, raw, run);
  const back = await readBack(format, raw, run.dir);
  const description = format.describe(await parseFormatOptions(format, raw));
  checkObjectCounts(format, data, run, back, config);
  checkOutputHolds(format, description, data, run, probeObjectsOfItems(back), {
    ...config,
    source: `read back from ${run.dir}`,
  });
}

function instanceBox(inst: ReturnType<typeof instancesOf>['instances'][number]): Box | undefined {
  const box = inst.boxes[0];
  if (box !== undefined) {
    return rotatedBoxHull(box);
  }
  const points = [...inst.polygons.flatMap((p) => p.points), ...inst.keypoints];
  return points.length === 0 ? undefined : pointsExtent(points);
}

/** The object count per image read back equals what was written, and each has its class and box. */
function checkObjectCounts(
  format: SomeFormat,
  data: FixtureData,
  run: WriterRun,
  back: readonly Item[],
  config: CheckConfig,
): void {
  const tol = config.tolerancePx ?? 0.01;
  const written = new Set(
    run.outcomes.filter((o) => o.outcome !== 'dropped').map((o) => o.annotation),
  );
  const byStem = new Map(back.map((it) => [stemOf(it.media[0]?.file?.name ?? it.stem), it]));
  const className = (code: string | null): string | null =>
    code === null || config.classBy !== 'name' ? code : (data.classes.get(code)?.name ?? code);
  const near = (g: Box | undefined, w: Box | undefined): boolean => boxesNear(g, w, tol);
  const findings: string[] = [];
  for (const e of run.exportItems) {
    for (const image of e.images) {
      const got = byStem.get(image.stem);
      const expected: {
        cls: string | null;
        box: Box | undefined;
        raw: Box | undefined;
        what: string;
      }[] = [];
      if (config.compare === 'annotations') {
        for (const a of image.media.annotations) {
          if (written.has(a) && a.kind === 'bbox') {
            const box = rotatedBoxHull(a);
            expected.push({
              cls: className(a.classCode),
              box: clip(box, image.media),
              raw: box,
              what: describeAnnotation(e.item, image.media, a),
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
              what: `item "${e.item.id}" media ${image.media.id} (${image.fileName}): object ${inst.parts.map((p) => `${p.kind} ${p.id}`).join(' + ')} class ${JSON.stringify(inst.classCode)} ${boxText(box)}`,
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
      if (found.length !== expected.length) {
        findings.push(
          `${image.fileName} (item "${e.item.id}"): ${found.length} objects read back, ${expected.length} written`,
        );
      }
      for (const want of expected) {
        const i = found.findIndex(
          (g) =>
            g.cls === want.cls &&
            (want.box === undefined || near(g.box, want.box) || near(g.box, want.raw)),
        );
        if (i < 0) {
          findings.push(`not read back: ${want.what}`);
        } else {
          found.splice(i, 1);
        }
      }
    }
  }
  fail(`format ${format.id}: objects read back from ${run.dir}`, findings);
}

/**
 * The output holds what the writer accounted: through the reader (when `compare` is not
 * `none`), else through `probe`. A format that keeps some kind and has neither fails.
 */
export async function checkWrittenInOutput(
  format: SomeFormat,
  data: FixtureData,
  run: WriterRun,
  config: CheckConfig = {},
): Promise<'read' | 'probe' | 'nothing kept'> {
  const raw = config.options ?? {};
  const description = format.describe(await parseFormatOptions(format, raw));
  if (config.compare !== 'none' && typeof format.read === 'function') {
    await checkReadBack(format, data, run, config);
    return 'read';
  }
  if (config.probe !== undefined) {
    const found = await config.probe(run.dir, raw);
    checkOutputHolds(format, description, data, run, found, {
      ...config,
      converted: true,
      source: `probe of ${run.dir}`,
    });
    return 'probe';
  }
  const kept = keptFeatures(description);
  if (kept.size === 0) {
    return 'nothing kept';
  }
  fail(`format ${format.id}: output not checked`, [
    `it keeps ${[...kept].join(', ')} but ${typeof format.read === 'function' ? 'its read-back is turned off (compare: none)' : 'has no read()'}: give the conformance suite a probe (config.probe(outDir) → the objects in the output) so it can check that every annotation accounted written is there`,
  ]);
  return 'nothing kept';
}

// ---------------------------------------------------------------------------------------------
// Abort

function withTimeout<T>(
  p: Promise<T>,
  ms: number,
): Promise<{ done: 'resolved' | 'rejected' | 'timeout'; error?: unknown }> {
  return new Promise((res) => {
    const t = setTimeout(() => {
      res({ done: 'timeout' });
    }, ms);
    p.then(
      () => {
        clearTimeout(t);
        res({ done: 'resolved' });
      },
      (error: unknown) => {
        clearTimeout(t);
        res({ done: 'rejected', error });
      },
    );
  });
}

/** Files an interrupted run left under `dir` under a final name that are a prefix of a complete run's file, or that do not parse. */
async function halfWritten(dir: string, complete: string, config: CheckConfig): Promise<string[]> {
  if (!existsSync(dir)) {
    return [];
  }
  const findings: string[] = [];
  for (const path of filesUnder(dir)) {
    const rel = relative(dir, path).split('\\').join('/');
    if (rel.endsWith('.partial')) {
      continue;
    }
    const bytes = readFileSync(path);
    const full = join(complete, rel);
    if (existsSync(full)) {
      const whole = readFileSync(full);
      if (bytes.length < whole.length && whole.subarray(0, bytes.length).equals(bytes)) {
        findings.push(
          `${path}: half-written (${bytes.length} of ${whole.length} bytes of a complete run) under its final name`,
        );
        continue;
      }
    }
    const text = bytes.toString('utf8');
    try {
      if (rel.endsWith('.json')) {
        JSON.parse(text);
      }
      await config.checkFile?.({ rel, path, bytes, text }, config.options ?? {});
    } catch (e) {
      findings.push(
        `${path}: does not parse after an abort: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  return findings;
}

/**
 * An abort stops the writer promptly: a signal aborted before the start, after `afterItems`
 * items, and while the writer awaits its next item. Each time the writer rejects within
 * `withinMs`, takes no item after the abort and leaves no half-written final file.
 * `complete` is the output folder of a complete run of the same data.
 */
export async function checkAbort(
  format: SomeFormat,
  data: FixtureData,
  dir: string,
  complete: string,
  config: CheckConfig & { afterItems?: number; withinMs?: number } = {},
): Promise<void> {
  const raw = config.options ?? {};
  const within = config.withinMs ?? 2000;
  const after = Math.min(config.afterItems ?? 1, Math.max(0, data.items.length - 2));
  const findings: string[] = [];
  const scenarios: {
    name: string;
    feed: (
      ac: AbortController,
      late: string[],
    ) => (items: readonly ExportItem[]) => AsyncIterable<ExportItem>;
  }[] = [
    {
      name: 'aborted before the start',
      feed: (ac, late) =>
        async function* (items) {
          for (const [i, e] of items.entries()) {
            await Promise.resolve();
            if (i > 0) {
              late.push(e.item.id); // the first one may be taken before the writer looks at its signal
            }
            yield e;
          }
        },
    },
    {
      name: `aborted after ${after} items`,
      feed: (ac, late) =>
        async function* (items) {
          for (const [i, e] of items.entries()) {
            await Promise.resolve();
            if (i === after) {
              ac.abort();
            }
            if (i > after) {
              late.push(e.item.id);
            }
            yield e;
          }
        },
    },
    {
      name: `aborted while the writer awaits item ${after + 1}`,
      feed: (ac, late) =>
        async function* (items) {
          for (const [i, e] of items.entries()) {
            await Promise.resolve();
            if (i === after) {
              await new Promise((r) => setTimeout(r, 20));
              ac.abort();
              await new Promise((r) => setTimeout(r, 20));
            }
            if (i > after) {
              late.push(e.item.id);
            }
            yield e;
          }
        },
    },
  ];
  for (const [k, s] of scenarios.entries()) {
    const ac = new AbortController();
    const late: string[] = [];
    const out = join(dir, `abort-${k}`);
    if (k === 0) {
      ac.abort(); // before write() is called
    }
    const started = Date.now();
    const result = await withTimeout(
      runWriter(format, raw, data, out, { signal: ac.signal, feed: s.feed(ac, late) }),
      within,
    );
    if (result.done === 'timeout') {
      findings.push(`${s.name}: the writer had not stopped after ${within} ms`);
    } else if (result.done === 'resolved') {
      findings.push(
        `${s.name}: the writer finished (${Date.now() - started} ms) instead of rejecting`,
      );
    }
    if (late.length > 0) {
      findings.push(
        `${s.name}: the writer took items after the abort: ${late.map((x) => `"${x}"`).join(', ')}`,
      );
    }
    for (const h of await halfWritten(out, complete, config)) {
      findings.push(`${s.name}: ${h}`);
    }
  }
  fail(`format ${format.id}: abort`, findings);
}

// ---------------------------------------------------------------------------------------------
// Console output

type Writer = typeof process.stdout.write;

/** Runs `fn` and returns what it printed (console.* and process.stdout/stderr.write). */
export async function capturePrinted<T>(
  fn: () => Promise<T> | T,
): Promise<{ value?: T; error?: unknown; printed: string[] }> {
  const printed: string[] = [];
  const c = console as unknown as Record<string, (...args: unknown[]) => void>;
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'] as const;
  const saved = methods.map((m) => c[m]);
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  for (const m of methods) {
    c[m] = (...args: unknown[]): void => {
      printed.push(
        `console.${m}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`,
      );
    };
  }
  const grab = (name: string): Writer =>
    function (this: unknown, chunk: unknown): boolean {
      printed.push(
        `process.${name}.write: ${typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8')}`,
      );
      return true;
    };
  process.stdout.write = grab('stdout');
  process.stderr.write = grab('stderr');
  try {
    return { value: await fn(), printed };
  } catch (error) {
    return { error, printed };
  } finally {
    for (const [i, m] of methods.entries()) {
      c[m] = saved[i] as (...args: unknown[]) => void;
    }
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

function firstLine(s: string): string {
  return JSON.stringify(s.split('\n')[0]?.slice(0, 160) ?? '');
}

/** describe, write, read and detect print nothing (libraries never print). */
export async function checkQuiet(
  format: SomeFormat,
  data: FixtureData,
  dir: string,
  config: CheckConfig = {},
): Promise<void> {
  const raw = config.options ?? {};
  const parsed: unknown = await parseFormatOptions(format, raw);
  const findings: string[] = [];
  const note = (fn: string, printed: readonly string[]): void => {
    if (printed.length > 0) {
      findings.push(
        `${fn} printed ${printed.length} time(s), first ${firstLine(printed[0] ?? '')}`,
      );
    }
  };
  note('describe()', (await capturePrinted(() => format.describe(parsed))).printed);
  const w = await capturePrinted(() => runWriter(format, raw, data, dir));
  note('write()', w.printed);
  if (typeof format.read === 'function' && w.error === undefined) {
    note('read()', (await capturePrinted(() => readBack(format, raw, dir))).printed);
  }
  if (typeof format.detect === 'function') {
    note(
      'detect()',
      (await capturePrinted(() => format.detect?.({ dir }, recordingContext().ctx))).printed,
    );
  }
  fail(`format ${format.id}: prints`, findings);
}

// ---------------------------------------------------------------------------------------------
// Child processes: determinism across processes, writes outside the output folder

/** Where a format's module is, for a child process: a module URL and the export holding the format. */
export interface FormatModule {
  readonly url: string;
  readonly export: string;
}

/** The module of a format from its package.json manifest entry. */
export function moduleFromManifest(
  packageJson: URL | string,
  id: string,
): FormatModule | undefined {
  const path = typeof packageJson === 'string' ? packageJson : fileURLToPath(packageJson);
  const pjson = JSON.parse(readFileSync(path, 'utf8')) as { synx?: unknown };
  const parsed = PluginManifestSchema.safeParse(pjson.synx);
  const entry = parsed.success ? parsed.data.formats.find((e) => e.id === id) : undefined;
  if (entry === undefined) {
    return undefined;
  }
  return {
    url: pathToFileURL(resolve(dirname(path), entry.module)).href,
    export: entry.export ?? 'default',
  };
}

/** The URL of a package's plain-node entry (its `default` export), whatever conditions this process runs with. */
function distEntryOf(packageJsonPath: string): string {
  const pjson = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as {
    exports?: Record<string, unknown>;
    main?: string;
  };
  const dot = pjson.exports?.['.'];
  const entry =
    typeof dot === 'string'
      ? dot
      : typeof dot === 'object' &&
          dot !== null &&
          typeof (dot as Record<string, unknown>)['default'] === 'string'
        ? String((dot as Record<string, unknown>)['default'])
        : (pjson.main ?? 'index.js');
  return pathToFileURL(join(dirname(packageJsonPath), entry)).href;
}

/** This process's environment without the `--conditions` a test runner adds (a child loads plain builds). */
function childEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const options = (process.env['NODE_OPTIONS'] ?? '')
    .split(/\s+/)
    .filter(
      (o, i, all) => !/^(--conditions|-C)/.test(o) && !/^(--conditions|-C)$/.test(all[i - 1] ?? ''),
    )
    .join(' ');
  return { ...process.env, NODE_OPTIONS: options, ...extra };
}

const CHILD = `
import { readFileSync, writeFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const result = { ok: true, outcomes: 0 };
try {
  const { ClassMap } = await import(p.modelUrl);
  const mod = await import(p.moduleUrl);
  const format = mod[p.exportName];
  let options = {};
  if (format.options !== undefined) {
    const r = await format.options['~standard'].validate(p.rawOptions);
    if (r.issues !== undefined) throw new Error('invalid options: ' + JSON.stringify(r.issues));
    options = r.value;
  }
  const classes = new ClassMap(p.classes);
  async function* items() { for (const e of p.exportItems) { await Promise.resolve(); yield e; } }
  const ctx = { apiVersion: 1, signal: new AbortController().signal, log: { debug() {} },
    report() {}, account() { result.outcomes++; } };
  await format.write({ classes, keypointNames: p.keypointNames, items: items(), splits: undefined },
    { dir: p.outDir }, options, ctx);
} catch (e) {
  result.ok = false;
  result.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
}
writeFileSync(p.resultPath, JSON.stringify(result));
`;

interface ChildRun {
  readonly out: string;
  readonly cwd: string;
  readonly tmp: string;
  readonly parent: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly result: { ok: boolean; error?: string; outcomes: number };
}

function runChild(
  mod: FormatModule,
  data: FixtureData,
  classes: ClassMap,
  raw: Readonly<Record<string, unknown>>,
  root: string,
  k: number,
): Promise<ChildRun> {
  const base = join(root, `child-${k}`);
  const parent = join(base, 'parent');
  const cwd = join(base, 'cwd');
  const tmp = join(base, 'tmp');
  const out = join(parent, 'out');
  for (const d of [parent, cwd, tmp]) {
    mkdirSync(d, { recursive: true });
  }
  const control = mkdtempSync(join(tmpdir(), 'synx-child-'));
  const payloadPath = join(control, 'payload.json');
  const resultPath = join(control, 'result.json');
  const require = createRequire(import.meta.url);
  writeFileSync(
    payloadPath,
    JSON.stringify({
      modelUrl: distEntryOf(require.resolve('@synx/model/package.json')),
      moduleUrl: mod.url,
      exportName: mod.export,
      rawOptions: raw,
      classes: classes.toJSON(),
      keypointNames: data.keypointNames,
      exportItems: exportItemsOf(data).map(withTexts),
      outDir: out,
      resultPath,
    }),
  );
  return new Promise((res) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', CHILD, payloadPath],
      { cwd, env: childEnv({ TMPDIR: tmp, TMP: tmp, TEMP: tmp }), timeout: 60_000 },
      (error, stdout, stderr) => {
        let result: ChildRun['result'];
        try {
          result = JSON.parse(readFileSync(resultPath, 'utf8')) as ChildRun['result'];
        } catch {
          result = {
            ok: false,
            outcomes: 0,
            error: `the child process ended without a result (${error?.message ?? 'no error'})`,
          };
        }
        rmSync(control, { recursive: true, force: true });
        res({ out, cwd, tmp, parent, stdout, stderr, result });
      },
    );
  });
}

/**
 * Runs the writer in two child processes (each with its own cwd and TMPDIR) over the same
 * items: the trees must be byte-identical, nothing may appear in the cwd, the TMPDIR or beside
 * the output folder, and nothing may be printed.
 */
export async function checkChildProcesses(
  format: SomeFormat,
  mod: FormatModule,
  data: FixtureData,
  root: string,
  config: CheckConfig = {},
): Promise<void> {
  const raw = config.options ?? {};
  const classes = data.classes.forTools(
    format.describe(await parseFormatOptions(format, raw)).classTools,
  );
  const runs = [
    await runChild(mod, data, classes, raw, root, 0),
    await runChild(mod, data, classes, raw, root, 1),
  ];
  const findings: string[] = [];
  for (const r of runs) {
    if (!r.result.ok) {
      fail(`format ${format.id}: write in a child process (${mod.url} export ${mod.export})`, [
        r.result.error ?? 'failed',
      ]);
    }
    for (const [stream, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
    ] as const) {
      if (text !== '') {
        findings.push(
          `write() printed to ${stream} in a child process: first line ${firstLine(text)}`,
        );
      }
    }
    for (const [where, d] of [
      ['the working directory', r.cwd],
      ['TMPDIR', r.tmp],
      ['the parent of the output folder', r.parent],
    ] as const) {
      const stray = readdirSync(d).filter((x) => !(d === r.parent && x === 'out'));
      for (const x of stray) {
        findings.push(
          `write() left ${join(d, x)} in ${where} (outside the output folder ${r.out})`,
        );
      }
    }
  }
  fail(`format ${format.id}: writes outside its output folder or prints`, [...new Set(findings)]);
  const [a, b] = runs as [ChildRun, ChildRun];
  compareTrees(`format ${format.id}: output of two processes (${a.out} vs ${b.out})`, a.out, b.out);
}

// ---------------------------------------------------------------------------------------------
// Manifest

function readPackageJson(packageJson: URL | string): {
  path: string;
  json: Record<string, unknown>;
} {
  const path = typeof packageJson === 'string' ? packageJson : fileURLToPath(packageJson);
  return { path, json: JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> };
}

/**
 * The package.json `"synx"` manifest agrees with the module and describe(): id, title, API
 * version, capabilities (both ways), annotationKinds (each kept under at least one of
 * `optionSets`), and extensions (each one among the files written to `outDir`, when given).
 */
export async function checkManifest(
  format: SomeFormat,
  packageJson: URL | string,
  config: CheckConfig & {
    optionSets?: readonly Readonly<Record<string, unknown>>[];
    outDir?: string;
  } = {},
): Promise<FormatManifestEntry | undefined> {
  const { path, json } = readPackageJson(packageJson);
  const findings: string[] = [];
  if (json['oclif'] === undefined) {
    findings.push(`${path}: no "oclif" key (synx plugins install needs one)`);
  }
  const parsed = PluginManifestSchema.safeParse(json['synx']);
  if (!parsed.success) {
    fail(`format ${format.id}: manifest ${path}`, [
      ...findings,
      `"synx" is not a valid manifest: ${parsed.error.message}`,
    ]);
    return undefined;
  }
  const manifest = parsed.data;
  const entry = manifest.formats.find((e) => e.id === format.id);
  if (entry === undefined) {
    fail(`format ${format.id}: manifest ${path}`, [
      ...findings,
      `"synx".formats lists ${manifest.formats.map((e) => `"${e.id}"`).join(', ')}, not "${format.id}"`,
    ]);
    return undefined;
  }
  if (manifest.apiVersion !== format.apiVersion) {
    findings.push(
      `apiVersion ${manifest.apiVersion} in the manifest, ${format.apiVersion} in the module`,
    );
  }
  // The manifest's title may elaborate the module's ("COCO" → "COCO (object detection)").
  if (entry.title !== format.title && !entry.title.startsWith(`${format.title} `)) {
    findings.push(
      `title ${JSON.stringify(entry.title)} in the manifest, ${JSON.stringify(format.title)} in the module`,
    );
  }
  const caps = new Set(entry.capabilities ?? ['write']);
  const fns = format as unknown as Record<string, unknown>;
  for (const cap of ['write', 'read', 'detect'] as const) {
    const has = typeof fns[cap] === 'function';
    if (caps.has(cap) && !has) {
      findings.push(`capabilities lists "${cap}" but the module has no ${cap}()`);
    } else if (!caps.has(cap) && has) {
      findings.push(`the module has ${cap}() but capabilities does not list "${cap}"`);
    }
  }
  const kept = new Set<string>();
  for (const opts of config.optionSets ?? [config.options ?? {}]) {
    for (const k of keptFeatures(format.describe(await parseFormatOptions(format, opts)))) {
      kept.add(k);
    }
  }
  for (const kind of entry.annotationKinds ?? []) {
    if (!kept.has(kind)) {
      findings.push(
        `annotationKinds lists "${kind}" but describe() does not keep it (it keeps ${[...kept].join(', ') || 'nothing'})`,
      );
    }
  }
  // A flag sets an option: `--<flag> v` is `--option <option>=v`, so the option must exist.
  const flags = Object.entries(entry.flags ?? {});
  if (flags.length > 0) {
    const keys = await optionKeys(format);
    for (const [flag, alias] of flags) {
      if (!keys.includes(alias.option)) {
        findings.push(
          `flag --${flag} sets option "${alias.option}", which the options schema does not have (${keys.length === 0 ? 'it has none' : `it has ${keys.join(', ')}`})`,
        );
      }
    }
  }
  for (const ext of entry.extensions ?? []) {
    if (!/^\.[a-z0-9]+$/i.test(ext)) {
      findings.push(`extension ${JSON.stringify(ext)} is not of the form ".ext"`);
    }
  }
  // Extensions are what detection looks for: each one declared is among the files written.
  if (config.outDir !== undefined) {
    const seen = new Set(filesUnder(config.outDir).map((p) => extname(p).toLowerCase()));
    for (const ext of entry.extensions ?? []) {
      if (!seen.has(ext.toLowerCase())) {
        findings.push(
          `extensions lists ${JSON.stringify(ext)} but no file written to ${config.outDir} has it (${[...seen].join(', ') || 'no files'})`,
        );
      }
    }
  }
  fail(`format ${format.id}: manifest ${path}`, findings);
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Packed tarball

function run(
  cmd: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((res) => {
    execFile(
      cmd,
      args,
      {
        cwd,
        timeout: 240_000,
        maxBuffer: 16 * 1024 * 1024,
        env: childEnv({ npm_config_update_notifier: 'false' }),
      },
      (error, stdout, stderr) => {
        res({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1,
          out: `${stdout}${stderr}`,
          stdout,
        });
      },
    );
  });
}

function workspaceRoot(from: string): string | undefined {
  let d = resolve(from);
  for (;;) {
    const p = join(d, 'package.json');
    if (
      existsSync(p) &&
      (JSON.parse(readFileSync(p, 'utf8')) as { workspaces?: unknown }).workspaces !== undefined
    ) {
      return d;
    }
    const up = dirname(d);
    if (up === d) {
      return undefined;
    }
    d = up;
  }
}

function workspacePackages(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const group of ['packages', 'apps']) {
    const g = join(root, group);
    if (!existsSync(g)) {
      continue;
    }
    for (const name of readdirSync(g)) {
      const p = join(g, name, 'package.json');
      if (existsSync(p)) {
        out.set((JSON.parse(readFileSync(p, 'utf8')) as { name: string }).name, join(g, name));
      }
    }
  }
  return out;
}

/** What {@link checkPackedTarball} did: `skipped` says why it could not run. */
export interface PackResult {
  readonly skipped?: string;
  readonly installedAt?: string;
}

/**
 * `npm pack`s the package (and the workspace packages it depends on), installs the tarball
 * offline into a fresh folder outside the repository (dependencies only, no devDependencies),
 * imports the manifest's module from there and checks it exports the format.
 */
export async function checkPackedTarball(
  format: SomeFormat,
  packageDir: string,
): Promise<PackResult> {
  if ((await run('npm', ['--version'], packageDir)).code !== 0) {
    return { skipped: 'npm is not usable here' };
  }
  const { path, json } = readPackageJson(join(packageDir, 'package.json'));
  const entry = PluginManifestSchema.safeParse(json['synx']).data?.formats.find(
    (e) => e.id === format.id,
  );
  if (entry === undefined) {
    fail(`format ${format.id}: packed tarball`, [
      `${path}: the "synx" manifest does not list "${format.id}"`,
    ]);
    return {};
  }
  const root = workspaceRoot(packageDir);
  const workspace = root === undefined ? new Map<string, string>() : workspacePackages(root);
  const base = mkdtempSync(join(tmpdir(), `synx-pack-${format.id}-`));
  try {
    const packs = join(base, 'packs');
    mkdirSync(packs);
    const tarballs = new Map<string, string>();
    const pack = async (name: string, dir: string): Promise<void> => {
      if (tarballs.has(name)) {
        return;
      }
      const r = await run(
        'npm',
        ['pack', '--ignore-scripts', '--json', '--pack-destination', packs],
        dir,
      );
      if (r.code !== 0) {
        fail(`format ${format.id}: packed tarball`, [
          `npm pack in ${dir} failed: ${r.out.slice(-400)}`,
        ]);
      }
      const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string }[];
      tarballs.set(name, join(packs, info[0]?.filename ?? ''));
      const deps =
        (
          JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
            dependencies?: Record<string, string>;
          }
        ).dependencies ?? {};
      for (const dep of Object.keys(deps)) {
        const wdir = workspace.get(dep);
        if (wdir !== undefined) {
          await pack(dep, wdir);
        }
      }
    };
    const name = String(json['name']);
    await pack(name, packageDir);
    const app = join(base, 'app');
    mkdirSync(app);
    const fileSpec = (t: string): string => `file:${t}`;
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'synx-pack-check',
        private: true,
        type: 'module',
        // The workspace packages it needs come from their tarballs too; the rest from the cache.
        dependencies: Object.fromEntries([...tarballs].map(([k, t]) => [k, fileSpec(t)])),
      }),
    );
    const inst = await run(
      'npm',
      [
        'install',
        '--offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--omit=dev',
        '--omit=peer',
      ],
      app,
    );
    if (inst.code !== 0) {
      return {
        skipped: `npm install --offline of the tarball failed (a dependency not in the npm cache?): ${inst.out
          .split('\n')
          .filter((l) => l.includes('ERR'))
          .slice(0, 3)
          .join(' | ')}`,
      };
    }
    const installed = join(app, 'node_modules', ...name.split('/'));
    const url = pathToFileURL(join(installed, entry.module)).href;
    const findings: string[] = [];
    const probe = `const m = await import(${JSON.stringify(url)}); const f = m[${JSON.stringify(entry.export ?? 'default')}];
if (!f || typeof f.describe !== 'function' || f.apiVersion !== 1) throw new Error('no format in export ${entry.export ?? 'default'}');
if (f.id !== ${JSON.stringify(format.id)}) throw new Error('export holds format ' + f.id);`;
    const r = await run(process.execPath, ['--input-type=module', '-e', probe], app);
    if (r.code !== 0) {
      const line =
        r.out.split('\n').find((l) => /Error|Cannot find/.test(l)) ?? r.out.slice(0, 300);
      findings.push(
        `${url} (installed from the packed tarball of ${packageDir}) does not load: ${line.trim()}`,
      );
    }
    fail(`format ${format.id}: packed tarball`, findings);
    return { installedAt: installed };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** True when both boxes exist and every side is within `tol` pixels. */
function boxesNear(g: Box | undefined, w: Box | undefined, tol: number): boolean {
  return (
    g !== undefined &&
    w !== undefined &&
    Math.abs(g.x - w.x) <= tol &&
    Math.abs(g.y - w.y) <= tol &&
    Math.abs(g.width - w.width) <= tol &&
    Math.abs(g.height - w.height) <= tol
  );
}
