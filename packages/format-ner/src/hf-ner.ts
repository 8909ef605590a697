import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SynxError, type ClassMapData } from '@synx/model';
import {
  defineFormat,
  readFileHead,
  type DatasetLocation,
  type Format,
  type FormatDescription,
} from '@synx/plugin-api';
import { bioTags, entitiesOfTags, placeOnTokens } from './bio.js';
import { nerKinds, OWNED_SPLITS, TOKEN_NOTES } from './describe.js';
import { bioLabels, entityClasses } from './labels.js';
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
import { tokenize } from './tokenize.js';
import { splitFile, writeNer, type NerWriterSpec } from './write.js';

const TITLE = 'Hugging Face NER JSONL';
const file = (split: string | undefined): string => splitFile(split, 'jsonl');

/** The sidecar with the tag names, index = the `ner_tags` value. */
export const LABEL_NAMES = 'label_names.json';

/** What the hf-ner format keeps, and its layout. */
export function describeHfNer(): FormatDescription<NerMessageId> {
  return {
    kinds: nerKinds(
      'IOB2 tag ids in "ner_tags" (a span cutting a token is widened to whole tokens, reported as converted)',
      { action: 'drop', messageId: 'noRelations' },
    ),
    splits: true,
    texts: true,
    mediaKinds: ['text'],
    notes: TOKEN_NOTES,
    layout: (splits) => [
      ...(splits ?? [undefined]).map(
        (s) =>
          `${file(s)} (one line per text: {"id", "tokens", "ner_tags", "meta"}${s === undefined ? '' : `; split ${s}`})`,
      ),
      `${LABEL_NAMES} (the tag names: "O", then "B-X", "I-X" per entity class in class-map order)`,
    ],
    owns: [...OWNED_SPLITS.map((s) => `${s}.jsonl`), LABEL_NAMES],
    loadHint: (dir, splits) => {
      const files = (splits ?? [undefined]).map(
        (s) => `${JSON.stringify(s ?? 'train')}: ${JSON.stringify(`${dir}/${file(s)}`)}`,
      );
      return `datasets: load_dataset("json", data_files={${files.join(', ')}}).cast_column("ner_tags", Sequence(ClassLabel(names=json.load(open(${JSON.stringify(`${dir}/${LABEL_NAMES}`)})))))`;
    },
  };
}

/** The hf-ner writer; the tag ids come from the class map of the export. */
export function hfNerWriter(): NerWriterSpec {
  let ids: Map<string, number> | undefined;
  return {
    title: TITLE,
    mainFile: file,
    encode(doc, meta, id, acc) {
      for (const r of doc.relations) {
        acc.dropped(doc.item, doc.media, r, 'noRelations');
      }
      const tokens = tokenize(doc.text);
      const entities = placeOnTokens(doc, tokens, acc);
      const tags = bioTags(tokens.length, entities);
      const map = ids ?? new Map<string, number>();
      const line = JSON.stringify({
        id,
        tokens: tokens.map((t) => t.text),
        ner_tags: tags.map((t) => map.get(t) ?? 0),
        meta,
      });
      return { main: `${line}\n`, entities: entities.length };
    },
    finalFiles: (input) => [
      { path: LABEL_NAMES, text: `${JSON.stringify(bioLabels(entityClasses(input.classes)))}\n` },
    ],
    prepare(input) {
      ids = new Map(bioLabels(entityClasses(input.classes)).map((l, i) => [l, i]));
    },
  };
}

