import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectImageFolder, readImageFolder } from '@synx/format-imagefolder';
import { readImageHeaderFromFileSync } from '@synx/image-header';
import { classMapFromList, SynxError, type Annotation, type Dataset, type Item } from '@synx/model';
import type { DatasetLocation, FormatContext } from '@synx/plugin-api';
import { parse } from 'yaml';
import type { YoloLabelTask, YoloOptions } from './options.js';

interface DataYaml {
  names?: Record<string, string> | string[];
  train?: string;
  val?: string;
  test?: string;
  kpt_shape?: number[];
}

const IMAGE_EXT = ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff', '.gif'];

/**
 * Reads a YOLO dataset (data.yaml + labels/, sizes from the images) back into canonical items;
 * a classify tree (`<split>/<class>/<image>`, no data.yaml) is read as `@synx/format-imagefolder`
 * reads it: one classification per image.
 */
export async function readYolo(
  at: DatasetLocation,
  ctx: FormatContext,
  options?: Pick<YoloOptions, 'task'>,
): Promise<Dataset> {
  const yamlPath = join(at.dir, 'data.yaml');
  let text: string;
  try {
    text = await readFile(yamlPath, 'utf8');
  } catch {
    if (options?.task === 'classify' || (await detectImageFolder(at)) > 0) {
      return readImageFolder(at, ctx);
    }
    throw new SynxError('SYNX_INVALID_INPUT', `${at.dir} has no data.yaml`);
  }
  const doc = (parse(text) ?? {}) as DataYaml;
  const names = Array.isArray(doc.names)
    ? doc.names
    : Object.entries(doc.names ?? {})
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, v]) => v);
  const classes = classMapFromList(names.map((name, id) => ({ name, id })));
  const declared = /# synx: task=(detect|segment|pose|obb)/.exec(text)?.[1] as
    YoloLabelTask | undefined;
  const kpt = doc.kpt_shape;
  const task: YoloLabelTask | undefined = declared ?? (kpt !== undefined ? 'pose' : undefined);
  const dirs = [
    ...new Set([doc.train, doc.val, doc.test].filter((d): d is string => typeof d === 'string')),
  ];
  async function* items(): AsyncGenerator<Item> {
    for (const imagesRel of dirs) {
      const imagesDir = join(at.dir, imagesRel);
      const labelsDir = join(at.dir, imagesRel.replace(/(^|\/)images(\/|$)/, '$1labels$2'));
      if (!existsSync(labelsDir)) {
        continue;
      }
      const split = imagesRel.split('/').pop();
      for (const name of (await readdir(labelsDir)).filter((n) => n.endsWith('.txt')).sort()) {
        ctx.signal.throwIfAborted();
        const stem = name.slice(0, -4);
        const image = IMAGE_EXT.map((e) => `${stem}${e}`).find((n) =>
          existsSync(join(imagesDir, n)),
        );
        if (image === undefined) {
          ctx.report({
            code: 'SYNX_YOLO_NO_IMAGE',
            severity: 'warning',
            message: `labels/${name} has no image: coordinates cannot be scaled`,
            itemId: stem,
          });
          continue;
        }
        const { width: w, height: h } = readImageHeaderFromFileSync(join(imagesDir, image));
        const annotations: Annotation[] = [];
        const lines = (await readFile(join(labelsDir, name), 'utf8'))
          .split('\n')
          .filter((l) => l.trim() !== '');
        lines.forEach((line, li) => {
          const t = line.trim().split(/\s+/).map(Number);
          const cls = names[t[0] ?? -1] ?? String(t[0]);
          const id = `${stem}:${li}`;
          const kind = task ?? (t.length === 5 ? 'detect' : 'segment');
          const px = (i: number): number => (t[i] ?? 0) * w;
          const py = (i: number): number => (t[i] ?? 0) * h;
          if (kind === 'detect' || kind === 'pose') {
            const bw = px(3);
            const bh = py(4);
            annotations.push({
              id,
              tool: 'bounding_box',
              kind: 'bbox',
              classCode: cls,
              attributes: {},
              x: px(1) - bw / 2,
              y: py(2) - bh / 2,
              width: bw,
              height: bh,
            });
            if (kind === 'pose') {
              const members = [{ annotationId: id, children: [] }];
              const k = (t.length - 5) / 3;
              for (let i = 0; i < k; i++) {
                const v = t[5 + i * 3 + 2] ?? 0;
                if (v > 0) {
                  const kid = `${id}:k${i}`;
                  annotations.push({
                    id: kid,
                    tool: 'keypoint',
                    kind: 'keypoint',
                    classCode: String(i),
                    attributes: v === 1 ? { visibility: 1 } : {},
                    x: px(5 + i * 3),
                    y: py(6 + i * 3),
                  });
                  members.push({ annotationId: kid, children: [] });
                }
              }
              annotations.push({
                id: `${id}:g`,
                tool: 'annotationGroup',
                kind: 'group',
                classCode: cls,
                attributes: {},
                members,
              });
            }
          } else if (kind === 'obb') {
            const p = [0, 1, 2, 3].map((i) => ({ x: px(1 + i * 2), y: py(2 + i * 2) }));
            const [p0, p1, p2] = p;
            if (p0 !== undefined && p1 !== undefined && p2 !== undefined) {
              const width = Math.hypot(p1.x - p0.x, p1.y - p0.y);
              const height = Math.hypot(p2.x - p1.x, p2.y - p1.y);
              const cx = p.reduce((s, q) => s + q.x, 0) / 4;
              const cy = p.reduce((s, q) => s + q.y, 0) / 4;
              const rotation = Math.atan2(p1.y - p0.y, p1.x - p0.x);
              annotations.push({
                id,
                tool: 'bounding_box',
                kind: 'bbox',
                classCode: cls,
                attributes: {},
                x: cx - width / 2,
                y: cy - height / 2,
                width,
                height,
                ...(rotation === 0 ? {} : { rotation }),
              });
            }
          } else {
            const points = [];
            for (let i = 1; i + 1 < t.length; i += 2) {
              points.push({ x: px(i), y: py(i + 1) });
            }
            annotations.push({
              id,
              tool: 'polygon',
              kind: 'polygon',
              classCode: cls,
              attributes: {},
              points,
            });
          }
        });
        yield {
          id: `${split ?? ''}/${stem}`,
          sourceKind: 'folder',
          key: stem,
          stem,
          media: [
            {
              id: 'image_1',
              kind: 'image',
              file: { name: image, path: join(imagesDir, image) },
              width: w,
              height: h,
              annotations,
            },
          ],
        };
      }
    }
  }
  const keypointNames =
    kpt === undefined ? [] : Array.from({ length: kpt[0] ?? 0 }, (_, i) => String(i));
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

/**
 * 90 when the folder holds a data.yaml with names and a labels/ folder; 60 for a classify tree
 * (synx's `classes.txt` beside class folders: `@synx/format-imagefolder` claims it more surely);
 * else 0.
 */
export async function detectYolo(at: DatasetLocation): Promise<number> {
  let text: string;
  try {
    text = await readFile(join(at.dir, 'data.yaml'), 'utf8');
  } catch {
    return (await detectImageFolder(at)) > 0 ? 60 : 0;
  }
  return /^names:/m.test(text) && existsSync(join(at.dir, 'labels')) ? 90 : 0;
}
