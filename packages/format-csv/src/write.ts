import { join } from 'node:path';
import { stringify, type Options as StringifyOptions } from 'csv-stringify/sync';
import { pixelIndicesBbox, rotatedBoxHull } from '@synx/geometry';
import {
  type Annotation,
  type ClassEntry,
  type ClassMap,
  type Instance,
  instancesOf,
  type JsonValue,
  type MaskAnnotation,
  type Media,
  unknownClassReason,
  type Vertex,
} from '@synx/model';
import {
  TextFileWriter,
  writableMedia,
  type ExportImage,
  type ExportItem,
  type FormatContext,
  type OutputFile,
  type WriteInput,
  type WriteResult,
} from '@synx/plugin-api';
import {
  fixedCell,
  neutralise,
  numberCell,
  PRESET_COLUMNS,
  roundDerived,
  SYNX_COLUMNS,
} from './cells.js';
import type { CsvOptions, CsvPreset } from './options.js';

/** Why annotations without 2D image geometry get no row. */
export const NO_2D_GEOMETRY = 'CSV rows hold image annotations with 2D geometry';
/** Why `other` annotations get no row (they were reported when read). */
export const NOT_INTERPRETABLE = 'not interpretable; kept only in raw JSON';

/** The annotation kinds that are objects of a class (their class must be in the class map). */
const OBJECT_KINDS: ReadonlySet<Annotation['kind']> = new Set([
  'bbox',
  'polygon',
  'polyline',
  'mask',
]);

/** Names of the box presets, for reasons. */
const PRESET_TITLE: Readonly<Record<Exclude<CsvPreset, 'synx'>, string>> = {
  tfod: 'TensorFlow Object Detection CSV rows',
  openimages: 'Open Images CSV rows',
};

/** Rows formatted per csv-stringify call. */
const BATCH_ROWS = 256;

/** Decimals of normalised Open Images coordinates. */
const OPENIMAGES_DECIMALS = 10;

