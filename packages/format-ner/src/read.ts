import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  SynxError,
  type Annotation,
  type ClassMapData,
  type Dataset,
  type Item,
  type Media,
} from '@synx/model';
import { isHostFileName } from '@synx/plugin-api';
import type { DocMeta } from './write.js';

/** One document as read back: its text and entities in UTF-16 offsets of that text. */
export interface ReadDocument {
  readonly meta: Partial<DocMeta> | undefined;
  readonly text: string;
  readonly entities: readonly {
    readonly start: number;
    readonly end: number;
    readonly label: string;
  }[];
  /** Relations between entities, by index into `entities`. */
  readonly relations?: readonly {
    readonly head: number;
    readonly child: number;
    readonly label: string;
  }[];
}

/** The lines of a text file, streamed, with their 1-based numbers. */
export async function* linesOf(
  path: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<{ line: string; n: number }> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of rl) {
      signal?.throwIfAborted();
      n++;
      yield { line: n === 1 && line.startsWith('\ufeff') ? line.slice(1) : line, n };
    }
  } catch (err) {
    if ((err as Error).name === 'AbortError' || err instanceof SynxError) {
      throw err;
    }
    throw new SynxError('SYNX_INVALID_INPUT', `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    rl.close();
    stream.destroy();
  }
}

/** A parse error of one line of an output file. */
export function invalidLine(path: string, n: number, why: string): SynxError {
  return new SynxError('SYNX_INVALID_INPUT', `${path}:${n}: ${why}`);
}

/**
 * The files at the folder's root whose names end with `ext`, sorted; [] when it cannot be read.
 * synx's own files beside them (`synx-issues.jsonl`, `synx-export.json`, …) are not the
 * format's.
 */
export async function rootFiles(dir: string, ext: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile() && d.name.endsWith(ext) && !isHostFileName(d.name))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

function entityAnnotation(
  id: string,
  text: string,
  e: ReadDocument['entities'][number],
): Annotation {
  return {
    id,
    tool: 'named_entity',
    kind: 'named-entity',
    classCode: e.label,
    attributes: {},
    ranges: [{ start: e.start, end: e.end }],
    content: text.slice(e.start, e.end),
  };
}

/** The canonical text media of a document read back (its text in `extra.text`). */
function mediaOf(doc: ReadDocument, fallbackId: string): Media {
  const annotations: Annotation[] = doc.entities.map((e, i) =>
    entityAnnotation(`e${i + 1}`, doc.text, e),
  );
  for (const [i, r] of (doc.relations ?? []).entries()) {
    annotations.push({
      id: `r${i + 1}`,
      tool: 'relation',
      kind: 'relation',
      classCode: r.label,
      attributes: {},
      from: `e${r.head + 1}`,
      to: `e${r.child + 1}`,
    });
  }
  const file = doc.meta?.file;
  return {
    id: doc.meta?.media ?? fallbackId,
    kind: 'text',
    ...(typeof file === 'string' ? { file: { name: file } } : {}),
    annotations,
    extra: { text: doc.text },
  };
}

/**
 * Groups documents read back into items: consecutive documents of one item (`meta.item`) are
 * its media; a document without meta is an item of its own, `<file>:<n>`.
 */
export async function* itemsOf(
  docs: AsyncIterable<{ doc: ReadDocument; where: string }>,
): AsyncGenerator<Item> {
  let current: Item | undefined;
  for await (const { doc, where } of docs) {
    const id = typeof doc.meta?.item === 'string' ? doc.meta.item : where;
    if (current?.id === id && typeof doc.meta?.item === 'string') {
      current.media.push(mediaOf(doc, `text_${current.media.length + 1}`));
      continue;
    }
    if (current !== undefined) {
      yield current;
    }
    const du = doc.meta?.data_unit;
    // `train.jsonl#<data unit>`: the key names the file, so the split it was read from is
    // known (synx report places items by it, as for `instances_train.json#3`).
    const file = where.slice(0, Math.max(0, where.lastIndexOf(':')));
    const unit = typeof du === 'string' ? du : id;
    current = {
      id,
      sourceKind: 'folder',
      key: file === '' ? unit : `${file}#${unit}`,
      stem: id,
      media: [mediaOf(doc, 'text_1')],
      ...(typeof du === 'string' ? { dataUnit: { id: du, meta: {} } } : {}),
    };
  }
  if (current !== undefined) {
    yield current;
  }
}

/** `meta` of a line when it is an object (its string fields only). */
export function metaFrom(v: unknown): Partial<DocMeta> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return undefined;
  }
  const o = v as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of ['item', 'media', 'file', 'data_unit']) {
    if (typeof o[k] === 'string') {
      out[k] = o[k];
    }
  }
  return out;
}

/** A dataset read back from NER files. */
export function nerDataset(
  dir: string,
  classes: ClassMapData,
  items: (signal: AbortSignal | undefined) => AsyncIterable<Item>,
): Dataset {
  return {
    header: {
      source: { kind: 'synapse-folder', path: dir },
      classes,
      keypointNames: [],
      mediaKinds: ['text'],
    },
    items: (signal) => items(signal),
  };
}
