import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type ClassEntry, type Item, type JsonValue, type Media, SynxError } from '@synx/model';
import {
  TextFileWriter,
  writableMedia,
  writeFileAtomic,
  WriterKit,
  type ExportItem,
  type FormatContext,
  type OutputFile,
  type WriteInput,
  type WriteResult,
} from '@synx/plugin-api';
import { describeCoco } from './describe.js';
import { CocoObjectEncoder } from './encode.js';
import type { CocoMessageId } from './messages.js';
import type { CocoOptions } from './options.js';

/**
 * The COCO annotation file of one split (or of the whole set). The file is written under a
 * `.partial` name and renamed when complete ({@link TextFileWriter}); the annotations go to a
 * hidden spool file beside it first.
 */
class SplitFile {
  readonly name: string;
  readonly out: TextFileWriter;
  readonly spool: TextFileWriter;
  images = 0;
  annotations = 0;

  private constructor(name: string, out: TextFileWriter, spool: TextFileWriter) {
    this.name = name;
    this.out = out;
    this.spool = spool;
  }

  static async open(dir: string, name: string, info: string): Promise<SplitFile> {
    const out = await TextFileWriter.open(join(dir, 'annotations', `instances_${name}.json`));
    let spool: TextFileWriter;
    try {
      spool = await TextFileWriter.open(
        join(dir, 'annotations', `.instances_${name}.annotations.spool`),
      );
    } catch (err) {
      out.destroy();
      throw err;
    }
    out.append(`{"info":${info},"licenses":[],"images":[`);
    return new SplitFile(name, out, spool);
  }

  image(json: string): void {
    if (this.images > 0) {
      this.out.append(',');
    }
    this.out.append(json);
    this.images++;
  }

  annotation(json: string): void {
    if (this.annotations > 0) {
      this.spool.append(',');
    }
    this.spool.append(json);
    this.annotations++;
  }

  /**
   * Stitches images, the spooled annotations and the categories into the file, which gets its
   * final name only when complete.
   */
  async finish(categories: string): Promise<void> {
    await this.spool.close();
    this.out.append('],"annotations":[');
    this.out.appendFile(this.spool.path);
    await this.out.write(`],"categories":${categories}}\n`);
    await this.out.close();
    await this.#removeSpool();
  }

  async destroy(): Promise<void> {
    this.out.destroy();
    this.spool.destroy();
    await this.#removeSpool();
  }

  async #removeSpool(): Promise<void> {
    await rm(this.spool.path, { force: true }).catch(() => undefined);
  }
}

/**
 * Writes COCO instances files, streaming: image entries go straight to the output file and
 * annotations to a spool file; at the end the two are stitched with the categories. Nothing is
 * held per image beyond the image being written.
 */
export async function writeCoco(
  input: WriteInput,
  dir: string,
  options: CocoOptions,
  ctx: FormatContext<CocoMessageId>,
): Promise<WriteResult> {
  const classes = input.classes;
  if (options.categoryIds === 'map' && classes.entries.some((e) => e.id === undefined)) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      'categoryIds=map needs a class map that gives every class an id',
      {
        hint: 'pass --class-map with ids (e.g. a COCO categories file), or drop --option categoryIds=map',
      },
    );
  }
  const categoryId = (e: ClassEntry): number =>
    options.categoryIds === 'map' ? (e.id ?? e.index + 1) : e.index + 1;
  const keypointNames = input.keypointNames;
  const encoder = new CocoObjectEncoder(
    categoryId,
    keypointNames,
    options.boxSegmentation === 'polygon',
  );
  const label = (e: ClassEntry): string => (options.names === 'name' ? e.name : e.code);
  const info = JSON.stringify({
    description: `${input.title ?? 'Synapse export'} (exported by synx)`,
    version: '1.0',
    contributor: 'synx',
    url: '',
  });
  const files = new Map<string, SplitFile>();
  const fileFor = async (split: string | undefined): Promise<SplitFile> => {
    const name = split ?? options.setName;
    let f = files.get(name);
    if (f === undefined) {
      f = await SplitFile.open(dir, name, info);
      files.set(name, f);
    }
    return f;
  };
  // Every split gets a file, even an empty one (its absence would break a trainer's config).
  for (const s of input.splits ?? []) {
    await fileFor(s);
  }

  const kit = new WriterKit<CocoMessageId>({
    description: describeCoco(options),
    classes,
    ctx,
    data: { format: 'COCO instances' },
  });

  const writeImage = async (
    exportItem: ExportItem,
    media: Media,
    fileName: string,
  ): Promise<void> => {
    const item: Item = exportItem.item;
    const file = await fileFor(exportItem.split);
    const imageId = file.images + 1;
    const w = media.width;
    const h = media.height;
    const labels: JsonValue[] = [];
    const objects: string[] = [];
    kit.walk(item, media, {
      rest: {
        classification: (a, s) => {
          if (a.classCode === null) {
            s.drop('classificationWithoutClass');
            return;
          }
          labels.push(
            Object.keys(a.attributes).length === 0
              ? a.classCode
              : { class: a.classCode, ...a.attributes },
          );
          s.convert('imageLabel');
        },
      },
      object: (o) => {
        const json = encoder.encode(o, w, h);
        if (json !== undefined) {
          objects.push(json);
        }
      },
    });
    const entry: Record<string, JsonValue> = { id: imageId, file_name: fileName };
    if (w !== undefined && h !== undefined) {
      entry['width'] = w;
      entry['height'] = h;
    }
    if (labels.length > 0) {
      entry['attributes'] = { labels };
    }
    file.image(JSON.stringify(entry));
    for (const json of objects) {
      file.annotation(`{"id":${file.annotations + 1},"image_id":${imageId},${json}`);
    }
  };

  try {
    for await (const exportItem of input.items) {
      ctx.signal.throwIfAborted();
      for (const image of exportItem.images) {
        // Annotations with unusable numbers are accounted and left out; an unusable size is unknown.
        await writeImage(
          exportItem,
          writableMedia(exportItem.item, image.media, ctx),
          image.fileName,
        );
      }
    }
    if (files.size === 0) {
      await fileFor(undefined);
    }
    const categories = JSON.stringify(
      classes.entries.map((e) => ({
        id: categoryId(e),
        name: label(e),
        supercategory: '',
        ...(encoder.withKeypoints.has(e.index)
          ? { keypoints: [...keypointNames], skeleton: [] }
          : {}),
      })),
    );
    for (const f of [...files.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      await f.finish(categories);
    }
  } catch (err) {
    for (const f of files.values()) {
      await f.destroy();
    }
    throw err;
  }
  await writeFileAtomic(
    join(dir, 'classes.json'),
    `${JSON.stringify(
      {
        categories: classes.entries.map((e) => ({
          id: categoryId(e),
          index: e.index,
          code: e.code,
          name: e.name,
        })),
        keypoints: [...keypointNames],
      },
      null,
      2,
    )}\n`,
  );
  const outputs: OutputFile[] = [...files.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((f) => ({
      path: `annotations/instances_${f.name}.json`,
      images: f.images,
      annotations: f.annotations,
      ...(input.splits?.includes(f.name) === true ? { split: f.name } : {}),
    }));
  outputs.push({ path: 'classes.json' });
  return { files: files.size + 1, outputs };
}
