import { join } from 'node:path';
import { classMapFromDiscovered, type Annotation } from '@synx/model';
import {
  defineFormat,
  readFileHead,
  type DatasetLocation,
  type Format,
  type FormatDescription,
} from '@synx/plugin-api';
import { firstSplit, nerKinds, OWNED_SPLITS, NER_NOTES } from './describe.js';
import { NER_MESSAGES, type NerMessageId } from './messages.js';
import {
  invalidLine,
  itemsOf,
  linesOf,
  metaFrom,
  nerDataset,
  rootFiles,
  type ReadDocument,
} from './read.js';
import { codePointSpan, relationsOf, type Span } from './spans.js';
import { OffsetMap } from './unicode.js';
import { splitFile, writeNer, type NerWriterSpec } from './write.js';

const TITLE = 'spaCy NER JSONL';
const file = (split: string | undefined): string => splitFile(split, 'jsonl');

/** What the spacy format keeps, and its layout. */
export function describeSpacy(): FormatDescription<NerMessageId> {
  return {
    kinds: nerKinds(
      'one [start, end, label] in "entities" per entity, in code points of "text" (Python str offsets)',
      {
        action: 'keep',
        note: '{"head": [start, end], "child": [start, end], "label"} in "relations" when both ends are written entities',
      },
    ),
    splits: true,
    texts: true,
    mediaKinds: ['text'],
    notes: NER_NOTES,
    layout: (splits) =>
      (splits ?? [undefined]).map(
        (s) =>
          `${file(s)} (one line per text: {"text", "entities": [[start, end, label]], "relations", "meta"}${s === undefined ? '' : `; split ${s}`})`,
      ),
    owns: OWNED_SPLITS.map((s) => `${s}.jsonl`),
    loadHint: (dir, splits) =>
      `spaCy: [Example.from_dict(nlp.make_doc(d["text"]), {"entities": d["entities"]}) for d in map(json.loads, open(${JSON.stringify(`${dir}/${file(firstSplit(splits))}`)}, encoding="utf-8"))]`,
  };
}

/** One spaCy line: the text, its entities and relations in code points, and where it came from. */
export const spacyWriter: NerWriterSpec = {
  title: TITLE,
  mainFile: file,
  encode(doc, meta, _id, acc) {
    const map = new OffsetMap(doc.text);
    const written = new Map<Annotation, Span>();
    for (const s of doc.spans) {
      acc.written(doc.item, doc.media, s.annotation);
      written.set(s.annotation, s);
    }
    const relations = relationsOf(doc, written, acc).map((r) => ({
      head: codePointSpan(map, r.head),
      child: codePointSpan(map, r.child),
      label: r.label,
    }));
    const line = JSON.stringify({
      text: doc.text,
      entities: doc.spans.map((s) => [...codePointSpan(map, s), s.label]),
      relations,
      meta,
    });
    return { main: `${line}\n`, entities: doc.spans.length };
  },
};

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Parses one spaCy line into a document (offsets to UTF-16). */
export function parseSpacyLine(line: string): ReadDocument {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw new Error(`not JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new Error('not a JSON object');
  }
  const o = v as Record<string, unknown>;
  if (typeof o['text'] !== 'string' || !Array.isArray(o['entities'])) {
    throw new Error('no "text" string and "entities" list');
  }
  const text = o['text'];
  const map = new OffsetMap(text);
  const entities = (o['entities'] as unknown[]).map((e, i) => {
    if (!Array.isArray(e) || !isInt(e[0]) || !isInt(e[1]) || typeof e[2] !== 'string') {
      throw new Error(`entities[${i}] is not [start, end, label]`);
    }
    if (e[0] < 0 || e[1] <= e[0] || e[1] > map.codePoints) {
      throw new Error(`entities[${i}] ${e[0]}..${e[1]} is not a span of the text`);
    }
    return { start: map.toUtf16(e[0]), end: map.toUtf16(e[1]), label: e[2] };
  });
  const index = new Map(entities.map((e, i) => [`${e.start}:${e.end}`, i]));
  const ref = (span: unknown, what: string): number => {
    const k =
      Array.isArray(span) && isInt(span[0]) && isInt(span[1])
        ? index.get(`${map.toUtf16(span[0])}:${map.toUtf16(span[1])}`)
        : undefined;
    if (k === undefined) {
      throw new Error(`${what} is not the span of an entity of the line`);
    }
    return k;
  };
  const relations = Array.isArray(o['relations'])
    ? (o['relations'] as unknown[]).map((r, i) => {
        const x = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
        if (typeof x['label'] !== 'string') {
          throw new Error(`relations[${i}] has no label`);
        }
        return {
          head: ref(x['head'], `relations[${i}].head`),
          child: ref(x['child'], `relations[${i}].child`),
          label: x['label'],
        };
      })
    : [];
  return { meta: metaFrom(o['meta']), text, entities, relations };
}

async function* spacyDocs(
  dir: string,
  names: readonly string[],
  signal: AbortSignal | undefined,
): AsyncGenerator<{ doc: ReadDocument; where: string }> {
  for (const name of names) {
    const path = join(dir, name);
    for await (const { line, n } of linesOf(path, signal)) {
      if (line.trim() === '') {
        continue;
      }
      const where = `${name}:${n}`;
      try {
        yield { doc: parseSpacyLine(line), where };
      } catch (err) {
        throw invalidLine(path, n, (err as Error).message);
      }
    }
  }
}

/** The spaCy files of a folder: its root `*.jsonl` (sorted). */
async function spacyFiles(dir: string): Promise<string[]> {
  return rootFiles(dir, '.jsonl');
}

/** Confidence that `dir` holds spacy output. */
export async function detectSpacy(at: DatasetLocation): Promise<number> {
  const names = await spacyFiles(at.dir);
  if (names.length === 0 || (await rootFiles(at.dir, 'label_names.json')).length > 0) {
    return 0;
  }
  for (const name of names) {
    const head = await readFileHead(join(at.dir, name), 64 * 1024).catch(() => '');
    const first = head.split('\n')[0] ?? '';
    if (first.trim() === '') {
      continue;
    }
    try {
      const o = JSON.parse(first) as Record<string, unknown>;
      return typeof o['text'] === 'string' && Array.isArray(o['entities']) && !('tokens' in o)
        ? 90
        : 0;
    } catch {
      return 0; // a line longer than the head, or not JSON
    }
  }
  // Only empty files: ours when they have our names.
  return names.every((n) => OWNED_SPLITS.some((s) => n === `${s}.jsonl`)) ? 50 : 0;
}

/** spaCy NER JSONL: one line per text with character (code point) entity offsets. */
export const spacyFormat: Format<Record<string, never>, NerMessageId> = defineFormat({
  apiVersion: 1,
  id: 'spacy',
  title: TITLE,
  description:
    'spaCy NER JSONL: {"text", "entities": [[start, end, label]], "relations"} per text, for Example.from_dict',
  messages: NER_MESSAGES,
  describe: describeSpacy,
  write: (input, to, _options, ctx) => writeNer(input, to.dir, ctx, spacyWriter),
  read: async (at, _options, ctx) => {
    const names = await spacyFiles(at.dir);
    const found = new Map<string, Set<string>>();
    for await (const { doc } of spacyDocs(at.dir, names, ctx.signal)) {
      for (const e of doc.entities) {
        found.set(e.label, new Set(['named_entity']));
      }
    }
    return nerDataset(at.dir, classMapFromDiscovered(found).toJSON(), (signal) =>
      itemsOf(spacyDocs(at.dir, names, signal)),
    );
  },
  detect: detectSpacy,
});
