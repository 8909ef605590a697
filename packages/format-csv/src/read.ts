import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import {
  classMapFromList,
  isSynxError,
  SynxError,
  type Annotation,
  type ClassMapInput,
  type Dataset,
  type Item,
  type JsonObject,
  type JsonValue,
  type Vertex,
} from '@synx/model';
import { readFileHead, type DatasetLocation, type FormatContext } from '@synx/plugin-api';
import { restoreText, SYNX_COLUMNS, TFOD_COLUMNS, OPENIMAGES_COLUMNS } from './cells.js';

/** The column layout of a CSV file, from its header. */
export type CsvLayout = 'synx' | 'tfod' | 'openimages';

/** A CSV file and its layout. */
export interface CsvFile {
  readonly path: string;
  readonly layout: CsvLayout;
  /** True when the header is exactly the one synx writes for the layout. */
  readonly exact: boolean;
  readonly header: readonly string[];
}

/** Issue code of a row the reader cannot use. */
export const CSV_INVALID_ROW = 'SYNX_CSV_INVALID_ROW';

const REQUIRED: Readonly<Record<CsvLayout, readonly string[]>> = {
  synx: ['image', 'kind', 'xmin', 'ymin', 'xmax', 'ymax'],
  tfod: ['filename', 'class', 'xmin', 'ymin', 'xmax', 'ymax'],
  openimages: ['ImageID', 'LabelName', 'XMin', 'XMax', 'YMin', 'YMax'],
};

const EXACT: Readonly<Record<CsvLayout, readonly string[]>> = {
  synx: SYNX_COLUMNS,
  tfod: TFOD_COLUMNS,
  openimages: OPENIMAGES_COLUMNS,
};

/** The layout a header row belongs to: every required column present (in any order). */
export function layoutOf(header: readonly string[]): CsvLayout | undefined {
  for (const layout of ['synx', 'tfod', 'openimages'] as const) {
    if (REQUIRED[layout].every((c) => header.includes(c))) {
      return layout;
    }
  }
  return undefined;
}

/** The header row of a CSV file (its first record), or undefined when unreadable. */
async function headerOf(path: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readFileHead(path, 64 * 1024);
  } catch {
    return undefined;
  }
  const end = text.search(/\r?\n/);
  const first = end < 0 ? text : text.slice(0, end);
  try {
    const rows: string[][] = parseSync(first, { bom: true, relax_quotes: true });
    const row = rows[0];
    return row?.map((c) => c.trim());
  } catch {
    return undefined;
  }
}

/**
 * The CSV file of a folder: `preferred` (default `annotations.csv`) when its header is one synx
 * knows, else the first other `*.csv` at the folder's root (by name) that is.
 */
export async function findCsv(
  dir: string,
  preferred = 'annotations.csv',
): Promise<CsvFile | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.csv')).sort();
  } catch {
    return undefined;
  }
  const ordered = names.includes(preferred)
    ? [preferred, ...names.filter((n) => n !== preferred)]
    : names;
  for (const name of ordered) {
    const path = join(dir, name);
    const header = await headerOf(path);
    const layout = header === undefined ? undefined : layoutOf(header);
    if (header !== undefined && layout !== undefined) {
      const exact =
        header.length === EXACT[layout].length && header.every((c, i) => c === EXACT[layout][i]);
      return { path, layout, exact, header };
    }
  }
  return undefined;
}

/**
 * Confidence that a folder holds a CSV export: 80 for an `annotations.csv` (or other root `*.csv`)
 * with synx's own header, 60 for the TensorFlow Object Detection header, 0 otherwise (an Open
 * Images CSV cannot be read back: it lacks the image sizes).
 */
export async function detectCsv(at: DatasetLocation): Promise<number> {
  const found = await findCsv(at.dir);
  if (found?.exact !== true) {
    return 0;
  }
  return found.layout === 'synx' ? 80 : found.layout === 'tfod' ? 60 : 0;
}

/** One data record with its line number (for issues). */
interface CsvRecord {
  readonly cells: readonly string[];
  readonly line: number;
}

