import { join } from 'node:path';
import { classMapFromDiscovered } from '@synx/model';
import {
  defineFormat,
  readFileHead,
  type DatasetLocation,
  type Format,
  type FormatDescription,
} from '@synx/plugin-api';
import { bioTags, entitiesOfTags, placeOnTokens } from './bio.js';
import { firstSplit, nerKinds, OWNED_SPLITS, TOKEN_NOTES } from './describe.js';
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
import { holdsWhitespace, tokenize } from './tokenize.js';
import { quoted } from './unicode.js';
import { splitFile, writeNer, type NerWriterSpec } from './write.js';

const TITLE = 'CoNLL BIO';
const file = (split: string | undefined): string => splitFile(split, 'conll');
const side = (split: string | undefined): string => splitFile(split, 'documents.jsonl');

/**
 * The line that starts each document. spaCy's `conll` / `ner` converter splits documents on
 * exactly this string; the Hugging Face conll2003 loader, flair and most CoNLL readers skip any
 * line starting with `-DOCSTART-`.
 */
export const DOCSTART = '-DOCSTART- -X- O O';

/** What the conll format keeps, and its layout. */
export function describeConll(): FormatDescription<NerMessageId> {
  return {
    kinds: nerKinds(
      'IOB2 tags on the tokens (a span cutting a token is widened to whole tokens, reported as converted)',
      { action: 'drop', messageId: 'noRelations' },
    ),
    splits: true,
    texts: true,
    mediaKinds: ['text'],
    notes: TOKEN_NOTES,
    layout: (splits) =>
      (splits ?? [undefined]).flatMap((s) => [
        `${file(s)} ("TOKEN TAG" per line, IOB2; a blank line after each sentence; "${DOCSTART}" before each text${s === undefined ? '' : `; split ${s}`})`,
        `${side(s)} (one line per text, in order: {"id", "meta"})`,
      ]),
    owns: OWNED_SPLITS.flatMap((s) => [`${s}.conll`, `${s}.documents.jsonl`]),
    loadHint: (dir, splits) =>
      `spaCy: python -m spacy convert ${JSON.stringify(`${dir}/${file(firstSplit(splits))}`)} <output dir> --converter ner (columns: token, IOB2 tag)`,
  };
}

/** One CoNLL document: the DOCSTART line, then the tokens and tags sentence by sentence. */
export const conllWriter: NerWriterSpec = {
  title: TITLE,
  mainFile: file,
  sideFile: side,
  encode(doc, meta, id, acc) {
    const spans = doc.spans.filter((s) => {
      if (holdsWhitespace(s.label)) {
        acc.dropped(doc.item, doc.media, s.annotation, 'labelWhitespace', {
          class: quoted(s.label),
        });
        return false;
      }
      return true;
    });
    for (const r of doc.relations) {
      acc.dropped(doc.item, doc.media, r, 'noRelations');
    }
    const tokens = tokenize(doc.text);
    const entities = placeOnTokens({ ...doc, spans }, tokens, acc);
    const tags = bioTags(tokens.length, entities);
    let out = `${DOCSTART}\n\n`;
    for (const [i, t] of tokens.entries()) {
      out += `${t.text} ${tags[i] ?? 'O'}\n`;
      // A sentence ends with its line, except inside an entity that runs on into the next line:
      // CoNLL readers take each sentence alone, so a break there would make two entities.
      const next = tokens[i + 1];
      if (next !== undefined && next.sentence !== t.sentence && !tags[i + 1]?.startsWith('I-')) {
        out += '\n';
      } else if (next === undefined) {
        out += '\n';
      }
    }
    return { main: out, side: `${JSON.stringify({ id, meta })}\n`, entities: entities.length };
  },
};

