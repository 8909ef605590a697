import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rleToPixelIndices } from '@synx/geometry';
import {
  classMapFromList,
  SynxError,
  type Annotation,
  type Dataset,
  type Item,
  type JsonObject,
  type JsonValue,
} from '@synx/model';
import { readFileHead, type DatasetLocation, type FormatContext } from '@synx/plugin-api';
import { boxPolygon } from './encode.js';

interface CocoFile {
  images?: {
    id: number;
    file_name: string;
    width?: number;
    height?: number;
    attributes?: { labels?: JsonValue[] };
  }[];
  annotations?: {
    id: number;
    image_id: number;
    category_id: number;
    bbox?: number[];
    segmentation?: number[][] | { counts: number[] | string; size: [number, number] };
    iscrowd?: number;
    keypoints?: number[];
    attributes?: JsonObject;
  }[];
  categories?: { id: number; name: string; keypoints?: string[] }[];
}

/**
 * synx writes a rotated box as its axis-aligned hull plus `attributes.rotation`; the box itself
 * follows from the hull and the angle (W = w|cos| + h|sin|, H = w|sin| + h|cos|), except at 45°.
 */
function unhull(
  hull: { x: number; y: number; width: number; height: number },
  rotation: JsonValue | undefined,
): { x: number; y: number; width: number; height: number; rotation?: number } {
  if (typeof rotation !== 'number' || rotation === 0) {
    return hull;
  }
  const c = Math.abs(Math.cos(rotation));
  const s = Math.abs(Math.sin(rotation));
  const det = c * c - s * s;
  if (Math.abs(det) < 1e-9) {
    return hull;
  }
  const w = (hull.width * c - hull.height * s) / det;
  const h = (hull.height * c - hull.width * s) / det;
  const cx = hull.x + hull.width / 2;
  const cy = hull.y + hull.height / 2;
  return { x: cx - w / 2, y: cy - h / 2, width: w, height: h, rotation };
}

/** The COCO instance files of a folder: `annotations/instances_*.json`, else `*.json` at its root. */
export async function cocoFiles(dir: string): Promise<string[]> {
  const list = async (d: string): Promise<string[]> => {
    try {
      return (await readdir(d))
        .filter((n) => n.endsWith('.json'))
        .sort()
        .map((n) => join(d, n));
    } catch {
      return [];
    }
  };
  const inAnnotations = (await list(join(dir, 'annotations'))).filter((p) =>
    /instances_[^/\\]*\.json$/.test(p),
  );
  return inAnnotations.length > 0
    ? inAnnotations
    : (await list(dir)).filter(
        (p) => !p.endsWith('synx-export.json') && !p.endsWith('classes.json'),
      );
}