/** The data records of a CSV file (the header skipped), streamed. */
async function* recordsOf(path: string, signal: AbortSignal): AsyncGenerator<CsvRecord> {
  const source = createReadStream(path);
  const parser = parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true });
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  let header = true;
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      signal.throwIfAborted();
      if (header) {
        header = false;
        continue;
      }
      yield { cells: r.record, line: r.info.lines };
    }
  } catch (err) {
    if (isSynxError(err) || (err as Error).name === 'AbortError') {
      throw err;
    }
    throw new SynxError('SYNX_INVALID_INPUT', `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Reads cells by column name. */
class Columns {
  readonly #index: ReadonlyMap<string, number>;
  constructor(header: readonly string[]) {
    const index = new Map<string, number>();
    header.forEach((name, i) => {
      if (!index.has(name)) {
        index.set(name, i);
      }
    });
    this.#index = index;
  }
  /** The raw cell (empty when the column or the cell is missing). */
  raw(record: CsvRecord, name: string): string {
    const i = this.#index.get(name);
    return i === undefined ? '' : (record.cells[i] ?? '');
  }
  /** A text cell, with the writer's formula neutralisation reversed. */
  text(record: CsvRecord, name: string): string {
    return restoreText(this.raw(record, name));
  }
}

/** A number cell: undefined when empty; NaN when not a number. */
function numberOf(cell: string): number | undefined {
  const t = cell.trim();
  return t === '' ? undefined : Number(t);
}

/** `xmax − xmin` without the last-bit noise of the writer's `xmin + width` (15 significant digits). */
function span(min: number, max: number): number {
  return Number((max - min).toPrecision(15));
}

const TOOL: Readonly<Record<string, string>> = {
  bbox: 'bounding_box',
  polygon: 'polygon',
  polyline: 'polyline',
  keypoint: 'keypoint',
  classification: 'classification',
  mask: 'segmentation',
};

/** What the first pass over the file found. */
interface Scan {
  readonly classes: ClassMapInput[];
  readonly keypointNames: string[];
  readonly images: number;
  /** True when the rows of each image are consecutive (then items stream). */
  readonly contiguous: boolean;
}

const OBJECT_KINDS = new Set(['bbox', 'polygon', 'polyline', 'mask']);

/** First pass: classes, keypoint names, image count and whether images are contiguous. */
async function scan(file: CsvFile, ctx: FormatContext): Promise<Scan> {
  const cols = new Columns(file.header);
  const tfod = file.layout === 'tfod';
  const ids = new Map<string, number | undefined>();
  const keypoints = new Set<string>();
  const seen = new Set<string>();
  let current: string | undefined;
  let contiguous = true;
  let conflict: string | undefined;
  for await (const r of recordsOf(file.path, ctx.signal)) {
    const image = cols.text(r, tfod ? 'filename' : 'image');
    if (image === '') {
      continue;
    }
    if (image !== current) {
      if (seen.has(image)) {
        contiguous = false;
      }
      seen.add(image);
      current = image;
    }
    const code = cols.text(r, 'class');
    if (code === '') {
      continue;
    }
    const kind = tfod ? 'bbox' : cols.raw(r, 'kind');
    const idCell = tfod ? undefined : numberOf(cols.raw(r, 'class_id'));
    const id = idCell !== undefined && Number.isInteger(idCell) ? idCell : undefined;
    if (id !== undefined) {
      const known = ids.get(code);
      if (ids.has(code) && known !== id) {
        conflict ??= `class "${code}" has ids ${known ?? 'none'} and ${id}`;
      }
      ids.set(code, known ?? id);
    } else if (OBJECT_KINDS.has(kind)) {
      if (!ids.has(code)) {
        ids.set(code, undefined);
      }
    } else if (kind === 'keypoint') {
      keypoints.add(code);
    }
  }
  let classes: ClassMapInput[] = [...ids].map(([name, id]) =>
    id === undefined ? { name } : { name, id },
  );
  const idList = classes.map((c) => c.id);
  const withIds = idList.every((id) => id !== undefined) && new Set(idList).size === idList.length;
  if (!withIds) {
    if (conflict !== undefined || idList.some((id) => id !== undefined)) {
      ctx.report({
        code: CSV_INVALID_ROW,
        severity: 'warning',
        message: `${file.path}: class ids are incomplete or inconsistent (${conflict ?? 'some classes have none, or two share one'}); classes are numbered by name instead`,
        action: 'converted',
      });
    }
    // Without ids the order must not depend on row order: classes sorted by name.
    classes = classes
      .map((c) => ({ name: c.name }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return {
    classes,
    keypointNames: [...keypoints].filter((k) => !ids.has(k)),
    images: seen.size,
    contiguous,
  };
}

/** Builds one item from the rows of one image. */
class ItemBuilder {
  readonly #file: CsvFile;
  readonly #cols: Columns;
  readonly #ctx: FormatContext;
  readonly #usedIds = new Set<string>();

  constructor(file: CsvFile, ctx: FormatContext) {
    this.#file = file;
    this.#cols = new Columns(file.header);
    this.#ctx = ctx;
  }

  #invalid(r: CsvRecord, why: string, itemId?: string): void {
    this.#ctx.report({
      code: CSV_INVALID_ROW,
      severity: 'error',
      message: `${this.#file.path} line ${r.line}: ${why}; the row is skipped`,
      ...(itemId === undefined ? {} : { itemId }),
      action: 'dropped',
    });
  }

  build(image: string, records: readonly CsvRecord[]): Item {
    const cols = this.#cols;
    const tfod = this.#file.layout === 'tfod';
    const stem = image.replace(/\.[^./\\]*$/, '') || image;
    const first = records[0];
    const givenId = first === undefined || tfod ? '' : cols.text(first, 'item_id');
    let id = givenId === '' ? stem : givenId;
    if (this.#usedIds.has(id)) {
      id = `${id}:${image}`;
    }
    this.#usedIds.add(id);
    let width: number | undefined;
    let height: number | undefined;
    const annotations: Annotation[] = [];
    for (const r of records) {
      const w = numberOf(cols.raw(r, 'width'));
      const h = numberOf(cols.raw(r, 'height'));
      if (width === undefined && w !== undefined && Number.isInteger(w) && w > 0) {
        width = w;
      }
      if (height === undefined && h !== undefined && Number.isInteger(h) && h > 0) {
        height = h;
      }
      const a = tfod ? this.#tfodAnnotation(r, annotations.length) : this.#synxAnnotation(r, id);
      if (a !== undefined) {
        annotations.push(a);
      }
    }
    return {
      id,
      sourceKind: 'folder',
      key: `${this.#file.path}#${image}`,
      stem,
      media: [
        {
          id: 'image_1',
          kind: 'image',
          file: { name: image },
          ...(width === undefined ? {} : { width }),
          ...(height === undefined ? {} : { height }),
          annotations,
        },
      ],
    };
  }

  /** The four extent cells, or a reason why they are not usable. */
  #extent(r: CsvRecord): [number, number, number, number] | string {
    const v = (['xmin', 'ymin', 'xmax', 'ymax'] as const).map((c) =>
      numberOf(this.#cols.raw(r, c)),
    );
    const [xmin, ymin, xmax, ymax] = v;
    if (
      xmin === undefined ||
      ymin === undefined ||
      xmax === undefined ||
      ymax === undefined ||
      !v.every((n) => Number.isFinite(n))
    ) {
      return 'xmin, ymin, xmax and ymax must be numbers';
    }
    if (xmax < xmin || ymax < ymin) {
      return 'xmax is less than xmin, or ymax less than ymin';
    }
    return [xmin, ymin, xmax, ymax];
  }

  #tfodAnnotation(r: CsvRecord, n: number): Annotation | undefined {
    const e = this.#extent(r);
    if (typeof e === 'string') {
      this.#invalid(r, e);
      return undefined;
    }
    const code = this.#cols.text(r, 'class');
    return {
      id: `${n + 1}`,
      tool: 'bounding_box',
      kind: 'bbox',
      classCode: code === '' ? null : code,
      attributes: {},
      x: e[0],
      y: e[1],
      width: span(e[0], e[2]),
      height: span(e[1], e[3]),
    };
  }

  #synxAnnotation(r: CsvRecord, itemId: string): Annotation | undefined {
    const cols = this.#cols;
    const kind = cols.raw(r, 'kind');
    if (kind === '') {
      return undefined; // the row that lists an image without annotations
    }
    const tool = TOOL[kind];
    if (tool === undefined) {
      this.#invalid(r, `unknown kind "${kind}"`, itemId);
      return undefined;
    }
    const code = cols.text(r, 'class');
    let attributes: JsonObject = {};
    const attrCell = cols.text(r, 'attributes');
    if (attrCell !== '') {
      let parsed: JsonValue;
      try {
        parsed = JSON.parse(attrCell) as JsonValue;
      } catch {
        this.#invalid(r, 'attributes is not valid JSON', itemId);
        return undefined;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        this.#invalid(r, 'attributes is not a JSON object', itemId);
        return undefined;
      }
      attributes = parsed;
    }
    const base = {
      id: cols.text(r, 'annotation_id') || `line-${r.line}`,
      tool,
      classCode: code === '' ? null : code,
      attributes,
    };
    if (kind === 'classification') {
      return { ...base, kind };
    }
    if (kind === 'polygon' || kind === 'polyline') {
      const points = pointsOf(cols.text(r, 'points'));
      if (points === undefined) {
        this.#invalid(r, 'points is not a JSON list of [x, y] pairs', itemId);
        return undefined;
      }
      return { ...base, kind, points };
    }
    const e = this.#extent(r);
    if (typeof e === 'string') {
      this.#invalid(r, e, itemId);
      return undefined;
    }
    const [xmin, ymin, xmax, ymax] = e;
    if (kind === 'keypoint') {
      return { ...base, kind, x: xmin, y: ymin };
    }
    if (kind === 'mask') {
      // Only the mask's extent was stored: it comes back as an uninterpretable annotation.
      return {
        ...base,
        kind: 'other',
        reason: 'missing-data',
        data: { kind: 'mask', xmin, ymin, xmax, ymax },
      };
    }
    const rotation = numberOf(cols.raw(r, 'rotation'));
    if (rotation !== undefined && !Number.isFinite(rotation)) {
      this.#invalid(r, 'rotation is not a number', itemId);
      return undefined;
    }
    return {
      ...base,
      kind: 'bbox',
      x: xmin,
      y: ymin,
      width: span(xmin, xmax),
      height: span(ymin, ymax),
      ...(rotation === undefined ? {} : { rotation }),
    };
  }
}

