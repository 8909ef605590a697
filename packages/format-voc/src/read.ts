import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  ClassMap,
  classMapFromDiscovered,
  SynxError,
  type Annotation,
  type ClassEntry,
  type Dataset,
  type Item,
  type JsonObject,
  type JsonValue,
  type Media,
} from '@synx/model';
import { readFileHead, type DatasetLocation, type FormatContext } from '@synx/plugin-api';
import { fromVocBox } from './coordinates.js';
import { VOC_FIELDS } from './options.js';
import type { VocOptions } from './options.js';
import { VOC_ISSUE_CODES } from './codes.js';
import { parseVocXmlText } from './xml.js';

/** One VOC annotation folder and the VOC root it belongs to. */
export interface VocSource {
  /** The folder of `*.xml` annotation files. */
  readonly annotations: string;
  /** The VOC root (holds `Annotations/`, `ImageSets/`, `labelmap.txt`). */
  readonly root: string;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function xmlFiles(dir: string): Promise<string[]> {
  return (await list(dir)).filter((n) => n.toLowerCase().endsWith('.xml'));
}

/** `<root>/Annotations` (any case), when it is a folder. */
async function annotationsIn(root: string): Promise<VocSource | undefined> {
  for (const name of await list(root)) {
    if (name.toLowerCase() === 'annotations' && (await isDir(join(root, name)))) {
      return { annotations: join(root, name), root };
    }
  }
  return undefined;
}

/**
 * The VOC annotation folders of a dataset folder: `Annotations/` at its root (flat, CVAT,
 * labelImg's `annotations/`), else `VOC<year>/Annotations` under it or under `VOCdevkit/`
 * (devkit), else the folder itself when it holds XML files.
 */
export async function vocSources(dir: string): Promise<VocSource[]> {
  const direct = await annotationsIn(dir);
  if (direct !== undefined) {
    return [direct];
  }
  const found: VocSource[] = [];
  for (const base of [join(dir, 'VOCdevkit'), dir]) {
    for (const name of await list(base)) {
      if (/^VOC\d{4}$/i.test(name)) {
        const s = await annotationsIn(join(base, name));
        if (s !== undefined) {
          found.push(s);
        }
      }
    }
    if (found.length > 0) {
      return found;
    }
  }
  return (await xmlFiles(dir)).length > 0 ? [{ annotations: dir, root: dir }] : [];
}

/** One class line of a CVAT/Datumaro `labelmap.txt`. */
interface LabelmapEntry {
  readonly name: string;
  readonly color: string | undefined;
}

/** Parses `name:r,g,b:parts:actions` lines; the last three `:` separate the fields. */
export function parseLabelmap(text: string): LabelmapEntry[] {
  const out: LabelmapEntry[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const fields = line.split(':');
    const name = fields.length >= 4 ? fields.slice(0, -3).join(':') : (fields[0] ?? '');
    const rgb = (fields.length >= 4 ? fields[fields.length - 3] : fields[1])?.split(',');
    const nums = rgb?.map((c) => Number(c.trim()));
    const color =
      nums?.length === 3 && nums.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)
        ? `#${nums.map((n) => n.toString(16).padStart(2, '0')).join('')}`
        : undefined;
    if (name !== '') {
      out.push({ name, color });
    }
  }
  return out;
}

async function readLabelmap(paths: readonly string[]): Promise<LabelmapEntry[] | undefined> {
  for (const path of paths) {
    try {
      return parseLabelmap(await readFile(join(path, 'labelmap.txt'), 'utf8'));
    } catch {
      // not there: try the next place
    }
  }
  return undefined;
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The text of a leaf element (the parser keeps tag values as strings). */
function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function objectsOf(annotation: Readonly<Record<string, unknown>>): unknown[] {
  const o = annotation['object'];
  return Array.isArray(o) ? o : [];
}

/** `<attributes>` values: JSON arrays/objects back to JSON, everything else as text. */
function attributeValue(value: string): JsonValue {
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value) as JsonValue;
    } catch {
      // not JSON after all
    }
  }
  return value;
}

