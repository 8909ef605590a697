import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pixelIndicesBbox, pointsExtent, rotatedBoxHull, type Box } from '@synx/geometry';
import {
  type Annotation,
  boxOnlyInstance,
  type ClassEntry,
  type ClassMap,
  type Instance,
  instancesOf,
  type Item,
  type Media,
  unknownClassReason,
} from '@synx/model';
import {
  TextFileWriter,
  writableMedia,
  writeError,
  writeFileAtomic,
  writeFileAtomicSync,
  type AnnotationOutcome,
  type FormatContext,
  type OutputFile,
  type WriteInput,
  type WriteResult,
} from '@synx/plugin-api';
import { outsideImage, toVocBox } from './coordinates.js';
import { vocFieldsOf } from './fields.js';
import { imageSetNames, TRAINVAL_PARTS, underRoot, vocRoot } from './layout.js';
import type { VocOptions } from './options.js';
import { MAX_XML_TEXT, VOC_ISSUE_CODES, VOC_REASONS } from './codes.js';
import { buildVocXml, type VocXmlObject } from './xml.js';

/** An outcome waiting for its image's file to be written. */
type Pending = Omit<AnnotationOutcome, 'item' | 'media'>;

/** `#rrggbb` / `#rgb` → `r,g,b` for labelmap.txt; anything else → empty. */
function labelmapColor(color: string | undefined): string {
  const hex = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(color?.trim() ?? '')?.[1];
  if (hex === undefined) {
    return '';
  }
  const full = hex.length === 3 ? hex.replace(/./g, (c) => c + c) : hex;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)).join(',');
}

/** CVAT's `labelmap.txt`: a header, then `name:r,g,b::` per class in class-map order. */
function labelmapText(classes: ClassMap, ctx: FormatContext): string {
  const lines = ['# label:color_rgb:parts:actions'];
  for (const e of classes.entries) {
    const name = e.code.replace(/[\r\n]+/g, ' ');
    if (name.includes(':')) {
      ctx.report({
        code: VOC_ISSUE_CODES.labelmapName,
        severity: 'warning',
        message: `class "${e.code}" contains ':', which labelmap.txt uses as its separator; synx reads it back (the last three ':' separate the fields) but other tools may not`,
      });
    }
    lines.push(`${name}:${labelmapColor(e.color)}::`);
  }
  return `${lines.join('\n')}\n`;
}

/** Builds the `<object>` entries of one image and the outcome of each of its annotations. */
class ImageObjects {
  readonly objects: VocXmlObject[] = [];
  readonly outcomes: Pending[] = [];
  readonly #classes: ClassMap;
  readonly #options: VocOptions;
  readonly #width: number | undefined;
  readonly #height: number | undefined;

  constructor(classes: ClassMap, options: VocOptions, media: Media) {
    this.#classes = classes;
    this.#options = options;
    this.#width = media.width;
    this.#height = media.height;
  }

