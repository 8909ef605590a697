import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  classMapFromProjectConfiguration,
  convertDmV1,
  IssueCollector,
  type Item,
} from '@synx/model';
import type { AnyFormat, ExportItem, WriteInput } from '@synx/plugin-api';
import { recordingContext } from '@synx/format-testkit';
import { conllFormat, hfNerFormat, NER_MESSAGES, spacyFormat } from '../src/index.js';

/** The entity and relation classes of the corpus. */
export const CLASSES = classMapFromProjectConfiguration({
  classification: {
    named_entity: {
      classification_schema: ['PER', 'ORG', 'LOC', 'MISC'].map((code) => ({ code, name: code })),
    },
    relation: { classification_schema: [{ code: 'works_for', name: 'works for' }] },
  },
}).objectClasses();

/** An entity of the corpus: DM v1 `ranges` as given, content `''` unless said. */
export interface E {
  readonly id: string;
  readonly cls?: string | undefined;
  readonly ranges: unknown;
  readonly content?: string;
}
/** A relation: from → to (DM annotationId → targetAnnotationId). */
export interface R {
  readonly id: string;
  readonly cls?: string;
  readonly from: string;
  readonly to: string;
}

/** A one-text item from DM v1 annotations, converted as the export converts them. */
export function textItem(stem: string, entities: readonly E[], relations: readonly R[] = []): Item {
  const anns = [
    ...entities.map((e) => ({
      id: e.id,
      tool: 'named_entity',
      classification: e.cls === undefined ? {} : { class: e.cls },
    })),
    ...relations.map((r) => ({
      id: r.id,
      tool: 'relation',
      classification: { class: r.cls ?? 'works_for' },
    })),
  ];
  const datas = [
    ...entities.map((e) => ({ id: e.id, ranges: e.ranges, content: e.content ?? '' })),
    ...relations.map((r) => ({ id: r.id, annotationId: r.from, targetAnnotationId: r.to })),
  ];
  const { media } = convertDmV1(
    { annotations: { text_1: anns }, annotationsData: { text_1: datas } },
    { itemId: stem, reporter: new IssueCollector(), files: { text_1: { name: `${stem}.txt` } } },
  );
  return { id: stem, sourceKind: 'folder', key: stem, stem, media };
}

/** What one format made of one text. */
export interface FormatRun {
  /** Every output file's text, by name. */
  readonly files: Record<string, string>;
  /** Per annotation id: `written`, or `<outcome> <messageId>: <reason>`. */
  readonly outcomes: Record<string, string>;
  /** Entities read back: `start..end label "content"` (UTF-16 offsets of the text read back). */
  readonly back: string[];
  /** Relations read back: `head-content -label-> child-content`. */
  readonly relationsBack: string[];
}

export const FORMATS: readonly AnyFormat[] = [spacyFormat, conllFormat, hfNerFormat];

/** Runs one format on one item with its text (undefined: synx could not read it). */
export async function runOne(
  format: AnyFormat,
  item: Item,
  text: string | undefined,
  /** False: the host hands no `texts` at all (a host that does not read them). */
  handed = true,
): Promise<FormatRun> {
  const dir = mkdtempSync(join(tmpdir(), `synx-ner-corpus-${format.id}-`));
  try {
    const { ctx, outcomes } = recordingContext({ messages: NER_MESSAGES });
    const media = item.media[0];
    const e: ExportItem = {
      item,
      split: undefined,
      images: [],
      stem: item.stem,
      ...(handed
        ? { texts: media === undefined ? [] : [{ media, text, fileName: `${item.stem}.txt` }] }
        : {}),
    };
    async function* items(): AsyncGenerator<ExportItem> {
      await Promise.resolve();
      yield e;
    }
    const input: WriteInput = {
      classes: CLASSES,
      keypointNames: [],
      items: items(),
      splits: undefined,
    };
    const result = await format.write?.(input, { dir }, {}, ctx);
    const files: Record<string, string> = {};
    for (const o of result?.outputs ?? []) {
      files[o.path] = readFileSync(join(dir, o.path), 'utf8');
    }
    const byId: Record<string, string> = {};
    for (const o of outcomes) {
      if (byId[o.annotation.id] !== undefined) {
        throw new Error(`${o.annotation.id} accounted twice`);
      }
      byId[o.annotation.id] =
        o.outcome === 'written' ? 'written' : `${o.outcome} ${o.messageId}: ${o.reason ?? ''}`;
    }
    const ds = await format.read?.({ dir }, {}, recordingContext().ctx);
    const back: string[] = [];
    const relationsBack: string[] = [];
    for await (const it of ds?.items() ?? []) {
      for (const m of it.media) {
        const ents = new Map<string, string>();
        for (const a of m.annotations) {
          if (a.kind === 'named-entity') {
            const r = a.ranges[0] as { start: number; end: number };
            const t = (m.extra as { text: string }).text;
            if (t.slice(r.start, r.end) !== a.content) {
              throw new Error(`read back: content ${a.content} is not the text at its range`);
            }
            ents.set(a.id, a.content);
            back.push(`${r.start}..${r.end} ${a.classCode ?? ''} ${JSON.stringify(a.content)}`);
          } else if (a.kind === 'relation') {
            relationsBack.push(
              `${ents.get(a.from) ?? '?'} -${a.classCode ?? ''}-> ${ents.get(a.to) ?? '?'}`,
            );
          }
        }
      }
    }
    return { files, outcomes: byId, back, relationsBack };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The three formats' runs on one item. */
export async function runAll(
  item: Item,
  text: string | undefined,
): Promise<Record<string, FormatRun>> {
  const out: Record<string, FormatRun> = {};
  for (const f of FORMATS) {
    out[f.id] = await runOne(f, item, text);
  }
  return out;
}

/** The spaCy line of a run, parsed (one text: one line). */
export function spacyLine(run: FormatRun): {
  text: string;
  entities: unknown[];
  relations: unknown[];
  meta: unknown;
} {
  return JSON.parse(run.files['data.jsonl'] ?? '') as never;
}

/** The CoNLL body of a run (one text: after the DOCSTART line and its blank line). */
export function conllBody(run: FormatRun): string {
  const text = run.files['data.conll'] ?? '';
  const head = '-DOCSTART- -X- O O\n\n';
  if (!text.startsWith(head)) {
    throw new Error(
      `data.conll does not start with the DOCSTART line: ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  return text.slice(head.length);
}

/** The hf-ner record of a run as `token/TAG` pairs (tags named from label_names.json). */
export function hfPairs(run: FormatRun): string[] {
  const names = JSON.parse(run.files['label_names.json'] ?? '[]') as string[];
  const rec = JSON.parse(run.files['data.jsonl'] ?? '') as { tokens: string[]; ner_tags: number[] };
  return rec.tokens.map((t, i) => `${t}/${names[rec.ner_tags[i] ?? -1] ?? '?'}`);
}

/** Reason texts as the formats word them: `%F` is the format's title. */
export const TITLES: Readonly<Record<string, string>> = {
  spacy: 'spaCy NER JSONL',
  conll: 'CoNLL BIO',
  'hf-ner': 'Hugging Face NER JSONL',
};