async function labelNames(dir: string): Promise<string[]> {
  const path = join(dir, LABEL_NAMES);
  let v: unknown;
  try {
    v = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new SynxError('SYNX_INVALID_INPUT', `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new SynxError('SYNX_INVALID_INPUT', `${path} is not a list of tag names`);
  }
  return v;
}

async function* hfDocs(
  dir: string,
  names: readonly string[],
  tagNames: readonly string[],
  signal: AbortSignal | undefined,
): AsyncGenerator<{ doc: ReadDocument; where: string }> {
  for (const name of names) {
    const path = join(dir, name);
    for await (const { line, n } of linesOf(path, signal)) {
      if (line.trim() === '') {
        continue;
      }
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch (err) {
        throw invalidLine(path, n, `not JSON (${(err as Error).message})`);
      }
      const tokens = o['tokens'];
      const tags = o['ner_tags'];
      if (
        !Array.isArray(tokens) ||
        !Array.isArray(tags) ||
        tokens.length !== tags.length ||
        !tokens.every((t) => typeof t === 'string')
      ) {
        throw invalidLine(path, n, '"tokens" and "ner_tags" are not two lists of one length');
      }
      const names2 = tags.map((t) => {
        const s = typeof t === 'number' ? tagNames[t] : undefined;
        if (s === undefined) {
          throw invalidLine(
            path,
            n,
            `ner_tags holds ${JSON.stringify(t)}, not an index of ${LABEL_NAMES}`,
          );
        }
        return s;
      });
      let text = '';
      const starts: number[] = [];
      const ends: number[] = [];
      for (const [i, t] of tokens.entries()) {
        if (i > 0) {
          text += ' ';
        }
        starts.push(text.length);
        text += t;
        ends.push(text.length);
      }
      const entities = entitiesOfTags(names2).map((e) => ({
        start: starts[e.first] ?? 0,
        end: ends[e.last] ?? 0,
        label: e.label,
      }));
      yield { doc: { meta: metaFrom(o['meta']), text, entities }, where: `${name}:${n}` };
    }
  }
}

/** Confidence that `dir` holds hf-ner output. */
export async function detectHfNer(at: DatasetLocation): Promise<number> {
  if ((await rootFiles(at.dir, LABEL_NAMES)).length === 0) {
    return 0;
  }
  let names: string[];
  try {
    names = await labelNames(at.dir);
  } catch {
    return 0;
  }
  if (names[0] !== 'O') {
    return 0;
  }
  for (const name of await rootFiles(at.dir, '.jsonl')) {
    const head = await readFileHead(join(at.dir, name), 64 * 1024).catch(() => '');
    const first = head.split('\n')[0] ?? '';
    if (first.trim() === '') {
      continue;
    }
    try {
      const o = JSON.parse(first) as Record<string, unknown>;
      return Array.isArray(o['tokens']) && Array.isArray(o['ner_tags']) ? 95 : 0;
    } catch {
      return 0;
    }
  }
  return 60;
}

/** The class map of a read-back: the classes of the `B-X` tags, in order. */
function classesOf(tagNames: readonly string[]): ClassMapData {
  const codes = tagNames.filter((t) => t.startsWith('B-')).map((t) => t.slice(2));
  return {
    origin: 'class-map',
    entries: codes.map((code, index) => ({ index, code, name: code, tools: ['named_entity'] })),
  };
}

/** Hugging Face token classification JSONL: tokens and IOB2 tag ids, tag names in a sidecar. */
export const hfNerFormat: Format<Record<string, never>, NerMessageId> = defineFormat({
  apiVersion: 1,
  id: 'hf-ner',
  title: TITLE,
  description:
    'Hugging Face token classification JSONL: {"id", "tokens", "ner_tags"} per text with label_names.json, for datasets.load_dataset("json")',
  messages: NER_MESSAGES,
  describe: describeHfNer,
  write: (input, to, _options, ctx) => writeNer(input, to.dir, ctx, hfNerWriter()),
  read: async (at) => {
    const tagNames = await labelNames(at.dir);
    const names = await rootFiles(at.dir, '.jsonl');
    return nerDataset(at.dir, classesOf(tagNames), (signal) =>
      itemsOf(hfDocs(at.dir, names, tagNames, signal)),
    );
  },
  detect: detectHfNer,
});
