import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Item, Media } from '@synx/model';
import {
  TextFileWriter,
  writableMedia,
  writeError,
  writeFileAtomic,
  writeFileAtomicSync,
  WriterKit,
  type AnnotationOutcome,
  type ExportImage,
  type FormatContext,
  type OutputFile,
  type WriteInput,
  type WriteResult,
} from '@synx/plugin-api';
import { VOC_ISSUE_CODES } from './codes.js';
import { describeVoc } from './describe.js';
import { labelmapText } from './labelmap.js';
import { imageSetNames, TRAINVAL_PARTS, underRoot, vocRoot } from './layout.js';
import type { VocMessageId } from './messages.js';
import { encodeVocObject } from './object.js';
import type { VocOptions } from './options.js';
import { buildVocXml, type VocXmlObject } from './xml.js';

/**
 * A context whose outcomes wait for their image's file: they are passed on once the file is
 * written, or replaced by drops when another image already has its name.
 */
class DeferredContext implements FormatContext<VocMessageId> {
  readonly apiVersion = 1 as const;
  readonly #ctx: FormatContext<VocMessageId>;
  readonly #pending: AnnotationOutcome<VocMessageId>[] = [];

  constructor(ctx: FormatContext<VocMessageId>) {
    this.#ctx = ctx;
  }

  get signal(): AbortSignal {
    return this.#ctx.signal;
  }

  get log(): FormatContext['log'] {
    return this.#ctx.log;
  }

  report: FormatContext['report'] = (issue) => {
    this.#ctx.report(issue);
  };

  account(outcome: AnnotationOutcome<VocMessageId>): void {
    this.#pending.push(outcome);
  }

  /** Passes the waiting outcomes on. */
  flush(): void {
    for (const o of this.#pending) {
      this.#ctx.account(o);
    }
    this.#pending.length = 0;
  }

  /** Forgets the waiting outcomes. */
  discard(): void {
    this.#pending.length = 0;
  }
}

/** The image-set files (`ImageSets/Main/<name>.txt`), written line by line. */
class ImageSets {
  readonly #dir: string;
  readonly #files = new Map<string, TextFileWriter>();
  /** Lines (image stems) written to each file. */
  readonly lines = new Map<string, number>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  get size(): number {
    return this.#files.size;
  }

  async open(name: string): Promise<TextFileWriter> {
    let w = this.#files.get(name);
    if (w === undefined) {
      w = await TextFileWriter.open(join(this.#dir, `${name}.txt`));
      this.#files.set(name, w);
      this.lines.set(name, 0);
    }
    return w;
  }

  async add(name: string, line: string): Promise<void> {
    await (await this.open(name)).write(line);
    this.lines.set(name, (this.lines.get(name) ?? 0) + 1);
  }

  async close(): Promise<void> {
    for (const w of this.#files.values()) {
      await w.close();
    }
  }

  destroy(): void {
    for (const w of this.#files.values()) {
      w.destroy();
    }
  }
}

/** True for the error of an exclusive write onto an existing file (`SYNX_IO`, cause `EEXIST`). */
function isExists(err: unknown): boolean {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return (cause as NodeJS.ErrnoException | undefined)?.code === 'EEXIST';
}

/** Warnings about an image whose size or channel count is unknown. */
function reportUnknownSize(
  ctx: FormatContext<VocMessageId>,
  item: Item,
  media: Media,
  fileName: string,
): void {
  const where = { itemId: item.id, mediaId: media.id };
  if (media.width === undefined || media.height === undefined) {
    ctx.report({
      code: VOC_ISSUE_CODES.sizeUnknown,
      severity: 'warning',
      message: `the size of ${fileName} is unknown: an unknown <width> or <height> is written as 0 and boxes are not clamped to it`,
      ...where,
    });
  }
  if (media.depth === undefined) {
    ctx.report({
      code: VOC_ISSUE_CODES.depthUnknown,
      severity: 'warning',
      message: `the channel count of ${fileName} is unknown: <depth> is written as 3`,
      ...where,
    });
  }
}

/** The VOC writer's state: folders, the kit, the image sets and the counts. */
class VocWriter {
  readonly annotationsDir: string;
  readonly sets: ImageSets;
  xmlFiles = 0;
  objects = 0;
  notJpeg = 0;
  notJpegExample = '';
  readonly #options: VocOptions;
  readonly #ctx: FormatContext<VocMessageId>;
  readonly #deferred: DeferredContext;
  readonly #kit: WriterKit<VocMessageId>;
  readonly #folder: string;
  readonly #deriveTrainval: boolean;

  constructor(
    root: string,
    input: WriteInput,
    options: VocOptions,
    ctx: FormatContext<VocMessageId>,
  ) {
    this.annotationsDir = join(root, 'Annotations');
    this.sets = new ImageSets(join(root, 'ImageSets', 'Main'));
    this.#options = options;
    this.#ctx = ctx;
    this.#deferred = new DeferredContext(ctx);
    this.#kit = new WriterKit<VocMessageId>({
      description: describeVoc(options),
      classes: input.classes,
      ctx: this.#deferred,
      data: { format: 'VOC XML' },
    });
    this.#folder = `VOC${options.year}`;
    this.#deriveTrainval = !(input.splits?.includes('trainval') ?? false);
  }