/** Reads COCO instances files back into canonical items (one per image). */
export async function readCoco(at: DatasetLocation, ctx: FormatContext): Promise<Dataset> {
  const files = await cocoFiles(at.dir);
  if (files.length === 0) {
    throw new SynxError('SYNX_INVALID_INPUT', `${at.dir} holds no COCO annotation file`);
  }
  const parsed: { path: string; coco: CocoFile }[] = [];
  for (const path of files) {
    parsed.push({ path, coco: JSON.parse(await readFile(path, 'utf8')) as CocoFile });
  }
  const categories = new Map<number, { id: number; name: string; keypoints?: string[] }>();
  for (const { coco } of parsed) {
    for (const c of coco.categories ?? []) {
      categories.set(c.id, c);
    }
  }
  const classes = classMapFromList(
    [...categories.values()].map((c) => ({ id: c.id, name: c.name })),
  );
  const keypointNames = [...new Set([...categories.values()].flatMap((c) => c.keypoints ?? []))];
  // eslint-disable-next-line @typescript-eslint/require-await -- the files are parsed up front, for the categories
  async function* items(): AsyncGenerator<Item> {
    for (const { path, coco } of parsed) {
      const byImage = new Map<number, NonNullable<CocoFile['annotations']>>();
      for (const a of coco.annotations ?? []) {
        const list = byImage.get(a.image_id) ?? [];
        list.push(a);
        byImage.set(a.image_id, list);
      }
      for (const image of coco.images ?? []) {
        ctx.signal.throwIfAborted();
        const anns: Annotation[] = [];
        for (const label of image.attributes?.labels ?? []) {
          const cls =
            typeof label === 'object' && label !== null && !Array.isArray(label)
              ? label['class']
              : label;
          const code =
            typeof cls === 'string' || typeof cls === 'number' ? String(cls) : JSON.stringify(cls);
          anns.push({
            id: `label-${anns.length}`,
            tool: 'classification',
            kind: 'classification',
            classCode: code,
            attributes: {},
          });
        }
        for (const a of byImage.get(image.id) ?? []) {
          const cat = categories.get(a.category_id);
          const cls = cat?.name ?? String(a.category_id);
          const attributes: JsonObject = { ...(a.attributes ?? {}) };
          const rotation = attributes['rotation'];
          delete attributes['rotation'];
          const parts: Annotation[] = [];
          if (a.bbox?.length === 4) {
            const [x = 0, y = 0, width = 0, height = 0] = a.bbox;
            const box = unhull({ x, y, width, height }, rotation);
            if (typeof rotation === 'number' && box.rotation === undefined) {
              attributes['rotation'] = rotation; // 45°: the box cannot be recovered, keep the angle
            }
            parts.push({
              id: `${a.id}`,
              tool: 'bounding_box',
              kind: 'bbox',
              classCode: cls,
              attributes,
              ...box,
            });
          }
          const seg = a.segmentation;
          const boxPart = parts[0];
          if (
            Array.isArray(seg) &&
            seg.length === 1 &&
            boxPart?.kind === 'bbox' &&
            sameNumbers(seg[0] ?? [], boxPolygon(boxPart))
          ) {
            // the box written as its own polygon (boxSegmentation: polygon): the box alone
          } else if (Array.isArray(seg)) {
            seg.forEach((flat, k) => {
              const points = [];
              for (let i = 0; i + 1 < flat.length; i += 2) {
                points.push({ x: flat[i] ?? 0, y: flat[i + 1] ?? 0 });
              }
              parts.push({
                id: `${a.id}p${k}`,
                tool: 'polygon',
                kind: 'polygon',
                classCode: cls,
                attributes: {},
                points,
              });
            });
          } else if (seg !== undefined) {
            parts.push({
              id: `${a.id}m`,
              tool: 'segmentation',
              kind: 'mask',
              classCode: cls,
              attributes: { iscrowd: a.iscrowd === 1 },
              pixelIndices: rleToPixelIndices(seg),
            });
          }
          if (a.keypoints !== undefined && cat?.keypoints !== undefined) {
            cat.keypoints.forEach((name, k) => {
              const v = a.keypoints?.[k * 3 + 2] ?? 0;
              if (v > 0) {
                parts.push({
                  id: `${a.id}k${k}`,
                  tool: 'keypoint',
                  kind: 'keypoint',
                  classCode: name,
                  attributes: { visibility: v },
                  x: a.keypoints?.[k * 3] ?? 0,
                  y: a.keypoints?.[k * 3 + 1] ?? 0,
                });
              }
            });
          }
          anns.push(...parts);
          if (parts.length > 1) {
            anns.push({
              id: `${a.id}g`,
              tool: 'annotationGroup',
              kind: 'group',
              classCode: cls,
              attributes: {},
              members: parts.map((p) => ({ annotationId: p.id, children: [] })),
            });
          }
        }
        const stem = image.file_name.replace(/\.[^./\\]*$/, '');
        yield {
          id: `${image.id}`,
          sourceKind: 'folder',
          key: `${path}#${image.id}`,
          stem,
          media: [
            {
              id: 'image_1',
              kind: 'image',
              file: { name: image.file_name },
              ...(image.width === undefined ? {} : { width: image.width }),
              ...(image.height === undefined ? {} : { height: image.height }),
              annotations: anns,
            },
          ],
        };
      }
    }
  }
  return {
    header: {
      source: { kind: 'synapse-folder', path: at.dir },
      classes: classes.toJSON(),
      keypointNames,
      mediaKinds: ['image'],
    },
    items: () => items(),
  };
}

/** 95 when the folder holds COCO instance files, 0 otherwise. */
export async function detectCoco(at: DatasetLocation): Promise<number> {
  for (const path of await cocoFiles(at.dir)) {
    try {
      const head = await readFileHead(path, 4096);
      if (/"images"\s*:/.test(head) || /"info"\s*:/.test(head)) {
        return 95;
      }
    } catch {
      // unreadable: not ours
    }
  }
  return 0;
}

/** Equal within the 1e-6 rounding of derived values. */
function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => Math.abs(v - (b[i] ?? NaN)) <= 2e-6);
}