  #drop(a: Annotation, reason: string, quiet = false): void {
    this.outcomes.push({ annotation: a, outcome: 'dropped', reason, ...(quiet ? { quiet } : {}) });
  }

  /** Everything that forms no object: each is dropped with its reason. */
  rest(annotations: readonly Annotation[]): void {
    for (const a of annotations) {
      switch (a.kind) {
        case 'keypoint':
          this.#drop(a, VOC_REASONS.ungroupedKeypoint);
          break;
        case 'classification':
          this.#drop(a, VOC_REASONS.classification);
          break;
        case 'group':
          this.#drop(a, VOC_REASONS.emptyGroup);
          break;
        case 'other':
          this.#drop(a, `not interpretable (${a.reason}); kept only in raw JSON`, true);
          break;
        default:
          this.#drop(a, `VOC XML cannot hold ${a.kind} annotations`);
      }
    }
  }

  /** One instance: an object (or, for a group with several boxes, one object per box). */
  instance(inst: Instance): void {
    const cls = inst.classCode === null ? undefined : this.#classes.get(inst.classCode);
    if (cls === undefined) {
      for (const p of inst.parts) {
        if (inst.classCode === null) {
          this.#drop(p, VOC_REASONS.noClass);
        } else {
          this.#drop(p, unknownClassReason(inst.classCode), true);
        }
      }
      return;
    }
    // A second box in one group is a second object of the same class (as in COCO).
    const [first, ...extraBoxes] = inst.boxes;
    for (const extra of extraBoxes) {
      this.#object(cls, boxOnlyInstance(inst, extra));
    }
    this.#object(
      cls,
      extraBoxes.length === 0
        ? inst
        : {
            ...inst,
            boxes: first === undefined ? [] : [first],
            parts: inst.parts.filter((p) => !extraBoxes.some((b) => b === p)),
          },
    );
  }

  #object(cls: ClassEntry, inst: Instance): void {
    const done = new Set<Annotation>();
    const local: Pending[] = [];
    const settle = (p: Pending): void => {
      done.add(p.annotation);
      local.push(p);
    };
    const drop = (a: Annotation, reason: string): void => {
      settle({ annotation: a, outcome: 'dropped', reason });
    };
    /** The annotations the box is made from, with their outcome if the object is written. */
    const sources: { a: Annotation; reason: string | undefined }[] = [];
    let extent: Box | undefined;
    let rotation: number | undefined;
    const w = this.#width;
    const h = this.#height;

    for (const pl of inst.polylines) {
      drop(pl, VOC_REASONS.polyline);
    }
    const [box] = inst.boxes;
    const polygons = inst.polygons.filter((p) => {
      if (box === undefined && p.points.length < 3) {
        drop(p, VOC_REASONS.tinyPolygon);
        return false;
      }
      return true;
    });
    if (box !== undefined) {
      if (box.rotation !== undefined && box.rotation !== 0) {
        extent = rotatedBoxHull(box);
        rotation = box.rotation;
        sources.push({ a: box, reason: VOC_REASONS.rotated });
      } else {
        extent = { x: box.x, y: box.y, width: box.width, height: box.height };
        sources.push({ a: box, reason: undefined });
      }
      for (const p of [...polygons, ...inst.masks]) {
        drop(p, VOC_REASONS.outlineBesideBox);
      }
    } else if (polygons.length > 0) {
      extent = pointsExtent(polygons.flatMap((p) => p.points));
      for (const p of polygons) {
        sources.push({ a: p, reason: VOC_REASONS.polygon });
      }
      for (const m of inst.masks) {
        drop(m, VOC_REASONS.maskBesidePolygon);
      }
    } else if (inst.masks.length > 0) {
      if (w === undefined || h === undefined) {
        for (const m of inst.masks) {
          drop(m, VOC_REASONS.maskSizeUnknown);
        }
      } else {
        const corners: { x: number; y: number }[] = [];
        for (const m of inst.masks) {
          const [x, y, bw, bh] = pixelIndicesBbox(m.pixelIndices, w, h);
          if (bw > 0 && bh > 0) {
            corners.push({ x, y }, { x: x + bw, y: y + bh });
          }
          sources.push({ a: m, reason: VOC_REASONS.mask });
        }
        extent = pointsExtent(corners);
      }
    }
    if (extent === undefined && inst.keypoints.length > 0) {
      extent = pointsExtent(inst.keypoints);
      for (const k of inst.keypoints) {
        sources.push({ a: k, reason: VOC_REASONS.keypoints });
      }
    } else {
      for (const k of inst.keypoints) {
        drop(k, VOC_REASONS.keypointsBesideShape);
      }
    }

    const dropRest = (reason: string): void => {
      for (const p of inst.parts) {
        if (!done.has(p)) {
          drop(p, reason);
        }
      }
      this.outcomes.push(...local);
    };
    if (extent === undefined) {
      dropRest(VOC_REASONS.nothing);
      return;
    }
    if (!(extent.width > 0 && extent.height > 0)) {
      dropRest(VOC_REASONS.zeroArea);
      return;
    }
    if (w !== undefined && h !== undefined && outsideImage(extent, w, h)) {
      dropRest(VOC_REASONS.outside);
      return;
    }
    const { box: bndbox, clamped } = toVocBox(extent, w, h, this.#options.coordinates);
    if (cls.code.length > MAX_XML_TEXT) {
      dropRest(VOC_REASONS.longName);
      return;
    }
    const fields = vocFieldsOf(inst.attributes, this.#options.attr);
    // An attribute too long for one XML text node is left out (the object is still written).
    const tooLong = fields.rest.filter((a) => a.value.length > MAX_XML_TEXT);
    const attributes = fields.rest.filter(
      (a) => (rotation === undefined || a.name !== 'rotation') && a.value.length <= MAX_XML_TEXT,
    );
    if (rotation !== undefined) {
      attributes.push({ name: 'rotation', value: String(rotation) });
    }
    this.objects.push({
      name: cls.code,
      pose: fields.pose,
      truncated: fields.truncated,
      difficult: fields.difficult,
      occluded: fields.occluded,
      attributes,
      bndbox,
    });
    for (const s of sources) {
      const reasons = [
        s.reason,
        clamped ? VOC_REASONS.clamped : undefined,
        tooLong.length === 0
          ? undefined
          : `attribute ${tooLong.map((a) => a.name).join(', ')} left out: longer than XML readers accept in one text node`,
      ].filter((r) => r !== undefined);
      settle(
        reasons.length === 0
          ? { annotation: s.a, outcome: 'written' }
          : { annotation: s.a, outcome: 'converted', reason: reasons.join('; ') },
      );
    }
    // The group (and nested groups) became the object itself.
    for (const p of inst.parts) {
      if (!done.has(p) && p.kind === 'group') {
        settle({ annotation: p, outcome: 'written' });
      }
    }
    this.outcomes.push(...local);
  }
}

