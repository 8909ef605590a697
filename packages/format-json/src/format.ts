import { join } from 'node:path';
import { ANNOTATION_KINDS, toDmV1, type Dataset, type Item, type Media } from '@synx/model';
import {
  defineFormat,
  type AnnotationFeature,
  type DatasetLocation,
  type ExportItem,
  type Format,
  type FormatContext,
  type FormatDescription,
  type KindTreatment,
  type OutputFile,
  type WriteInput,
  type WriteResult,
  writableMedia,
  writeFileAtomicSync,
} from '@synx/plugin-api';
import { folderClasses, folderItem, openSynapseFolder } from '@synx/synapse-folder';
import { JSON_MESSAGES, type JsonMessageId } from './messages.js';

const keepAll: Partial<Record<AnnotationFeature, KindTreatment<JsonMessageId>>> =
  Object.fromEntries(
    [...ANNOTATION_KINDS, 'rotated-bbox', 'ungrouped-keypoint'].map((k) => [
      k,
      { action: 'keep', note: 'written byte-for-byte as received' },
    ]),
  );

function jsonDir(split: string | undefined): string {
  return split === undefined ? 'json' : join(split, 'json');
}

function describeJson(): FormatDescription<JsonMessageId> {
  return {
    kinds: keepAll,
    splits: true,
    mediaKinds: ['*'],
    verbatim: true,
    mediaDir: (split) => (split === undefined ? 'origin_files' : join(split, 'origin_files')),
    layout: (splits) =>
      splits === undefined
        ? [
            'json/<stem>.json (one per item, DM v1 exactly as received)',
            'origin_files/ (with --save-original-files)',
          ]
        : splits.flatMap((s) => [
            `${s}/json/<stem>.json`,
            `${s}/origin_files/ (with --save-original-files)`,
          ]),
    owns: ['json', 'train/json', 'val/json', 'test/json'],
    loadHint: (dir, splits) =>
      `python: [json.load(open(p)) for p in Path(${JSON.stringify(dir)}).glob(${JSON.stringify(splits === undefined ? 'json/*.json' : '*/json/*.json')})] (Synapse DM v1, one file per item)`,
  };
}

/** Accounts every annotation of these media as written; returns how many there were. */
function accountAll(item: Item, media: readonly Media[], ctx: FormatContext): number {
  let n = 0;
  for (const m of media) {
    for (const a of m.annotations) {
      ctx.account({ item, media: m, annotation: a, outcome: 'written' });
      n++;
    }
  }
  return n;
}

/**
 * The text of an item's file. The DM v1 data exactly as received when the source kept it: every
 * annotation is then in the file as Synapse gave it. Otherwise it is rebuilt from the model, and
 * an annotation with unusable numbers (`writableMedia`) is accounted as dropped and left out, so
 * the rebuilt file never holds a NaN turned into `null` or an absurd coordinate.
 */
function itemText(item: Item, ctx: FormatContext): { text: string; annotations: number } {
  if (item.raw !== undefined) {
    return { text: item.raw, annotations: accountAll(item, item.media, ctx) };
  }
  const media = item.media.map((m) => writableMedia(item, m, ctx));
  const annotations = accountAll(item, media, ctx);
  const kept = media.every((m, i) => m === item.media[i]) ? item : { ...item, media };
  return { text: JSON.stringify(toDmV1(kept), null, 4), annotations };
}

/**
 * One file per item, each written atomically (`.partial` + rename, the folder made on first
 * use), so a killed run never leaves a truncated JSON file under its final name. Synchronous:
 * one small file per item is written faster without a promise and a thread-pool round trip.
 */
function writeOne(dir: string, e: ExportItem, ctx: FormatContext): number {
  const { text, annotations } = itemText(e.item, ctx);
  writeFileAtomicSync(join(dir, jsonDir(e.split), `${e.stem}.json`), text);
  return annotations;
}

async function writeJson(input: WriteInput, dir: string, ctx: FormatContext): Promise<WriteResult> {
  let files = 0;
  /** Item files, image media and annotations per folder (key: the split, `''` when not split). */
  const folders = new Map<string, { files: number; images: number; annotations: number }>();
  for await (const e of input.items) {
    ctx.signal.throwIfAborted();
    const annotations = writeOne(dir, e, ctx);
    files++;
    const key = e.split ?? '';
    let f = folders.get(key);
    if (f === undefined) {
      f = { files: 0, images: 0, annotations: 0 };
      folders.set(key, f);
    }
    f.files++;
    f.annotations += annotations;
    for (const m of e.item.media) {
      if (m.kind === 'image') {
        f.images++;
      }
    }
  }
  const outputs: OutputFile[] = [...folders.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([split, f]) => ({
      path: split === '' ? 'json/' : `${split}/json/`,
      files: f.files,
      images: f.images,
      annotations: f.annotations,
      ...(split === '' ? {} : { split }),
    }));
  return { files, outputs };
}

async function readJson(at: DatasetLocation, ctx: FormatContext): Promise<Dataset> {
  const folder = await openSynapseFolder(at.dir);
  const { classes } = folderClasses(folder, ctx.signal);
  async function* items(): AsyncGenerator<Item> {
    for (const entry of folder.entries) {
      ctx.signal.throwIfAborted();
      yield folderItem(entry, await folder.readJson(entry), { reporter: ctx });
    }
  }
  return {
    header: {
      source: { kind: 'synapse-folder', path: at.dir },
      classes: classes.toJSON(),
      keypointNames: classes.keypointNames(),
      mediaKinds: ['image'],
    },
    items: () => items(),
  };
}

/**
 * Raw JSON: each item's Synapse DM v1 `data` written back byte-for-byte as received, as
 * `json/<stem>.json` (the names Synapse's exporter uses; collisions get `__<item id>`), with the
 * media in `origin_files/`. Lossless by definition.
 */
export const jsonFormat: Format<Record<string, never>, JsonMessageId> = defineFormat<
  Record<string, never>
>({
  apiVersion: 1,
  id: 'json',
  title: 'Raw JSON (DM v1)',
  description: "Synapse's own annotation JSON, byte-for-byte, in the layout of Synapse's exporter",
  messages: JSON_MESSAGES,
  describe: describeJson,
  write: (input, to, _options, ctx) => writeJson(input, to.dir, ctx),
  read: (at, _options, ctx) => readJson(at, ctx),
  detect: async (at) => {
    try {
      const folder = await openSynapseFolder(at.dir);
      return folder.entries.length > 0 ? 60 : 0;
    } catch {
      return 0;
    }
  },
});
