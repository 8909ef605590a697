import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rleCountsFromString, rleToPixelIndices } from '@synx/geometry';
import { encodeJpeg, encodePng } from '@synx/image-header';
import { SynxError } from '@synx/model';
import { SynapseFolderWriter, splitStem } from '@synx/synapse-folder';
import { XMLParser } from 'fast-xml-parser';

/*
 * Builders that turn real third-party datasets (COCO JSON, Pascal VOC XML) into Synapse raw
 * export folders with DM v1 exactly as Synapse's annotation tool stores it: boxes as
 * `bounding_box` with `coordinate {x, y, width, height}`, polygons as `polygon` vertex lists,
 * crowd masks as `segmentation` `pixel_indices`, one `annotationGroup` per multi-part object,
 * and class codes from a generated `project.json`.
 */

/** How media reach `origin_files/`. */
export type FixtureMedia =
  /** Copy the real file from `imagesDir` (falls back to a placeholder when it is missing). */
  | 'copy'
  /** A generated image with the real width and height (JPEG for .jpg names, PNG otherwise). */
  | 'placeholder'
  /** No media files. */
  | 'none';

/** What a builder wrote. */
export interface FixtureSummary {
  readonly items: number;
  readonly annotations: number;
  readonly copied: number;
  readonly placeholders: number;
}

/** A generated image of the given size whose format follows the file extension. */
export function placeholderImage(name: string, width: number, height: number): Buffer {
  const ext = splitStem(name).ext.toLowerCase();
  const shade = (x: number, y: number): number => 64 + (((x >> 5) + (y >> 5)) % 2) * 96;
  return ext === '.png'
    ? encodePng({ width, height, channels: 3, shade })
    : encodeJpeg({ width, height, shade });
}

interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}
interface CocoCategory {
  id: number;
  name: string;
  supercategory?: string;
  keypoints?: string[];
}
interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  iscrowd?: number;
  segmentation?: number[][] | { counts: number[] | string; size: [number, number] };
  keypoints?: number[];
}
interface CocoFile {
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
}

function schemaEntry(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `class-${name}`,
    code: name,
    name,
    value: '#7F7F7F',
    is_default: false,
    customFields: {},
    attributes: [],
    ...extra,
  };
}

/** Options of {@link writeFolderFromCoco}. */
export interface CocoFixtureOptions {
  /** Path of a COCO instances JSON, or the parsed object. */
  readonly coco: string | CocoFile;
  readonly outDir: string;
  /** Where the real images are (`<imagesDir>/<file_name>`). */
  readonly imagesDir?: string;
  readonly media?: FixtureMedia;
  readonly projectId?: number;
  readonly title?: string;
}

/**
 * Writes a Synapse raw export folder from a COCO instances file. Each COCO object becomes a
 * `bounding_box` (its `bbox` exactly), a `polygon` per polygon part, or a `segmentation` mask
 * (crowd RLE, decoded to row-major `pixel_indices`), and — when it has more than one part — an
 * `annotationGroup` holding them. The project configuration lists the categories in COCO id
 * order (with their COCO id in `customFields.coco_category_id`).
 */