/** An axis-aligned extent in absolute pixels. */
interface Extent {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

/** The tight extent of points, by exact minimum and maximum (no arithmetic on coordinates). */
function extentOf(points: readonly { readonly x: number; readonly y: number }[]): Extent {
  let xmin = Infinity;
  let ymin = Infinity;
  let xmax = -Infinity;
  let ymax = -Infinity;
  for (const p of points) {
    xmin = Math.min(xmin, p.x);
    ymin = Math.min(ymin, p.y);
    xmax = Math.max(xmax, p.x);
    ymax = Math.max(ymax, p.y);
  }
  return { xmin, ymin, xmax, ymax };
}

/** The extent of a mask's pixels, or a reason why it has none. */
function maskExtent(mask: MaskAnnotation, media: Media): Extent | string {
  const w = media.width;
  const h = media.height;
  if (w === undefined || h === undefined) {
    return "the image size is unknown, so the mask's extent cannot be computed";
  }
  const [x, y, bw, bh] = pixelIndicesBbox(mask.pixelIndices, w, h);
  if (bw === 0 || bh === 0) {
    return 'the mask is empty, so it has no extent';
  }
  return { xmin: x, ymin: y, xmax: x + bw, ymax: y + bh };
}

/** The extent cut to `[0, width] × [0, height]`; the same object when nothing was cut. */
function clampExtent(e: Extent, width: number, height: number): Extent {
  const cut = (v: number, max: number): number => Math.min(Math.max(v, 0), max);
  const c = {
    xmin: cut(e.xmin, width),
    ymin: cut(e.ymin, height),
    xmax: cut(e.xmax, width),
    ymax: cut(e.ymax, height),
  };
  return c.xmin === e.xmin && c.ymin === e.ymin && c.xmax === e.xmax && c.ymax === e.ymax ? e : c;
}

function pointsJson(points: readonly Vertex[]): string {
  return JSON.stringify(points.map((p) => [p.x, p.y]));
}

/** 1/0 for an `occluded`/`truncated`-style flag; empty when absent or not a yes/no value. */
function flagCell(value: JsonValue | undefined): string {
  if (value === true || value === 1 || value === '1' || value === 'true' || value === 'yes') {
    return '1';
  }
  if (value === false || value === 0 || value === '0' || value === 'false' || value === 'no') {
    return '0';
  }
  return '';
}

/** Why a group is `converted` in the synx preset. */
export const GROUP_NOT_STORED =
  'its members are written as rows of their own; the membership is not stored';

/** What happened to one annotation in an image's rows. */
type Account = (
  a: Annotation,
  outcome: 'written' | 'converted' | 'dropped',
  reason?: string,
  quiet?: boolean,
) => void;

/** Everything the row builders of one image need. */
interface ImageContext {
  readonly exportItem: ExportItem;
  readonly image: ExportImage;
  readonly classes: ClassMap;
  readonly account: Account;
}

/** The class cells of an annotation's row. */
function classCells(entry: ClassEntry | undefined, code: string | null): [string, string] {
  if (entry !== undefined) {
    return [neutralise(entry.code), numberCell(entry.id ?? entry.index)];
  }
  return [code === null ? '' : neutralise(code), ''];
}

/**
 * Rows of the `synx` preset for one image: one per annotation with geometry (or classification),
 * in annotation order; one image-only row when the image gets no other.
 */
function* synxRows(ctx: ImageContext): Generator<string[]> {
  const { exportItem, image, classes, account } = ctx;
  const media = image.media;
  const file = neutralise(image.fileName);
  const width = numberCell(media.width);
  const height = numberCell(media.height);
  const split = neutralise(exportItem.split ?? '');
  const itemId = neutralise(exportItem.item.id);
  let rows = 0;
  const row = (
    a: Annotation,
    cls: [string, string],
    e: Extent | undefined,
    rotation: number | undefined,
    points: string,
  ): string[] => {
    rows++;
    return [
      file,
      width,
      height,
      split,
      cls[0],
      cls[1],
      a.kind,
      numberCell(e?.xmin),
      numberCell(e?.ymin),
      numberCell(e?.xmax),
      numberCell(e?.ymax),
      numberCell(rotation),
      points,
      neutralise(JSON.stringify(a.attributes)),
      itemId,
      neutralise(a.id),
    ];
  };
  for (const a of media.annotations) {
    if (a.kind === 'group') {
      account(a, 'converted', GROUP_NOT_STORED);
      continue;
    }
    if (a.kind === 'other') {
      account(a, 'dropped', NOT_INTERPRETABLE, true);
      continue;
    }
    const entry = a.classCode === null ? undefined : classes.get(a.classCode);
    if (entry === undefined && a.classCode !== null && OBJECT_KINDS.has(a.kind)) {
      account(a, 'dropped', unknownClassReason(a.classCode), true);
      continue;
    }
    const cls = classCells(entry, a.classCode);
    switch (a.kind) {
      case 'bbox':
        yield row(
          a,
          cls,
          { xmin: a.x, ymin: a.y, xmax: a.x + a.width, ymax: a.y + a.height },
          a.rotation,
          '',
        );
        account(a, 'written');
        break;
      case 'polygon':
      case 'polyline':
        yield row(
          a,
          cls,
          a.points.length === 0 ? undefined : extentOf(a.points),
          undefined,
          pointsJson(a.points),
        );
        account(a, 'written');
        break;
      case 'keypoint':
        yield row(
          a,
          cls,
          { xmin: a.x, ymin: a.y, xmax: a.x, ymax: a.y },
          undefined,
          pointsJson([a]),
        );
        account(a, 'written');
        break;
      case 'mask': {
        const e = maskExtent(a, media);
        if (typeof e === 'string') {
          account(a, 'dropped', e);
        } else {
          yield row(a, cls, e, undefined, '');
          account(
            a,
            'converted',
            "mask written as its extent box (kind mask); the mask's pixels are not stored",
          );
        }
        break;
      }
      case 'classification':
        yield row(a, cls, undefined, undefined, '');
        account(a, 'written');
        break;
      default:
        account(a, 'dropped', NO_2D_GEOMETRY);
    }
  }
  if (rows === 0) {
    // Every image is listed, even one without annotations (or whose annotations all dropped).
    const empty = new Array<string>(SYNX_COLUMNS.length).fill('');
    empty[0] = file;
    empty[1] = width;
    empty[2] = height;
    empty[3] = split;
    empty[14] = itemId;
    yield empty;
  }
}

/** One object box of a box preset, with the annotations it stands for. */
interface ObjectBox {
  readonly extent: Extent;
  /** The annotations the box was made from, with the conversion applied to each (if any). */
  readonly from: readonly { readonly a: Annotation; readonly reason: string | undefined }[];
  /** Attributes for the flag columns: the part's own, then the object's. */
  readonly attributes: readonly Readonly<Record<string, JsonValue>>[];
}

/**
 * The object boxes of one instance for the box presets: every box (a rotated one as its
 * axis-aligned hull); without a box, one box around its polygons and masks. Accounts for every
 * part it does not use.
 */
function objectBoxes(inst: Instance, media: Media, title: string, account: Account): ObjectBox[] {
  const out: ObjectBox[] = [];
  for (const box of inst.boxes) {
    const rotated = box.rotation !== undefined && box.rotation !== 0;
    let extent: Extent;
    if (rotated) {
      const hull = rotatedBoxHull(box);
      extent = {
        xmin: roundDerived(hull.x),
        ymin: roundDerived(hull.y),
        xmax: roundDerived(hull.x + hull.width),
        ymax: roundDerived(hull.y + hull.height),
      };
    } else {
      extent = { xmin: box.x, ymin: box.y, xmax: box.x + box.width, ymax: box.y + box.height };
    }
    out.push({
      extent,
      from: [
        {
          a: box,
          reason: rotated
            ? 'rotated box written as its axis-aligned hull; the angle is not stored'
            : undefined,
        },
      ],
      attributes: [box.attributes, inst.attributes],
    });
  }
  const shapes: { a: Annotation; extent: Extent; reason: string }[] = [];
  for (const p of inst.polygons) {
    if (out.length > 0) {
      account(p, 'dropped', "the object's box is written; its polygon is not written again");
    } else if (p.points.length === 0) {
      account(p, 'dropped', 'a polygon without vertices has no extent');
    } else {
      shapes.push({
        a: p,
        extent: extentOf(p.points),
        reason: 'polygon written as the extent box of its object',
      });
    }
  }
  for (const m of inst.masks) {
    if (out.length > 0) {
      account(m, 'dropped', "the object's box is written; its mask is not written again");
      continue;
    }
    const e = maskExtent(m, media);
    if (typeof e === 'string') {
      account(m, 'dropped', e);
    } else {
      shapes.push({ a: m, extent: e, reason: 'mask written as the extent box of its object' });
    }
  }
  if (shapes.length > 0) {
    out.push({
      extent: {
        xmin: Math.min(...shapes.map((s) => s.extent.xmin)),
        ymin: Math.min(...shapes.map((s) => s.extent.ymin)),
        xmax: Math.max(...shapes.map((s) => s.extent.xmax)),
        ymax: Math.max(...shapes.map((s) => s.extent.ymax)),
      },
      from: shapes.map((s) => ({ a: s.a, reason: s.reason })),
      attributes: [inst.attributes],
    });
  }
  for (const l of inst.polylines) {
    account(l, 'dropped', `${title} are object boxes; a polyline outlines no object`);
  }
  for (const k of inst.keypoints) {
    account(k, 'dropped', `${title} are object boxes; keypoints have no place in them`);
  }
  return out;
}

/**
 * Rows of the `tfod` and `openimages` presets for one image: one per object box. Images without
 * objects get no row (both layouts list boxes, not images).
 */
function* boxRows(ctx: ImageContext, preset: Exclude<CsvPreset, 'synx'>): Generator<string[]> {
  const { image, classes, account } = ctx;
  const media = image.media;
  const title = PRESET_TITLE[preset];
  const { instances, rest } = instancesOf(media);
  for (const a of rest) {
    switch (a.kind) {
      case 'keypoint':
        account(a, 'dropped', `${title} are object boxes; keypoints have no place in them`);
        break;
      case 'classification':
        account(
          a,
          'dropped',
          `${title} are object boxes; image-level labels have no place in them`,
        );
        break;
      case 'group':
        account(a, 'dropped', 'a group without boxes, polygons or masks has nothing to draw');
        break;
      case 'other':
        account(a, 'dropped', NOT_INTERPRETABLE, true);
        break;
      default:
        account(a, 'dropped', NO_2D_GEOMETRY);
    }
  }
  const file = neutralise(image.fileName);
  const w = media.width;
  const h = media.height;
  for (const inst of instances) {
    const dropAll = (reason: string, quiet = false): void => {
      for (const p of inst.parts) {
        account(p, 'dropped', reason, quiet);
      }
    };
    if (inst.classCode === null) {
      dropAll(`the object has no class; ${title} need one`);
      continue;
    }
    const entry = classes.get(inst.classCode);
    if (entry === undefined) {
      dropAll(unknownClassReason(inst.classCode), true);
      continue;
    }
    if (w === undefined || h === undefined) {
      dropAll(
        preset === 'openimages'
          ? 'the image size is unknown, so the box cannot be normalised'
          : `the image size is unknown; ${title} need the width and height`,
      );
      continue;
    }
    const label = neutralise(entry.code);
    let written = 0;
    for (const box of objectBoxes(inst, media, title, account)) {
      let { xmin, ymin, xmax, ymax } = box.extent;
      let clampReason: string | undefined;
      if (preset === 'openimages') {
        const clamped = clampExtent(box.extent, w, h);
        if (clamped !== box.extent) {
          if (clamped.xmax <= clamped.xmin || clamped.ymax <= clamped.ymin) {
            for (const f of box.from) {
              account(f.a, 'dropped', 'the box lies outside the image');
            }
            continue;
          }
          ({ xmin, ymin, xmax, ymax } = clamped);
          clampReason = 'box clamped to the image (Open Images coordinates lie in 0..1)';
        }
      }
      if (preset === 'tfod') {
        yield [
          file,
          numberCell(w),
          numberCell(h),
          label,
          numberCell(xmin),
          numberCell(ymin),
          numberCell(xmax),
          numberCell(ymax),
        ];
      } else {
        const attr = (key: string): JsonValue | undefined => {
          for (const source of box.attributes) {
            const v = source[key];
            if (v !== undefined) {
              return v;
            }
          }
          return undefined;
        };
        yield [
          file,
          '',
          label,
          '',
          fixedCell(xmin / w, OPENIMAGES_DECIMALS),
          fixedCell(xmax / w, OPENIMAGES_DECIMALS),
          fixedCell(ymin / h, OPENIMAGES_DECIMALS),
          fixedCell(ymax / h, OPENIMAGES_DECIMALS),
          flagCell(attr('occluded')),
          flagCell(attr('truncated')),
          '',
          '',
          '',
        ];
      }
      written++;
      for (const f of box.from) {
        const reason = [f.reason, clampReason].filter((r) => r !== undefined).join('; ');
        if (reason === '') {
          account(f.a, 'written');
        } else {
          account(f.a, 'converted', reason);
        }
      }
    }
    // The group (and nested groups) became the object; with no box left, they are lost with it.
    for (const p of inst.parts) {
      if (p.kind === 'group') {
        if (written > 0) {
          account(p, 'written');
        } else {
          account(p, 'dropped', 'the object has nothing a box can be drawn from');
        }
      }
    }
  }
}

/** File of a split: the file itself, or `<split>_<file>` for the box presets when splitting. */
export function csvFileFor(options: CsvOptions, split: string | undefined): string {
  return split === undefined || options.preset === 'synx'
    ? options.file
    : `${split}_${options.file}`;
}

/**
 * One open CSV output: a buffered file written under a `.partial` name (renamed when complete,
 * see {@link TextFileWriter}), and its row batch.
 */
interface CsvOut {
  readonly out: TextFileWriter;
  readonly split: string | undefined;
  batch: string[][];
  /** Distinct images with a row. */
  images: number;
  /** Annotation rows (the `synx` preset's image-only rows not counted). */
  annotations: number;
}

/** The `kind` column of the `synx` preset: empty only in the row of an image without any other. */
const KIND_COLUMN = SYNX_COLUMNS.indexOf('kind');

/**
 * Writes the CSV, streaming: rows are formatted by csv-stringify (RFC 4180 quoting) in batches of
 * at most {@link BATCH_ROWS} and handed to a buffered file writer, so memory does not grow with
 * the number of rows. The `synx` preset writes one file with a `split` column; the box presets,
 * whose layouts have no such column, write one file per split (`train_<file>`, …) when the export
 * is split. Files are written under a `.partial` name and renamed when complete.
 */
export async function writeCsv(
  input: WriteInput,
  dir: string,
  options: CsvOptions,
  ctx: FormatContext,
): Promise<WriteResult> {
  const csv: StringifyOptions = {
    record_delimiter: options.eol === 'crlf' ? '\r\n' : '\n',
    // Quote a lone CR or LF whatever the line ending, so every CSV reader sees one record.
    quote_record_delimiter: true,
    eof: true,
  };
  const preset = options.preset;
  const header = `${options.bom ? '\uFEFF' : ''}${stringify([[...PRESET_COLUMNS[preset]]], csv)}`;
  const outs = new Map<string, CsvOut>();
  const open = async (split: string | undefined): Promise<CsvOut> => {
    const name = csvFileFor(options, split);
    let o = outs.get(name);
    if (o === undefined) {
      o = {
        out: await TextFileWriter.open(join(dir, name)),
        // The `synx` preset writes every split into one file (its split column says which).
        split:
          preset !== 'synx' && input.splits?.includes(split ?? '') === true ? split : undefined,
        batch: [],
        images: 0,
        annotations: 0,
      };
      outs.set(name, o);
      await o.out.write(header);
    }
    return o;
  };
  // Rows are formatted a few hundred at a time: fewer calls, and memory stays bounded.
  const flush = async (o: CsvOut): Promise<void> => {
    if (o.batch.length > 0) {
      const text = stringify(o.batch, csv);
      o.batch = [];
      await o.out.write(text);
    }
  };
  try {
    // Every declared split gets its file, even one that ends up empty (header only).
    for (const split of input.splits ?? [undefined]) {
      await open(split);
    }
    for await (const exportItem of input.items) {
      ctx.signal.throwIfAborted();
      const item = exportItem.item;
      const o = await open(input.splits === undefined ? undefined : exportItem.split);
      for (const exported of exportItem.images) {
        // Annotations with unusable numbers are accounted and left out; an unusable size is unknown.
        const media = writableMedia(item, exported.media, ctx);
        const image = media === exported.media ? exported : { ...exported, media };
        const account: Account = (annotation, outcome, reason, quiet) => {
          ctx.account({
            item,
            media,
            annotation,
            outcome,
            ...(reason === undefined ? {} : { reason }),
            ...(quiet === true ? { quiet } : {}),
          });
        };
        const imageCtx: ImageContext = { exportItem, image, classes: input.classes, account };
        const rows = preset === 'synx' ? synxRows(imageCtx) : boxRows(imageCtx, preset);
        let imageRows = 0;
        for (const cells of rows) {
          imageRows++;
          if (preset !== 'synx' || cells[KIND_COLUMN] !== '') {
            o.annotations++;
          }
          o.batch.push(cells);
          if (o.batch.length >= BATCH_ROWS) {
            await flush(o);
          }
        }
        if (imageRows > 0) {
          o.images++;
        }
      }
    }
    for (const o of outs.values()) {
      await flush(o);
    }
    for (const o of outs.values()) {
      await o.out.close();
    }
  } catch (err) {
    for (const o of outs.values()) {
      o.out.destroy();
    }
    throw err;
  }
  const outputs: OutputFile[] = [...outs.entries()].map(([path, o]) => ({
    path,
    images: o.images,
    annotations: o.annotations,
    ...(o.split === undefined ? {} : { split: o.split }),
  }));
  return { files: outs.size, outputs };
}
