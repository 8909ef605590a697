import { join } from 'node:path';
import { stringify, type Options as StringifyOptions } from 'csv-stringify/sync';
import type { Item, Media } from '@synx/model';
import {
  TextFileWriter,
  writableMedia,
  WriterKit,
  type ExportImage,
  type FormatContext,
  type OutputFile,
  type WriteInput,
  type WriteResult,
} from '@synx/plugin-api';
import { boxRow, extraBoxesOf, PRESET_TITLE, type BoxPreset } from './box-rows.js';
import { PRESET_COLUMNS, SYNX_COLUMNS } from './cells.js';
import { describeCsv } from './describe.js';
import { csvFileFor } from './files.js';
import type { CsvMessageId } from './messages.js';
import type { CsvOptions } from './options.js';
import { synxRows } from './synx-rows.js';

export { csvFileFor } from './files.js';
export { GROUP_NOT_STORED } from './messages.js';

/** Rows formatted per csv-stringify call. */
const BATCH_ROWS = 256;

/** The `kind` column of the `synx` preset: empty only in the row of an image without any other. */
const KIND_COLUMN = SYNX_COLUMNS.indexOf('kind');

/**
 * One open CSV output: a buffered file written under a `.partial` name (renamed when complete,
 * see {@link TextFileWriter}), its row batch (formatted a few hundred rows at a time: fewer
 * calls, and memory stays bounded) and its counts.
 */
class CsvOut {
  readonly out: TextFileWriter;
  readonly split: string | undefined;
  readonly #csv: StringifyOptions;
  #batch: string[][] = [];
  /** Distinct images with a row. */
  images = 0;
  /** Annotation rows (the `synx` preset's image-only rows not counted). */
  annotations = 0;

  constructor(out: TextFileWriter, split: string | undefined, csv: StringifyOptions) {
    this.out = out;
    this.split = split;
    this.#csv = csv;
  }

  async add(cells: string[]): Promise<void> {
    this.#batch.push(cells);
    if (this.#batch.length >= BATCH_ROWS) {
      await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.#batch.length > 0) {
      const text = stringify(this.#batch, this.#csv);
      this.#batch = [];
      await this.out.write(text);
    }
  }
}

/** The rows of the box presets for one image, built by the writer kit's walk. */
function boxImageRows(
  kit: WriterKit<CsvMessageId>,
  preset: BoxPreset,
  item: Item,
  media: Media,
  fileName: string,
): string[][] {
  const rows: string[][] = [];
  const extras = extraBoxesOf(media);
  // Rows of a group's extra boxes, which the kit walks before the group's first box.
  let held: string[][] = [];
  kit.walk(item, media, {
    object: (o) => {
      const row = boxRow(o, preset, media, fileName);
      if (o.box !== undefined && extras.has(o.box)) {
        if (row !== undefined) {
          held.push(row);
        }
        return;
      }
      if (row !== undefined) {
        rows.push(row);
      } else {
        // The group (and nested groups) became the object; with no box left, they are lost with it.
        for (const p of o.instance.parts) {
          if (p.kind === 'group') {
            if (held.length > 0) {
              o.keep(p);
            } else {
              o.drop(p, 'nothingToBox');
            }
          }
        }
      }
      rows.push(...held);
      held = [];
    },
  });
  return rows;
}

/**
 * Writes the CSV, streaming: rows are formatted by csv-stringify (RFC 4180 quoting) in batches of
 * at most {@link BATCH_ROWS} and handed to a buffered file writer, so memory does not grow with
 * the number of rows. The `synx` preset writes one file with a `split` column; the box presets,
 * whose layouts have no such column, write one file per split (`train_<file>`, …) when the export
 * is split. Files are written under a `.partial` name and renamed when complete.
 */
export async function writeCsv(
  input: WriteInput,
  dir: string,
  options: CsvOptions,
  ctx: FormatContext<CsvMessageId>,
): Promise<WriteResult> {
  const csv: StringifyOptions = {
    record_delimiter: options.eol === 'crlf' ? '\r\n' : '\n',
    // Quote a lone CR or LF whatever the line ending, so every CSV reader sees one record.
    quote_record_delimiter: true,
    eof: true,
  };
  const preset = options.preset;
  const header = `${options.bom ? '\uFEFF' : ''}${stringify([[...PRESET_COLUMNS[preset]]], csv)}`;
  const kit =
    preset === 'synx'
      ? undefined
      : new WriterKit<CsvMessageId>({
          description: describeCsv(options),
          classes: input.classes,
          ctx,
          data: { title: PRESET_TITLE[preset], format: 'CSV' },
        });
  const outs = new Map<string, CsvOut>();
  const open = async (split: string | undefined): Promise<CsvOut> => {
    const name = csvFileFor(options, split);
    let o = outs.get(name);
    if (o === undefined) {
      o = new CsvOut(
        await TextFileWriter.open(join(dir, name)),
        // The `synx` preset writes every split into one file (its split column says which).
        preset !== 'synx' && input.splits?.includes(split ?? '') === true ? split : undefined,
        csv,
      );
      outs.set(name, o);
      await o.out.write(header);
    }
    return o;
  };
  const rowsOf = (item: Item, split: string | undefined, image: ExportImage): string[][] =>
    kit === undefined || preset === 'synx'
      ? synxRows({ item, split, image, classes: input.classes, ctx })
      : boxImageRows(kit, preset, item, image.media, image.fileName);
  try {
    // Every declared split gets its file, even one that ends up empty (header only).
    for (const split of input.splits ?? [undefined]) {
      await open(split);
    }
    for await (const exportItem of input.items) {
      ctx.signal.throwIfAborted();
      const item = exportItem.item;
      const o = await open(input.splits === undefined ? undefined : exportItem.split);
      for (const exported of exportItem.images) {
        // Annotations with unusable numbers are accounted and left out; an unusable size is unknown.
        const media = writableMedia(item, exported.media, ctx);
        const image = media === exported.media ? exported : { ...exported, media };
        const rows = rowsOf(item, exportItem.split, image);
        for (const cells of rows) {
          if (preset !== 'synx' || cells[KIND_COLUMN] !== '') {
            o.annotations++;
          }
          await o.add(cells);
        }
        if (rows.length > 0) {
          o.images++;
        }
      }
    }
    for (const o of outs.values()) {
      await o.flush();
    }
    for (const o of outs.values()) {
      await o.out.close();
    }
  } catch (err) {
    for (const o of outs.values()) {
      o.out.destroy();
    }
    throw err;
  }
  const outputs: OutputFile[] = [...outs.entries()].map(([path, o]) => ({
    path,
    images: o.images,
    annotations: o.annotations,
    ...(o.split === undefined ? {} : { split: o.split }),
  }));
  return { files: outs.size, outputs };
}
