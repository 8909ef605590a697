import { join } from 'node:path';
import type {
  ExportItem,
  FormatContext,
  OutputFile,
  WriteInput,
  WriteResult,
} from '@synx/plugin-api';
import { TextFileWriter, writeFileAtomic } from '@synx/plugin-api';
import { entityClasses } from './labels.js';
import type { NerMessageId } from './messages.js';
import { Accountant, EntityLabels, prepareMedia, type PreparedMedia } from './spans.js';

/** Where a line (or CoNLL document) came from, written with it so a user can trace it back. */
export interface DocMeta {
  /** The item id (assignment, task or GT event id; the JSON file's stem for a folder). */
  readonly item: string;
  /** The text media id (`text_1`). */
  readonly media: string;
  /** The text file's name, when known. */
  readonly file: string | null;
  /** The data unit id, as text, when known. */
  readonly data_unit: string | null;
}

/** What a format makes of one text document. */
export interface EncodedDocument {
  /** Text for the split's main file (whole lines). */
  readonly main: string;
  /** Text for the split's sidecar file, if the format has one. */
  readonly side?: string;
  /** Entities written. */
  readonly entities: number;
}

/** One NER format's writer: file names, and how a document is encoded. */
export interface NerWriterSpec {
  /** The format's title, for messages. */
  readonly title: string;
  /** The split's main file, relative to the output folder (`train.jsonl`, `data.conll`). */
  mainFile(split: string | undefined): string;
  /** The split's sidecar file, if any (`train.documents.jsonl`). */
  sideFile?(split: string | undefined): string;
  /** Encodes one document (and accounts its spans and relations). */
  encode(doc: PreparedMedia, meta: DocMeta, id: string, acc: Accountant): EncodedDocument;
  /** Called once before the first document, with the input (e.g. to number the tags). */
  prepare?(input: WriteInput): void;
  /** Whole files written after the split files (e.g. `label_names.json`). */
  finalFiles?(input: WriteInput): readonly { readonly path: string; readonly text: string }[];
}

/** The name of a split's file: `<split>.<ext>`, or `data.<ext>` without splits. */
export const splitFile = (split: string | undefined, ext: string): string =>
  `${split ?? 'data'}.${ext}`;

interface SplitFiles {
  readonly split: string | undefined;
  readonly main: TextFileWriter;
  readonly side: TextFileWriter | undefined;
  entities: number;
  documents: number;
}

/** The document's id in the output: `<item stem>/<media id>` (unique in an export). */
export const documentId = (e: ExportItem, mediaId: string): string => `${e.stem}/${mediaId}`;

function metaOf(e: ExportItem, mediaId: string, file: string | undefined): DocMeta {
  const du = e.item.dataUnit?.id;
  return {
    item: e.item.id,
    media: mediaId,
    file: file ?? null,
    data_unit: du === undefined ? null : String(du),
  };
}

/**
 * Writes an NER export: one main file per split (and a sidecar when the format has one), one
 * document per text media of each item, streamed line by line through `TextFileWriter`s
 * (`.partial` until complete). Media of other kinds are not this writer's (synx withholds
 * them); a text synx could not read drops its annotations with the kit's `noText`.
 */
export async function writeNer(
  input: WriteInput,
  dir: string,
  ctx: FormatContext<NerMessageId>,
  spec: NerWriterSpec,
): Promise<WriteResult> {
  ctx.signal.throwIfAborted();
  const labels = new EntityLabels(input.classes, entityClasses(input.classes));
  const acc = new Accountant(ctx, spec.title);
  spec.prepare?.(input);
  const files = new Map<string | undefined, SplitFiles>();
  const order: SplitFiles[] = [];
  const open = async (split: string | undefined): Promise<SplitFiles> => {
    const main = await TextFileWriter.open(join(dir, spec.mainFile(split)));
    let side: TextFileWriter | undefined;
    try {
      side =
        spec.sideFile === undefined
          ? undefined
          : await TextFileWriter.open(join(dir, spec.sideFile(split)));
    } catch (err) {
      main.destroy();
      throw err;
    }
    const f: SplitFiles = { split, main, side, entities: 0, documents: 0 };
    files.set(split, f);
    order.push(f);
    return f;
  };
  try {
    for (const split of input.splits ?? [undefined]) {
      await open(split);
    }
    for await (const e of input.items) {
      ctx.signal.throwIfAborted();
      const out = files.get(e.split) ?? (await open(e.split));
      for (const media of e.item.media) {
        if (media.kind !== 'text') {
          continue; // synx withholds media of kinds the format does not hold, and counts them
        }
        const t =
          e.texts?.find((x) => x.media === media) ?? e.texts?.find((x) => x.media.id === media.id);
        if (t?.text === undefined) {
          // `noText` when the host read the text and failed (it reported why); `notHanded` when
          // it handed no text at all (a host older than plugin-api 1.1): reported here.
          const id = t === undefined ? 'textNotHanded' : 'noText';
          for (const a of media.annotations) {
            acc.dropped(e.item, media, a, id, { media: media.id });
          }
          continue;
        }
        const doc = prepareMedia(e.item, media, t.text, labels, acc);
        const meta = metaOf(e, media.id, t.fileName ?? media.file?.name);
        const r = spec.encode(doc, meta, documentId(e, media.id), acc);
        out.main.append(r.main);
        if (r.side !== undefined) {
          out.side?.append(r.side);
        }
        out.entities += r.entities;
        out.documents++;
      }
    }
    ctx.signal.throwIfAborted();
    for (const f of order) {
      await f.main.close();
      await f.side?.close();
    }
  } catch (err) {
    for (const f of order) {
      f.main.destroy();
      f.side?.destroy();
    }
    throw err;
  }
  const outputs: OutputFile[] = [];
  for (const f of order) {
    const split = f.split === undefined ? {} : { split: f.split };
    outputs.push({ path: spec.mainFile(f.split), annotations: f.entities, ...split });
    if (spec.sideFile !== undefined) {
      outputs.push({ path: spec.sideFile(f.split), ...split });
    }
  }
  for (const extra of spec.finalFiles?.(input) ?? []) {
    await writeFileAtomic(join(dir, extra.path), extra.text);
    outputs.push({ path: extra.path });
  }
  return { files: outputs.length, outputs };
}