/** Reads one parsed `<annotation>` into a media; reports and skips objects it cannot read. */
function mediaOf(
  annotation: Readonly<Record<string, unknown>>,
  stem: string,
  options: VocOptions,
  report: (code: string, message: string, severity?: 'warning' | 'info') => void,
): Media {
  const size = isRecord(annotation['size']) ? annotation['size'] : {};
  const positive = (v: unknown): number | undefined => {
    const n = Number(text(v));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const width = positive(size['width']);
  const height = positive(size['height']);
  const depth = positive(size['depth']);
  const annotations: Annotation[] = [];
  let parts = 0;
  for (const [k, raw] of objectsOf(annotation).entries()) {
    if (!isRecord(raw)) {
      report(VOC_ISSUE_CODES.invalidObject, `<object> ${k + 1} is empty`);
      continue;
    }
    const name = text(raw['name'])?.trim();
    const bb = isRecord(raw['bndbox']) ? raw['bndbox'] : undefined;
    const num = (key: string): number => Number(text(bb?.[key]) ?? Number.NaN);
    const coords = { xmin: num('xmin'), ymin: num('ymin'), xmax: num('xmax'), ymax: num('ymax') };
    if (name === undefined || name === '') {
      report(VOC_ISSUE_CODES.invalidObject, `<object> ${k + 1} has no <name>; skipped`);
      continue;
    }
    if (!Object.values(coords).every(Number.isFinite)) {
      report(
        VOC_ISSUE_CODES.invalidObject,
        `<object> ${k + 1} ("${name}") has no numeric <bndbox>; skipped`,
      );
      continue;
    }
    const box = fromVocBox(coords, options.coordinates);
    if (box.width < 0 || box.height < 0) {
      report(
        VOC_ISSUE_CODES.invalidObject,
        `<object> ${k + 1} ("${name}") has xmax < xmin or ymax < ymin; skipped`,
      );
      continue;
    }
    const attributes: JsonObject = {};
    for (const field of VOC_FIELDS) {
      const v = text(raw[field]);
      if (v !== undefined) {
        attributes[options.attr[field] ?? field] = v;
      }
    }
    const attrs = isRecord(raw['attributes']) ? raw['attributes']['attribute'] : undefined;
    for (const a of Array.isArray(attrs) ? attrs : []) {
      const key = isRecord(a) ? text(a['name']) : undefined;
      if (isRecord(a) && key !== undefined && key !== '') {
        attributes[key] = attributeValue(text(a['value']) ?? '');
      }
    }
    parts += Array.isArray(raw['part']) ? raw['part'].length : 0;
    annotations.push({
      id: `voc-${k + 1}`,
      tool: 'bounding_box',
      kind: 'bbox',
      classCode: name,
      attributes,
      x: box.x,
      y: box.y,
      width: box.width,
      height: box.height,
    });
  }
  if (parts > 0) {
    report(
      VOC_ISSUE_CODES.partsIgnored,
      `${parts} <part> box(es) (person layout) ignored: synx reads objects only`,
      'info',
    );
  }
  const filename = text(annotation['filename'])?.trim();
  return {
    id: 'image_1',
    kind: 'image',
    file: { name: filename === undefined || filename === '' ? `${stem}.jpg` : filename },
    ...(width === undefined ? {} : { width }),
    ...(height === undefined ? {} : { height }),
    ...(depth === undefined ? {} : { depth }),
    annotations,
  };
}

/** A source folder with its annotation files, listed once per read. */
interface ListedSource {
  readonly source: VocSource;
  readonly files: readonly string[];
}

/** Class codes used by the objects of every file (a first, light pass for the class map). */
async function classNames(listed: readonly ListedSource[]): Promise<Set<string>> {
  const names = new Set<string>();
  for (const { source: s, files } of listed) {
    for (const file of files) {
      const parsed = parseVocXmlText(await readFile(join(s.annotations, file), 'utf8'));
      if (!parsed.ok) {
        continue;
      }
      for (const o of objectsOf(parsed.annotation)) {
        const name = isRecord(o) ? text(o['name'])?.trim() : undefined;
        if (name !== undefined && name !== '') {
          names.add(name);
        }
      }
    }
  }
  return names;
}

/** The class map: `labelmap.txt` order (classes it lacks appended, sorted), else sorted names. */
function classMapOf(labelmap: readonly LabelmapEntry[] | undefined, used: Set<string>): ClassMap {
  if (labelmap === undefined) {
    return classMapFromDiscovered(
      new Map([...used].map((code) => [code, new Set(['bounding_box'])])),
    );
  }
  const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const entries: ClassEntry[] = [];
  const seen = new Set<string>();
  const add = (code: string, color: string | undefined): void => {
    if (!seen.has(code)) {
      seen.add(code);
      entries.push({
        index: entries.length,
        code,
        name: code,
        tools: [],
        ...(color === undefined ? {} : { color }),
      });
    }
  };
  for (const e of labelmap) {
    // CVAT and Datumaro list `background` first; it is no object class unless objects use it.
    if (e.name !== 'background' || used.has('background')) {
      add(e.name, e.color);
    }
  }
  for (const code of [...used].sort(byCode)) {
    add(code, undefined);
  }
  return new ClassMap({ origin: 'class-map', entries });
}

/**
 * Reads a Pascal VOC folder (devkit or flat) back into canonical items, one per annotation
 * file: each `<object>` becomes a box (with the chosen coordinate convention), its pose /
 * truncated / difficult / occluded and `<attributes>` become attributes. Tolerant: float
 * coordinates, missing optional tags and labelImg's extras are accepted; unreadable files and
 * objects are reported and skipped; `<part>` boxes are counted and ignored.
 */
export async function readVoc(
  at: DatasetLocation,
  options: VocOptions,
  ctx: FormatContext,
): Promise<Dataset> {
  const sources = await vocSources(at.dir);
  if (sources.length === 0) {
    throw new SynxError('SYNX_INVALID_INPUT', `${at.dir} holds no Pascal VOC Annotations folder`, {
      hint: 'point at a folder with Annotations/*.xml, or at the folder that holds VOCdevkit/',
    });
  }
  const labelmap = await readLabelmap([...sources.map((s) => s.root), at.dir]);
  const listed: ListedSource[] = [];
  for (const source of sources) {
    listed.push({ source, files: await xmlFiles(source.annotations) });
  }
  const classes = classMapOf(labelmap, await classNames(listed));
  const itemCount = listed.reduce((n, l) => n + l.files.length, 0);

  async function* items(signal?: AbortSignal): AsyncGenerator<Item> {
    for (const { source: s, files } of listed) {
      for (const file of files) {
        signal?.throwIfAborted();
        ctx.signal.throwIfAborted();
        const path = join(s.annotations, file);
        const stem = file.replace(/\.xml$/i, '');
        const key = relative(at.dir, path).replaceAll('\\', '/') || file;
        const parsed = parseVocXmlText(await readFile(path, 'utf8'));
        if (!parsed.ok) {
          ctx.report({
            code: VOC_ISSUE_CODES.invalidFile,
            severity: 'error',
            message: `${key} is not a VOC annotation file (${parsed.reason}); skipped`,
            itemId: stem,
            action: 'dropped',
          });
          continue;
        }
        if (parsed.problem !== undefined) {
          ctx.report({
            code: VOC_ISSUE_CODES.invalidFile,
            severity: 'warning',
            message: `${key}: ${parsed.problem}; read as far as possible`,
            itemId: stem,
          });
        }
        const media = mediaOf(parsed.annotation, stem, options, (code, message, severity) => {
          ctx.report({
            code,
            severity: severity ?? 'warning',
            message: `${key}: ${message}`,
            itemId: stem,
            mediaId: 'image_1',
            ...(severity === 'info' ? {} : { action: 'dropped' as const }),
          });
        });
        yield { id: stem, sourceKind: 'folder', key, stem, media: [media] };
      }
    }
  }

  return {
    header: {
      source: { kind: 'synapse-folder', path: at.dir },
      classes: classes.toJSON(),
      keypointNames: [],
      mediaKinds: ['image'],
      itemCount,
    },
    items: (signal) => items(signal),
  };
}

/** 90 when the folder holds VOC annotation files (`<annotation>` roots), 0 otherwise. */
export async function detectVoc(at: DatasetLocation): Promise<number> {
  for (const s of await vocSources(at.dir)) {
    for (const file of (await xmlFiles(s.annotations)).slice(0, 3)) {
      try {
        const head = await readFileHead(join(s.annotations, file), 4096);
        if (
          /^(?:\uFEFF)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<annotation[\s>]/.test(head)
        ) {
          return 90;
        }
      } catch {
        // unreadable: not ours
      }
    }
  }
  return 0;
}
