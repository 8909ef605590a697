import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  pixelIndicesToRle,
  pointsExtent,
  polygonArea,
  rleArea,
  rleBbox,
  rotatedBoxHull,
  type Box,
} from '@synx/geometry';
import {
  type BBoxAnnotation,
  type ClassEntry,
  keypointVisibility,
  type Item,
  type JsonValue,
  type KeypointAnnotation,
  type Media,
  SynxError,
} from '@synx/model';
import {
  TextFileWriter,
  writableMedia,
  writeFileAtomic,
  WriterKit,
  type ExportItem,
  type FormatContext,
  type ObjectScope,
  type OutputFile,
  type WriteInput,
  type WriteResult,
} from '@synx/plugin-api';
import { describeCoco } from './describe.js';
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

/** For derived values only (areas, hulls); source coordinates are written exactly. */
const round = (v: number): number => (Number.isInteger(v) ? v : Math.round(v * 1e6) / 1e6);

function flat(points: readonly { x: number; y: number }[]): number[] {
  const out: number[] = [];
  for (const p of points) {
    out.push(p.x, p.y);
  }
  return out;
}

function crowdOf(value: JsonValue | undefined): number | undefined {
  if (value === true || value === 1 || value === '1' || value === 'true') {
    return 1;
  }
  if (value === false || value === 0 || value === '0' || value === 'false') {
    return 0;
  }
  return undefined;
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
  const keypointIndex = new Map(keypointNames.map((n, i) => [n, i]));
  const withKeypoints = new Set<number>();
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
        const json = encodeObject(o, w, h);
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

  /** The common case, kept lean: one ungrouped, unrotated box. */
  function encodePlainBox(o: ObjectScope<CocoMessageId>, box: BBoxAnnotation): string | undefined {
    if (box.width <= 0 || box.height <= 0 || 'iscrowd' in box.attributes) {
      return undefined; // the general path says why (or handles the crowd flag)
    }
    let attrs = '';
    for (const _ in box.attributes) {
      attrs = `,"attributes":${JSON.stringify(box.attributes)}`;
      break;
    }
    o.keep(box);
    // Template numbers print exactly as JSON.stringify prints them.
    return `"category_id":${categoryId(o.cls)},"segmentation":[],"area":${round(box.width * box.height)},"bbox":[${box.x},${box.y},${box.width},${box.height}],"iscrowd":0${attrs}}`;
  }

  /**
   * One COCO object from the kit's object (one box at most, a known class): its JSON after
   * `"image_id":…,`, or undefined when nothing of it can be drawn.
   */
  function encodeObject(
    o: ObjectScope<CocoMessageId>,
    w: number | undefined,
    h: number | undefined,
  ): string | undefined {
    const inst = o.instance;
    const box = o.box;
    if (
      box !== undefined &&
      inst.group === undefined &&
      inst.parts.length === 1 &&
      (box.rotation === undefined || box.rotation === 0)
    ) {
      const plain = encodePlainBox(o, box);
      if (plain !== undefined) {
        return plain;
      }
    }
    let segmentation: JsonValue = [];
    let area = 0;
    let iscrowd = 0;
    const extents: Box[] = [];
    const polys = inst.polygons.filter((p) => {
      if (p.points.length < 3) {
        o.drop(p, 'fewVertices');
        return false;
      }
      return true;
    });
    for (const pl of inst.polylines) {
      o.drop(pl, 'polyline');
    }
    if (polys.length > 0) {
      segmentation = polys.map((p) => flat(p.points));
      area = polys.reduce((sum, p) => sum + polygonArea(p.points), 0);
      extents.push(...polys.map((p) => pointsExtent(p.points)));
      for (const p of polys) {
        o.keep(p);
      }
      for (const m of inst.masks) {
        o.drop(m, 'polygonsAndMask');
      }
    } else if (inst.masks.length > 0) {
      const [mask, ...more] = inst.masks;
      for (const m of more) {
        o.drop(m, 'secondMask');
      }
      if (mask !== undefined) {
        if (w === undefined || h === undefined) {
          o.drop(mask, 'maskSizeUnknown');
        } else {
          const rle = pixelIndicesToRle(mask.pixelIndices, w, h);
          segmentation = rle;
          area = rleArea(rle);
          const [x, y, bw, bh] = rleBbox(rle);
          extents.push({ x, y, width: bw, height: bh });
          iscrowd = crowdOf(mask.attributes['iscrowd'] ?? inst.attributes['iscrowd']) ?? 1;
          o.keep(mask);
        }
      }
    }
    let bbox: Box | undefined;
    const rotation = box?.rotation;
    const rotated = rotation !== undefined && rotation !== 0;
    if (box !== undefined) {
      if (rotated) {
        const hull = rotatedBoxHull(box);
        bbox = {
          x: round(hull.x),
          y: round(hull.y),
          width: round(hull.width),
          height: round(hull.height),
        };
        o.convert(box, 'rotatedHull');
      } else {
        bbox = { x: box.x, y: box.y, width: box.width, height: box.height };
        o.keep(box);
      }
    }
    let keypoints: number[] | undefined;
    let numKeypoints = 0;
    if (inst.keypoints.length > 0) {
      if (keypointNames.length === 0) {
        for (const k of inst.keypoints) {
          o.drop(k, 'noKeypointClasses');
        }
      } else {
        const kp = new Array<number>(keypointNames.length * 3).fill(0);
        const placed: KeypointAnnotation[] = [];
        for (const k of inst.keypoints) {
          const i = k.classCode === null ? undefined : keypointIndex.get(k.classCode);
          if (i === undefined) {
            o.drop(k, 'unknownKeypoint', { keypoint: k.classCode ?? '' });
            continue;
          }
          if (kp[i * 3 + 2] !== 0) {
            o.drop(k, 'duplicateKeypoint', { keypoint: k.classCode ?? '' });
            continue;
          }
          kp[i * 3] = k.x;
          kp[i * 3 + 1] = k.y;
          kp[i * 3 + 2] = keypointVisibility(k);
          numKeypoints++;
          placed.push(k);
        }
        if (numKeypoints > 0) {
          keypoints = kp;
          for (const k of placed) {
            o.keep(k);
          }
          extents.push(pointsExtent(placed));
        }
      }
    }
    if (bbox === undefined && extents.length > 0) {
      bbox = pointsExtent(
        extents.flatMap((e) => [
          { x: e.x, y: e.y },
          { x: e.x + e.width, y: e.y + e.height },
        ]),
      );
    }
    if (bbox === undefined) {
      o.dropRest('nothingToDraw');
      return undefined;
    }
    if (bbox.width <= 0 || bbox.height <= 0) {
      o.dropRest('zeroArea');
      return undefined;
    }
    if (area === 0) {
      area = bbox.width * bbox.height;
    }
    const attributes: Record<string, JsonValue> = { ...inst.attributes };
    delete attributes['iscrowd'];
    if (rotated) {
      attributes['rotation'] = rotation;
    }
    const ann: Record<string, JsonValue> = {
      category_id: categoryId(o.cls),
      segmentation,
      area: round(area),
      bbox: [bbox.x, bbox.y, bbox.width, bbox.height],
      iscrowd,
    };
    if (keypoints !== undefined) {
      ann['keypoints'] = keypoints;
      ann['num_keypoints'] = numKeypoints;
      withKeypoints.add(o.cls.index);
    }
    if (Object.keys(attributes).length > 0) {
      ann['attributes'] = attributes;
    }
    return JSON.stringify(ann).slice(1);
  }

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
        ...(withKeypoints.has(e.index) ? { keypoints: [...keypointNames], skeleton: [] } : {}),
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