/** `[[x, y], …]` as vertices; undefined when malformed. */
function pointsOf(cell: string): Vertex[] | undefined {
  if (cell === '') {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(cell);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) {
    return undefined;
  }
  const points: Vertex[] = [];
  for (const p of parsed as unknown[]) {
    if (!Array.isArray(p) || p.length < 2) {
      return undefined;
    }
    const [x, y] = p as unknown[];
    if (typeof x !== 'number' || typeof y !== 'number') {
      return undefined;
    }
    points.push({ x, y });
  }
  return points;
}

/**
 * Reads a `synx`-preset (or TensorFlow Object Detection) CSV back into canonical items, one per
 * image. Two passes: the first collects the classes (the header needs them), the second streams
 * items. When an image's rows are not consecutive, the second pass groups every row in memory.
 */
export async function readCsv(
  at: DatasetLocation,
  options: { readonly file: string },
  ctx: FormatContext,
): Promise<Dataset> {
  const file = await findCsv(at.dir, options.file);
  if (file === undefined) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `${at.dir} holds no CSV file with a synx or TensorFlow Object Detection header`,
      {
        hint: `synx reads ${SYNX_COLUMNS.join(',')} or ${TFOD_COLUMNS.join(',')}`,
      },
    );
  }
  if (file.layout === 'openimages') {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `${file.path} is an Open Images CSV, which synx cannot read back: its coordinates are normalised and it does not store the image sizes`,
    );
  }
  const csv: CsvFile = file;
  const found = await scan(csv, ctx);
  const classes = classMapFromList(found.classes);
  const cols = new Columns(csv.header);
  const imageColumn = csv.layout === 'tfod' ? 'filename' : 'image';
  /** The records with their image name; rows without one are reported and skipped. */
  async function* withImages(signal: AbortSignal): AsyncGenerator<[string, CsvRecord]> {
    for await (const r of recordsOf(csv.path, signal)) {
      const image = cols.text(r, imageColumn);
      if (image === '') {
        ctx.report({
          code: CSV_INVALID_ROW,
          severity: 'error',
          message: `${csv.path} line ${r.line}: the ${imageColumn} cell is empty; the row is skipped`,
          action: 'dropped',
        });
        continue;
      }
      yield [image, r];
    }
  }
  async function* items(signal: AbortSignal | undefined): AsyncGenerator<Item> {
    const stop = signal ?? ctx.signal;
    const builder = new ItemBuilder(csv, ctx);
    if (!found.contiguous) {
      const byImage = new Map<string, CsvRecord[]>();
      for await (const [image, r] of withImages(stop)) {
        const list = byImage.get(image);
        if (list === undefined) {
          byImage.set(image, [r]);
        } else {
          list.push(r);
        }
      }
      for (const [image, records] of byImage) {
        stop.throwIfAborted();
        yield builder.build(image, records);
      }
      return;
    }
    let current: string | undefined;
    let records: CsvRecord[] = [];
    for await (const [image, r] of withImages(stop)) {
      if (image !== current) {
        if (current !== undefined) {
          yield builder.build(current, records);
        }
        current = image;
        records = [];
      }
      records.push(r);
    }
    if (current !== undefined) {
      yield builder.build(current, records);
    }
  }
  return {
    header: {
      source: { kind: 'synapse-folder', path: at.dir },
      classes: classes.toJSON(),
      keypointNames: found.keypointNames,
      mediaKinds: ['image'],
      itemCount: found.images,
    },
    items: (signal) => items(signal),
  };
}