export async function writeFolderFromCoco(options: CocoFixtureOptions): Promise<FixtureSummary> {
  const coco: CocoFile =
    typeof options.coco === 'string'
      ? (JSON.parse(await readFile(options.coco, 'utf8')) as CocoFile)
      : options.coco;
  const categories = [...coco.categories].sort((a, b) => a.id - b.id);
  const catById = new Map(categories.map((c) => [c.id, c]));
  const keypointNames = [...new Set(categories.flatMap((c) => c.keypoints ?? []))];
  const schema = categories.map((c) =>
    schemaEntry(c.name, {
      customFields: { coco_category_id: c.id, supercategory: c.supercategory ?? c.name },
    }),
  );
  const writer = new SynapseFolderWriter(options.outDir);
  await writer.writeProject({
    id: options.projectId ?? 1,
    title: options.title ?? 'COCO fixture',
    category: 'image',
    configuration: {
      schema_type: 'dm_schema',
      classification: {
        bounding_box: { classification_schema: schema },
        polygon: { classification_schema: schema },
        segmentation: { classification_schema: schema },
        annotationGroup: { classification_schema: schema },
        ...(keypointNames.length > 0
          ? { keypoint: { classification_schema: keypointNames.map((n) => schemaEntry(n)) } }
          : {}),
      },
    },
  });

  const byImage = new Map<number, CocoAnnotation[]>();
  for (const a of coco.annotations) {
    const list = byImage.get(a.image_id) ?? [];
    list.push(a);
    byImage.set(a.image_id, list);
  }
  let annotations = 0;
  let copied = 0;
  let placeholders = 0;
  const images = [...coco.images].sort((a, b) => a.id - b.id);
  for (const image of images) {
    const anns: Record<string, unknown>[] = [];
    const datas: Record<string, unknown>[] = [];
    for (const a of byImage.get(image.id) ?? []) {
      const cat = catById.get(a.category_id);
      if (cat === undefined) {
        throw new SynxError(
          'SYNX_INVALID_INPUT',
          `annotation ${a.id} has unknown category ${a.category_id}`,
        );
      }
      const cls = { class: cat.name };
      const members: string[] = [];
      const boxId = `B${a.id}`;
      anns.push({
        id: boxId,
        tool: 'bounding_box',
        isLocked: false,
        isVisible: true,
        isValid: true,
        isDrawCompleted: true,
        classification: cls,
        label: [cat.name],
      });
      datas.push({
        id: boxId,
        coordinate: { x: a.bbox[0], y: a.bbox[1], width: a.bbox[2], height: a.bbox[3] },
      });
      members.push(boxId);
      const seg = a.segmentation;
      if (Array.isArray(seg)) {
        seg.forEach((flat, k) => {
          if (flat.length < 6) {
            return;
          }
          const polyId = `P${a.id}_${k}`;
          const coordinate: { x: number; y: number; id: string }[] = [];
          for (let i = 0; i + 1 < flat.length; i += 2) {
            coordinate.push({ x: flat[i] ?? 0, y: flat[i + 1] ?? 0, id: `${polyId}v${i / 2}` });
          }
          anns.push({
            id: polyId,
            tool: 'polygon',
            isLocked: false,
            isVisible: true,
            isValid: true,
            isDrawCompleted: true,
            classification: cls,
            label: [cat.name],
          });
          datas.push({ id: polyId, coordinate });
          members.push(polyId);
        });
      } else if (seg !== undefined) {
        const counts =
          typeof seg.counts === 'string' ? rleCountsFromString(seg.counts) : seg.counts;
        const maskId = `M${a.id}`;
        anns.push({
          id: maskId,
          tool: 'segmentation',
          isLocked: false,
          isVisible: true,
          isValid: true,
          isDrawCompleted: true,
          classification: { ...cls, iscrowd: a.iscrowd === 1 },
          label: [cat.name],
        });
        datas.push({ id: maskId, pixel_indices: rleToPixelIndices({ counts, size: seg.size }) });
        members.push(maskId);
      }
      if (a.keypoints !== undefined && cat.keypoints !== undefined) {
        for (let k = 0; k < cat.keypoints.length; k++) {
          const v = a.keypoints[k * 3 + 2] ?? 0;
          if (v === 0) {
            continue;
          }
          const kpId = `K${a.id}_${k}`;
          anns.push({
            id: kpId,
            tool: 'keypoint',
            classification: { class: cat.keypoints[k], visibility: v },
            label: [cat.keypoints[k]],
          });
          datas.push({
            id: kpId,
            coordinate: { x: a.keypoints[k * 3] ?? 0, y: a.keypoints[k * 3 + 1] ?? 0 },
          });
          members.push(kpId);
        }
      }
      if (members.length > 1) {
        const groupId = `G${a.id}`;
        anns.push({ id: groupId, tool: 'annotationGroup', classification: cls });
        datas.push({
          id: groupId,
          annotationList: members.map((m) => ({ annotationId: m, children: [] })),
        });
      }
      annotations += members.length;
    }
    const placed = await writeImageItem(
      writer,
      image.file_name,
      image.width,
      image.height,
      anns,
      datas,
      options,
    );
    copied += placed.copied;
    placeholders += placed.placeholders;
  }
  return { items: images.length, annotations, copied, placeholders };
}