/** The documents of one CoNLL file (with the metas of its sidecar, when there is one). */
async function* conllDocs(
  dir: string,
  names: readonly string[],
  signal: AbortSignal | undefined,
): AsyncGenerator<{ doc: ReadDocument; where: string }> {
  for (const name of names) {
    const path = join(dir, name);
    const sideName = name.replace(/\.conll$/, '.documents.jsonl');
    const metas = (await rootFiles(dir, '.documents.jsonl')).includes(sideName)
      ? linesOf(join(dir, sideName), signal)[Symbol.asyncIterator]()
      : undefined;
    let sentences: string[][] = [];
    let tags: string[] = [];
    let sentence: string[] = [];
    let open = false;
    let startLine = 0;
    const finish = async (): Promise<{ doc: ReadDocument; where: string }> => {
      if (sentence.length > 0) {
        sentences.push(sentence);
      }
      let text = '';
      const starts: number[] = [];
      const ends: number[] = [];
      for (const [k, s] of sentences.entries()) {
        if (k > 0) {
          text += '\n';
        }
        for (const [j, t] of s.entries()) {
          if (j > 0) {
            text += ' ';
          }
          starts.push(text.length);
          text += t;
          ends.push(text.length);
        }
      }
      const entities = entitiesOfTags(tags).map((e) => ({
        start: starts[e.first] ?? 0,
        end: ends[e.last] ?? 0,
        label: e.label,
      }));
      let meta: ReadDocument['meta'];
      const m = await metas?.next();
      if (m !== undefined && m.done !== true) {
        try {
          meta = metaFrom((JSON.parse(m.value.line) as { meta?: unknown }).meta);
        } catch {
          meta = undefined;
        }
      }
      sentences = [];
      tags = [];
      sentence = [];
      return { doc: { meta, text, entities }, where: `${name}:${startLine}` };
    };
    for await (const { line, n } of linesOf(path, signal)) {
      const trimmed = line.trim();
      if (trimmed.startsWith('-DOCSTART-')) {
        if (open) {
          yield await finish();
        }
        open = true;
        startLine = n;
        continue;
      }
      if (trimmed === '') {
        if (sentence.length > 0) {
          sentences.push(sentence);
          sentence = [];
        }
        continue;
      }
      const cols = trimmed.split(/\s+/);
      if (cols.length < 2) {
        throw invalidLine(path, n, `${JSON.stringify(trimmed)} has no tag column`);
      }
      if (!open) {
        open = true;
        startLine = n;
      }
      sentence.push(cols[0] ?? '');
      tags.push(cols[cols.length - 1] ?? 'O');
    }
    if (open) {
      yield await finish();
    }
    await metas?.return(undefined);
  }
}

/** Confidence that `dir` holds conll output. */
export async function detectConll(at: DatasetLocation): Promise<number> {
  const names = await rootFiles(at.dir, '.conll');
  if (names.length === 0) {
    return 0;
  }
  for (const name of names) {
    const head = await readFileHead(join(at.dir, name), 16 * 1024).catch(() => '');
    const first = head.split(/\r?\n/).find((l) => l.trim() !== '');
    if (first === undefined) {
      continue;
    }
    return first.startsWith('-DOCSTART-')
      ? 90
      : /^\S+\s+(?:\S+\s+)*(?:O|[BIES]-\S+)$/.test(first.trim())
        ? 70
        : 0;
  }
  return names.every((n) => OWNED_SPLITS.some((s) => n === `${s}.conll`)) ? 50 : 0;
}

/** CoNLL BIO: one token per line with its IOB2 tag, the format of CoNLL-2003 NER readers. */
export const conllFormat: Format<Record<string, never>, NerMessageId> = defineFormat({
  apiVersion: 1,
  id: 'conll',
  title: TITLE,
  description:
    'CoNLL-style BIO: "TOKEN TAG" per line (IOB2), sentences separated by blank lines, for spacy convert and CoNLL-2003 readers',
  messages: NER_MESSAGES,
  describe: describeConll,
  write: (input, to, _options, ctx) => writeNer(input, to.dir, ctx, conllWriter),
  read: async (at, _options, ctx) => {
    const names = await rootFiles(at.dir, '.conll');
    const found = new Map<string, Set<string>>();
    for await (const { doc } of conllDocs(at.dir, names, ctx.signal)) {
      for (const e of doc.entities) {
        found.set(e.label, new Set(['named_entity']));
      }
    }
    return nerDataset(at.dir, classMapFromDiscovered(found).toJSON(), (signal) =>
      itemsOf(conllDocs(at.dir, names, signal)),
    );
  },
  detect: detectConll,
});
