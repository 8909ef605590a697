import { SynxError } from './errors.js';
import type { ClassEntry, ClassMapData, JsonValue } from './schema.js';

/** DM tools whose annotations are object instances (they get a class id in detection formats). */
export const INSTANCE_TOOLS: readonly string[] = [
  'bounding_box',
  'polygon',
  'polyline',
  'segmentation',
  'annotationGroup',
  '3d_bounding_box',
  '3d_segmentation',
  'named_entity',
];

/** DM tools whose classes name keypoints (parts of an instance), not instances. */
export const KEYPOINT_TOOLS: readonly string[] = ['keypoint'];

/**
 * An ordered, immutable class map with O(1) lookup by code (and by display name as a fallback).
 * Ids are deterministic: a class's `index` is its position, whatever the data contains.
 */
export class ClassMap {
  readonly origin: ClassMapData['origin'];
  readonly entries: readonly ClassEntry[];
  readonly #byCode = new Map<string, ClassEntry>();
  readonly #byName = new Map<string, ClassEntry>();

  constructor(data: ClassMapData) {
    this.origin = data.origin;
    this.entries = data.entries.map((e, index) => ({ ...e, index }));
    for (const e of this.entries) {
      if (this.#byCode.has(e.code)) {
        throw new SynxError('SYNX_INVALID_INPUT', `class map lists "${e.code}" twice`);
      }
      this.#byCode.set(e.code, e);
    }
    for (const e of this.entries) {
      if (!this.#byName.has(e.name) && !this.#byCode.has(e.name)) {
        this.#byName.set(e.name, e);
      }
    }
    const ids = new Set<number>();
    for (const e of this.entries) {
      if (e.id !== undefined) {
        if (ids.has(e.id)) {
          throw new SynxError('SYNX_INVALID_INPUT', `class map gives id ${e.id} to two classes`);
        }
        ids.add(e.id);
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** The entry for a class code (or, failing that, a display name). */
  get(codeOrName: string): ClassEntry | undefined {
    return this.#byCode.get(codeOrName) ?? this.#byName.get(codeOrName);
  }

  has(codeOrName: string): boolean {
    return this.get(codeOrName) !== undefined;
  }

  /** A new map holding only the entries that pass `keep`, re-indexed from 0 in the same order. */
  subset(keep: (entry: ClassEntry) => boolean): ClassMap {
    return new ClassMap({ origin: this.origin, entries: this.entries.filter(keep) });
  }

  /**
   * Classes that name object instances: every class configured for an instance tool (box,
   * polygon, polyline, segmentation, group, 3D), in configured order. A user class map (no tool
   * information) is taken whole.
   */
  objectClasses(): ClassMap {
    return this.forTools(INSTANCE_TOOLS);
  }

  /**
   * Classes configured for any of these DM tools (a format's `classTools`: `['classification']`
   * for an image-classification format), in configured order; the instance tools' classes when
   * `tools` is undefined. A user class map (no tool information) is taken whole.
   */
  forTools(tools: readonly string[] | undefined): ClassMap {
    const wanted = tools ?? INSTANCE_TOOLS;
    if (this.entries.every((e) => e.tools.length === 0)) {
      return this;
    }
    return this.subset((e) => e.tools.length === 0 || e.tools.some((t) => wanted.includes(t)));
  }

  /** Codes of keypoint classes in configured order (DM keypoint tool). */
  keypointNames(): string[] {
    return this.entries
      .filter((e) => e.tools.some((t) => KEYPOINT_TOOLS.includes(t)))
      .map((e) => e.code);
  }

  toJSON(): ClassMapData {
    return { origin: this.origin, entries: this.entries.map((e) => ({ ...e })) };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Builds the class map from a Synapse project configuration
 * (`configuration.classification.<tool>.classification_schema`), in configured order: tools in
 * key order, classes in list order. A code configured for several tools appears once, at its
 * first position, with every tool listed.
 */
export function classMapFromProjectConfiguration(
  configuration: unknown,
  /** Told of each part of the configuration that names no class (field path, why). */
  onProblem?: (field: string, message: string) => void,
): ClassMap {
  const entries: ClassEntry[] = [];
  const byCode = new Map<string, ClassEntry>();
  const classification = isRecord(configuration) ? configuration['classification'] : undefined;
  if (!isRecord(classification)) {
    return new ClassMap({ origin: 'project', entries });
  }
  for (const [tool, spec] of Object.entries(classification)) {
    const at = `configuration.classification.${tool}`;
    const schema = isRecord(spec) ? spec['classification_schema'] : undefined;
    if (!Array.isArray(schema)) {
      onProblem?.(
        isRecord(spec) ? `${at}.classification_schema` : at,
        `is ${schema === undefined ? 'missing' : Array.isArray(spec) ? 'a list' : typeof (isRecord(spec) ? schema : spec)}, not a list of classes: the ${tool} tool gets no classes from it`,
      );
      continue;
    }
    for (const [i, raw] of schema.entries()) {
      if (!isRecord(raw)) {
        onProblem?.(`${at}.classification_schema[${i}]`, 'is not a class object; ignored');
        continue;
      }
      const code =
        typeof raw['code'] === 'string' && raw['code'] !== ''
          ? raw['code']
          : typeof raw['name'] === 'string'
            ? raw['name']
            : undefined;
      if (code === undefined || code === '') {
        onProblem?.(
          `${at}.classification_schema[${i}].code`,
          'names no class (no code or name); ignored',
        );
        continue;
      }
      const existing = byCode.get(code);
      if (existing !== undefined) {
        if (!existing.tools.includes(tool)) {
          existing.tools.push(tool);
        }
        continue;
      }
      const entry: ClassEntry = {
        index: entries.length,
        code,
        name: typeof raw['name'] === 'string' && raw['name'] !== '' ? raw['name'] : code,
        tools: [tool],
      };
      if (typeof raw['value'] === 'string') {
        entry.color = raw['value'];
      }
      if (Array.isArray(raw['attributes']) && raw['attributes'].length > 0) {
        entry.attributes = raw['attributes'] as JsonValue[];
      }
      byCode.set(code, entry);
      entries.push(entry);
    }
  }
  return new ClassMap({ origin: 'project', entries });
}

/**
 * Builds a `discovered` class map from the classes found in the data, sorted by code (the
 * fallback when no project configuration is available; ids may change between exports).
 */
export function classMapFromDiscovered(found: ReadonlyMap<string, ReadonlySet<string>>): ClassMap {
  const codes = [...found.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return new ClassMap({
    origin: 'discovered',
    entries: codes.map((code, index) => ({
      index,
      code,
      name: code,
      tools: [...(found.get(code) ?? [])].sort(),
    })),
  });
}

/** One line of a user class map before it becomes a {@link ClassEntry}. */
export interface ClassMapInput {
  readonly name: string;
  readonly id?: number;
}

/**
 * Builds a `class-map` map from a user's list. With explicit ids the entries are ordered by id;
 * names must be unique, and so must ids.
 */
export function classMapFromList(list: readonly ClassMapInput[]): ClassMap {
  const withIds = list.every((e) => e.id !== undefined);
  const sorted = withIds ? [...list].sort((a, b) => (a.id ?? 0) - (b.id ?? 0)) : [...list];
  return new ClassMap({
    origin: 'class-map',
    entries: sorted.map((e, index) => ({
      index,
      code: e.name,
      name: e.name,
      tools: [],
      ...(withIds && e.id !== undefined ? { id: e.id } : {}),
    })),
  });
}

function invalid(file: string, why: string): SynxError {
  return new SynxError('SYNX_INVALID_INPUT', `class map ${file}: ${why}`, {
    hint: 'give one class name per line (.txt), a JSON list of names, a JSON object {"name": id}, or COCO-style {"categories": [{"id", "name"}]}',
  });
}

function parseIdKey(key: string, file: string): number {
  const n = Number(key);
  if (!Number.isInteger(n)) {
    throw invalid(file, `"${key}" is not an integer id`);
  }
  return n;
}

/**
 * Parses a user class-map file: `.txt`/`.names` (one name per line, ids from 0), or `.json`
 * (`["a","b"]`, `{"a": 1}`, `{"1": "a"}`, `{"names": …}`, `{"categories": [{"id","name"}]}`).
 * YAML maps (`data.yaml`) are parsed by the caller and passed to {@link classMapFromList}.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` naming the file and what is wrong.
 */
export function parseClassMapFile(text: string, fileName: string): ClassMap {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.txt') || lower.endsWith('.names')) {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') {
      lines.pop();
    }
    const names = lines.map((l) => l.trim());
    const blank = names.findIndex((n) => n === '');
    if (blank >= 0) {
      throw invalid(fileName, `line ${blank + 1} is empty`);
    }
    return classMapFromList(names.map((name) => ({ name })));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(fileName, `not valid JSON (${(err as Error).message})`);
  }
  return classMapFromJsonValue(value, fileName);
}

/** Interprets an already-parsed class map value (JSON or YAML). */
export function classMapFromJsonValue(value: unknown, fileName: string): ClassMap {
  if (isRecord(value) && ('names' in value || 'categories' in value || 'classes' in value)) {
    const inner = value['categories'] ?? value['classes'] ?? value['names'];
    return classMapFromJsonValue(inner, fileName);
  }
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) {
      return classMapFromList(value.map((name) => ({ name })));
    }
    if (value.every((v) => isRecord(v) && typeof v['name'] === 'string')) {
      return classMapFromList(
        value.map((v) => {
          const r = v as Record<string, unknown>;
          const id = r['id'];
          if (id !== undefined && (typeof id !== 'number' || !Number.isInteger(id))) {
            throw invalid(fileName, `class "${String(r['name'])}" has a non-integer id`);
          }
          return id === undefined
            ? { name: r['name'] as string }
            : { name: r['name'] as string, id };
        }),
      );
    }
    throw invalid(fileName, 'a list must hold class names or {id, name} objects');
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    const vals = Object.values(value);
    if (vals.every((v) => typeof v === 'string')) {
      return classMapFromList(
        keys.map((k) => ({ id: parseIdKey(k, fileName), name: value[k] as string })),
      );
    }
    if (vals.every((v) => typeof v === 'number' && Number.isInteger(v))) {
      return classMapFromList(keys.map((k) => ({ name: k, id: value[k] as number })));
    }
    throw invalid(fileName, 'an object must map names to integer ids or ids to names');
  }
  throw invalid(fileName, 'unrecognised layout');
}