/** Writes one single-image item (DM v1 `image_1`) with its media; says how the media was made. */
async function writeImageItem(
  writer: SynapseFolderWriter,
  fileName: string,
  width: number,
  height: number,
  anns: unknown[],
  datas: unknown[],
  options: { readonly imagesDir?: string | undefined; readonly media?: FixtureMedia | undefined },
): Promise<{ copied: number; placeholders: number }> {
  const media = await mediaFor(fileName, width, height, options.imagesDir, options.media ?? 'copy');
  await writer.write({
    stem: splitStem(fileName).stem,
    data: {
      extra: { image_1: {} },
      annotations: { image_1: anns },
      annotationsData: { image_1: datas },
      relations: {},
      annotationGroups: {},
      assignmentId: null,
    },
    ...(media === undefined ? {} : { media }),
  });
  return {
    copied: media?.copyFrom !== undefined ? 1 : 0,
    placeholders: media !== undefined && media.copyFrom === undefined ? 1 : 0,
  };
}

async function mediaFor(
  name: string,
  width: number,
  height: number,
  imagesDir: string | undefined,
  mode: FixtureMedia,
): Promise<{ name: string; copyFrom?: string; bytes?: Uint8Array } | undefined> {
  if (mode === 'none') {
    return undefined;
  }
  if (mode === 'copy' && imagesDir !== undefined && existsSync(join(imagesDir, name))) {
    return { name, copyFrom: join(imagesDir, name) };
  }
  return Promise.resolve({ name, bytes: placeholderImage(name, width, height) });
}

/** The 20 Pascal VOC classes in the devkit's order. */
export const VOC_CLASSES: readonly string[] = [
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
];

/** One parsed Pascal VOC object. */
export interface VocObject {
  readonly name: string;
  readonly pose?: string;
  readonly truncated?: string;
  readonly difficult?: string;
  readonly occluded?: string;
  readonly xmin: number;
  readonly ymin: number;
  readonly xmax: number;
  readonly ymax: number;
}

/** One parsed Pascal VOC annotation file. */
export interface VocFile {
  readonly filename: string;
  readonly width: number;
  readonly height: number;
  readonly depth?: number;
  readonly objects: VocObject[];
}

const vocParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'object',
});

/** Parses one Pascal VOC XML text (tolerant: missing optional tags, float coordinates). */
export function parseVocXml(text: string, what: string): VocFile {
  const doc = vocParser.parse(text) as { annotation?: Record<string, unknown> };
  const a = doc.annotation;
  if (a === undefined) {
    throw new SynxError('SYNX_INVALID_INPUT', `${what} has no <annotation> element`);
  }
  const size = (a['size'] ?? {}) as Record<string, string>;
  const objects = ((a['object'] ?? []) as Record<string, unknown>[]).map((o): VocObject => {
    const box = (o['bndbox'] ?? {}) as Record<string, string>;
    const num = (k: string): number => {
      const v = Number(box[k]);
      if (!Number.isFinite(v)) {
        throw new SynxError(
          'SYNX_INVALID_INPUT',
          `${what}: <${k}> of "${String(o['name'])}" is not a number`,
        );
      }
      return v;
    };
    const str = (k: string): string | undefined => {
      const v = o[k];
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : undefined;
    };
    const pose = str('pose');
    const truncated = str('truncated');
    const difficult = str('difficult');
    const occluded = str('occluded');
    return {
      name: String(o['name']),
      ...(pose === undefined ? {} : { pose }),
      ...(truncated === undefined ? {} : { truncated }),
      ...(difficult === undefined ? {} : { difficult }),
      ...(occluded === undefined ? {} : { occluded }),
      xmin: num('xmin'),
      ymin: num('ymin'),
      xmax: num('xmax'),
      ymax: num('ymax'),
    };
  });
  const depth = Number(size['depth']);
  return {
    filename: String(a['filename']),
    width: Number(size['width']),
    height: Number(size['height']),
    ...(Number.isFinite(depth) ? { depth } : {}),
    objects,
  };
}