/** True for the error of an exclusive write onto an existing file (`SYNX_IO`, cause `EEXIST`). */
function isExists(err: unknown): boolean {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return (cause as NodeJS.ErrnoException | undefined)?.code === 'EEXIST';
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
  ctx: FormatContext,
): Promise<WriteResult> {
  const root = join(dir, vocRoot(options));
  const annotationsDir = join(root, 'Annotations');
  const setsDir = join(root, 'ImageSets', 'Main');
  for (const folder of [annotationsDir, setsDir]) {
    await mkdir(folder, { recursive: true }).catch((err: unknown) => {
      throw writeError(folder, err);
    });
  }
  const folder = `VOC${options.year}`;

  const lists = new Map<string, TextFileWriter>();
  /** Lines (image stems) written to each image-set file. */
  const listed = new Map<string, number>();
  const listFor = async (name: string): Promise<TextFileWriter> => {
    let w = lists.get(name);
    if (w === undefined) {
      w = await TextFileWriter.open(join(setsDir, `${name}.txt`));
      lists.set(name, w);
      listed.set(name, 0);
    }
    return w;
  };
  const list = async (name: string, line: string): Promise<void> => {
    await (await listFor(name)).write(line);
    listed.set(name, (listed.get(name) ?? 0) + 1);
  };
  const deriveTrainval = !(input.splits?.includes('trainval') ?? false);
  let xmlFiles = 0;
  let objects = 0;
  let notJpeg = 0;
  let notJpegExample = '';

  try {
    // Every image-set file exists, even an empty one (a trainer's config names it).
    for (const name of imageSetNames(input.splits)) {
      await listFor(name);
    }
    for await (const exportItem of input.items) {
      ctx.signal.throwIfAborted();
      const item: Item = exportItem.item;
      for (const image of exportItem.images) {
        // Annotations with unusable numbers are accounted and left out; an unusable size is unknown.
        const media = writableMedia(item, image.media, ctx);
        const account = (p: Pending): void => {
          ctx.account({ item, media, ...p });
        };
        const where = { itemId: item.id, mediaId: media.id };
        const built = new ImageObjects(input.classes, options, media);
        const { instances, rest } = instancesOf(media);
        built.rest(rest);
        for (const inst of instances) {
          built.instance(inst);
        }
        const sized = media.width !== undefined && media.height !== undefined;
        if (!sized) {
          ctx.report({
            code: VOC_ISSUE_CODES.sizeUnknown,
            severity: 'warning',
            message: `the size of ${image.fileName} is unknown: an unknown <width> or <height> is written as 0 and boxes are not clamped to it`,
            ...where,
          });
        }
        if (media.depth === undefined) {
          ctx.report({
            code: VOC_ISSUE_CODES.depthUnknown,
            severity: 'warning',
            message: `the channel count of ${image.fileName} is unknown: <depth> is written as 3`,
            ...where,
          });
        }
        const xml = buildVocXml({
          folder,
          filename: image.fileName,
          width: media.width ?? 0,
          height: media.height ?? 0,
          depth: media.depth ?? 3,
          objects: built.objects,
        });
        try {
          // Synchronous: one small file per image is faster without a promise per file.
          writeFileAtomicSync(join(annotationsDir, `${image.stem}.xml`), xml, { exclusive: true });
        } catch (err) {
          if (!isExists(err)) {
            throw err;
          }
          ctx.report({
            code: VOC_ISSUE_CODES.stemCollision,
            severity: 'error',
            message: `${image.fileName}: Annotations/${image.stem}.xml is already written for another image with the same stem; this image's annotations are dropped`,
            action: 'dropped',
            ...where,
          });
          for (const a of media.annotations) {
            account({ annotation: a, outcome: 'dropped', reason: VOC_REASONS.stemCollision });
          }
          continue;
        }
        xmlFiles++;
        objects += built.objects.length;
        for (const p of built.outcomes) {
          account(p);
        }
        if (!image.fileName.endsWith('.jpg')) {
          notJpeg++;
          notJpegExample ||= image.fileName;
        }
        const line = `${image.stem}\n`;
        const split = exportItem.split;
        if (split === undefined) {
          await list('trainval', line);
        } else {
          await list(split, line);
          if (deriveTrainval && TRAINVAL_PARTS.has(split)) {
            await list('trainval', line);
          }
        }
      }
    }
    for (const w of lists.values()) {
      await w.close();
    }
  } catch (err) {
    for (const w of lists.values()) {
      w.destroy();
    }
    throw err;
  }
  if (notJpeg > 0) {
    ctx.report({
      code: VOC_ISSUE_CODES.notJpeg,
      severity: 'warning',
      message: `${notJpeg} image(s) are not .jpg files (e.g. ${notJpegExample}): torchvision's VOCDetection and Detectron2 open JPEGImages/<stem>.jpg, so they will not find them`,
    });
  }
  await writeFileAtomic(join(root, 'labelmap.txt'), labelmapText(input.classes, ctx));
  const splits = input.splits ?? [];
  const outputs: OutputFile[] = [
    {
      path: `${underRoot(options, 'Annotations')}/`,
      files: xmlFiles,
      images: xmlFiles,
      annotations: objects,
    },
    ...[...listed.entries()].map(([name, lines]) => ({
      path: underRoot(options, `ImageSets/Main/${name}.txt`),
      images: lines,
      ...(splits.includes(name) ? { split: name } : {}),
    })),
    { path: underRoot(options, 'labelmap.txt') },
  ];
  return { files: xmlFiles + lists.size + 1, outputs };
}