  /** Writes one image's XML and lists it in its image sets. */
  async image(item: Item, split: string | undefined, image: ExportImage): Promise<void> {
    // Annotations with unusable numbers are accounted and left out; an unusable size is unknown.
    const media = writableMedia(item, image.media, this.#ctx);
    const objects: VocXmlObject[] = [];
    this.#kit.walk(item, media, {
      object: (o) => {
        const obj = encodeVocObject(o, this.#options, media.width, media.height);
        if (obj !== undefined) {
          objects.push(obj);
        }
      },
    });
    reportUnknownSize(this.#ctx, item, media, image.fileName);
    const xml = buildVocXml({
      folder: this.#folder,
      filename: image.fileName,
      width: media.width ?? 0,
      height: media.height ?? 0,
      depth: media.depth ?? 3,
      objects,
    });
    if (!this.#writeXml(item, media, image, xml)) {
      return;
    }
    this.#deferred.flush();
    this.xmlFiles++;
    this.objects += objects.length;
    if (!image.fileName.endsWith('.jpg')) {
      this.notJpeg++;
      this.notJpegExample ||= image.fileName;
    }
    const line = `${image.stem}\n`;
    if (split === undefined) {
      await this.sets.add('trainval', line);
    } else {
      await this.sets.add(split, line);
      if (this.#deriveTrainval && TRAINVAL_PARTS.has(split)) {
        await this.sets.add('trainval', line);
      }
    }
  }

  /**
   * Writes `Annotations/<stem>.xml` unless another image has written it: then this image's
   * annotations are dropped and false is returned.
   */
  #writeXml(item: Item, media: Media, image: ExportImage, xml: string): boolean {
    try {
      // Synchronous: one small file per image is faster without a promise per file.
      writeFileAtomicSync(join(this.annotationsDir, `${image.stem}.xml`), xml, {
        exclusive: true,
      });
      return true;
    } catch (err) {
      if (!isExists(err)) {
        throw err;
      }
    }
    this.#ctx.report({
      code: VOC_ISSUE_CODES.stemCollision,
      severity: 'error',
      message: `${image.fileName}: Annotations/${image.stem}.xml is already written for another image with the same stem; this image's annotations are dropped`,
      action: 'dropped',
      itemId: item.id,
      mediaId: media.id,
    });
    this.#deferred.discard();
    for (const a of media.annotations) {
      this.#ctx.account({
        item,
        media,
        annotation: a,
        outcome: 'dropped',
        messageId: 'stemCollision',
      });
    }
    return false;
  }
}

/**
 * Writes Pascal VOC: one `Annotations/<stem>.xml` per image (also for images without objects),
 * `ImageSets/Main/<split>.txt` (plus `trainval.txt`) and `labelmap.txt`, under
 * `VOCdevkit/VOC<year>/` or, with `layout=flat`, at the output root. Streams: each XML is
 * written as its image arrives and the image-set lists line by line. Every file is written
 * atomically (`.partial` + rename), so a killed run leaves no truncated file under a final name.
 * Expects the owned paths to be absent (synx removes them first): an annotation file is written
 * only when none has its name yet, which is how two images with the same stem are detected
 * without remembering every stem.
 */
export async function writeVoc(
  input: WriteInput,
  dir: string,
  options: VocOptions,
  ctx: FormatContext<VocMessageId>,
): Promise<WriteResult> {
  const root = join(dir, vocRoot(options));
  const w = new VocWriter(root, input, options, ctx);
  for (const folder of [w.annotationsDir, join(root, 'ImageSets', 'Main')]) {
    await mkdir(folder, { recursive: true }).catch((err: unknown) => {
      throw writeError(folder, err);
    });
  }
  try {
    // Every image-set file exists, even an empty one (a trainer's config names it).
    for (const name of imageSetNames(input.splits)) {
      await w.sets.open(name);
    }
    for await (const exportItem of input.items) {
      ctx.signal.throwIfAborted();
      for (const image of exportItem.images) {
        await w.image(exportItem.item, exportItem.split, image);
      }
    }
    await w.sets.close();
  } catch (err) {
    w.sets.destroy();
    throw err;
  }
  if (w.notJpeg > 0) {
    ctx.report({
      code: VOC_ISSUE_CODES.notJpeg,
      severity: 'warning',
      message: `${w.notJpeg} image(s) are not .jpg files (e.g. ${w.notJpegExample}): torchvision's VOCDetection and Detectron2 open JPEGImages/<stem>.jpg, so they will not find them`,
    });
  }
  await writeFileAtomic(join(root, 'labelmap.txt'), labelmapText(input.classes, ctx));
  const splits = input.splits ?? [];
  const outputs: OutputFile[] = [
    {
      path: `${underRoot(options, 'Annotations')}/`,
      files: w.xmlFiles,
      images: w.xmlFiles,
      annotations: w.objects,
    },
    ...[...w.sets.lines.entries()].map(([name, lines]) => ({
      path: underRoot(options, `ImageSets/Main/${name}.txt`),
      images: lines,
      ...(splits.includes(name) ? { split: name } : {}),
    })),
    { path: underRoot(options, 'labelmap.txt') },
  ];
  return { files: w.xmlFiles + w.sets.size + 1, outputs };
}