/** Options of {@link writeFolderFromVoc}. */
export interface VocFixtureOptions {
  /** The `Annotations/` folder of a VOC dataset. */
  readonly annotationsDir: string;
  readonly outDir: string;
  readonly imagesDir?: string;
  readonly media?: FixtureMedia;
  readonly projectId?: number;
  readonly title?: string;
}

/**
 * Writes a Synapse raw export folder from Pascal VOC XML. Each object becomes a `bounding_box`
 * whose `pose`, `truncated`, `difficult` (and `occluded`) flags are classification attributes.
 * VOC numbers are taken as continuous pixel coordinates (`x = xmin`, `width = xmax − xmin`),
 * as CVAT reads and writes them, so the folder equals CVAT's COCO twin of the same data.
 */
export async function writeFolderFromVoc(options: VocFixtureOptions): Promise<FixtureSummary> {
  const names = (await readdir(options.annotationsDir)).filter((n) => n.endsWith('.xml')).sort();
  const files: VocFile[] = [];
  for (const n of names) {
    files.push(parseVocXml(await readFile(join(options.annotationsDir, n), 'utf8'), n));
  }
  const used = new Set(files.flatMap((f) => f.objects.map((o) => o.name)));
  const classes = [
    ...VOC_CLASSES.filter((c) => used.has(c)),
    ...[...used].filter((c) => !VOC_CLASSES.includes(c)).sort(),
  ];
  const attributes = [
    {
      name: 'pose',
      code: 'pose',
      type: 'select',
      options: ['Unspecified', 'Frontal', 'Rear', 'Left', 'Right'],
    },
    { name: 'truncated', code: 'truncated', type: 'radio', options: ['0', '1'] },
    { name: 'difficult', code: 'difficult', type: 'radio', options: ['0', '1'] },
    { name: 'occluded', code: 'occluded', type: 'radio', options: ['0', '1'] },
  ];
  const writer = new SynapseFolderWriter(options.outDir);
  await writer.writeProject({
    id: options.projectId ?? 1,
    title: options.title ?? 'VOC fixture',
    category: 'image',
    configuration: {
      schema_type: 'dm_schema',
      classification: {
        bounding_box: { classification_schema: classes.map((c) => schemaEntry(c, { attributes })) },
      },
    },
  });
  let annotations = 0;
  let copied = 0;
  let placeholders = 0;
  for (const [i, file] of files.entries()) {
    const anns: Record<string, unknown>[] = [];
    const datas: Record<string, unknown>[] = [];
    file.objects.forEach((o, k) => {
      const id = `V${String(i).padStart(4, '0')}${String(k).padStart(5, '0')}`;
      const cls: Record<string, string> = { class: o.name };
      for (const key of ['pose', 'truncated', 'difficult', 'occluded'] as const) {
        const v = o[key];
        if (v !== undefined) {
          cls[key] = v;
        }
      }
      anns.push({
        id,
        tool: 'bounding_box',
        isLocked: false,
        isVisible: true,
        isValid: true,
        isDrawCompleted: true,
        classification: cls,
        label: [o.name],
      });
      datas.push({
        id,
        coordinate: { x: o.xmin, y: o.ymin, width: o.xmax - o.xmin, height: o.ymax - o.ymin },
      });
      annotations++;
    });
    const placed = await writeImageItem(
      writer,
      file.filename,
      file.width,
      file.height,
      anns,
      datas,
      options,
    );
    copied += placed.copied;
    placeholders += placed.placeholders;
  }
  return { items: files.length, annotations, copied, placeholders };
}

/** Absolute path of a file in this package's `fixtures/real/` (COCO128 / VOC annotation twins). */
export function realFixture(...parts: string[]): string {
  return join(import.meta.dirname, '..', 'fixtures', 'real', ...parts);
}

/** `../shared/fixtures/real` beside the repository, when it exists (images live only there). */
export function sharedFixture(...parts: string[]): string | undefined {
  const root =
    process.env['SYNX_SHARED_FIXTURES'] ??
    join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'real');
  return existsSync(root) ? join(root, ...parts) : undefined;
}
