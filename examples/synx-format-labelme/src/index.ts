import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  classMapFromDiscovered,
  type Annotation,
  type ClassMap,
  type Dataset,
  type GroupMember,
  type Item,
  type Media,
} from '@synx/model';
import {
  defineFormat,
  writableMedia,
  writeFileAtomicSync,
  type ExportItem,
  WriterKit,
  type FormatDescription,
} from '@synx/plugin-api';
import { z } from 'zod';

/**
 * LabelMe JSON (wkentaro/labelme): one `<image stem>.json` next to each image, as LabelMe's
 * `LabelFile.save` writes it (labelme/_label_file.py).
 */

/** The LabelMe version written in `version` (the file layout of LabelMe 5.x). */
export const LABELME_VERSION = '5.5.0';

/** Options, given as `--option indent=0` (values arrive as strings). */
export const LabelmeOptionsSchema = z.object({
  /** Spaces of indentation; LabelMe itself writes 2. 0 writes each file on one line. */
  indent: z.coerce.number().int().min(0).max(8).default(2),
});
export type LabelmeOptions = z.infer<typeof LabelmeOptionsSchema>;

/** The label list LabelMe's `--labels labels.txt` takes; the writer rewrites it each export. */
export const LABELS_FILE = 'labels.txt';

export type ShapeType =
  'rectangle' | 'polygon' | 'point' | 'linestrip' | 'line' | 'circle' | 'points' | 'mask';

/** One shape of a LabelMe file. */
export interface LabelmeShape {
  label: string;
  points: [number, number][];
  group_id: number | null;
  shape_type: ShapeType;
  flags: Record<string, boolean>;
  description: string;
  mask?: string | null;
}

/** A LabelMe file. */
export interface LabelmeFile {
  version: string;
  flags: Record<string, boolean>;
  shapes: LabelmeShape[];
  imagePath: string;
  imageData: string | null;
  imageHeight: number | null;
  imageWidth: number | null;
}

/**
 * Every reason this format gives for a conversion or a drop, by id: `describe()` (the plan) and
 * the writer (the report) name the same ids.
 */
export const LABELME_MESSAGES = {
  rotated:
    'LabelMe rectangles are axis-aligned: a rotated box is written as its four corners (polygon)',
  mask: 'LabelMe "mask" shapes need a PNG encoder this plugin does not have: masks are left out',
  relation: 'LabelMe has no relations between shapes',
  notImage: 'LabelMe annotates images only',
  noClass: 'it has no class',
  flag: 'written as an image flag named by the class code (the class map lists object classes only)',
} as const;
export type LabelmeMessageId = keyof typeof LABELME_MESSAGES;

function describeLabelme(): FormatDescription<LabelmeMessageId> {
  return {
    kinds: {
      bbox: { action: 'keep', note: 'rectangle: [[x1, y1], [x2, y2]]' },
      'rotated-bbox': { action: 'convert', to: 'polygon', messageId: 'rotated' },
      polygon: { action: 'keep' },
      polyline: { action: 'keep', note: 'linestrip' },
      keypoint: { action: 'keep', note: 'point, with the group_id of its object' },
      'ungrouped-keypoint': { action: 'keep', note: 'point without a group_id' },
      mask: { action: 'drop', messageId: 'mask' },
      classification: { action: 'convert', to: 'image flag', messageId: 'flag' },
      group: {
        action: 'keep',
        note: 'group_id (1, 2, … per image); a second box of a group is an object of its own',
      },
      relation: { action: 'drop', messageId: 'relation' },
      'video-segment': { action: 'drop', messageId: 'notImage' },
      'named-entity': { action: 'drop', messageId: 'notImage' },
      cuboid: { action: 'drop', messageId: 'notImage' },
      'point-segmentation': { action: 'drop', messageId: 'notImage' },
      prompt: { action: 'drop', messageId: 'notImage' },
      answer: { action: 'drop', messageId: 'notImage' },
      other: { action: 'drop', messageId: 'uninterpretable' },
    },
    splits: false,
    mediaDir: () => '.',
    layout: () => ['<image>.json (one per image, next to the image)', LABELS_FILE],
    owns: [LABELS_FILE],
    loadHint: (dir) => `labelme "${dir}" --labels "${dir}/${LABELS_FILE}"`,
  };
}

/** Numbers a person reads: derived values (rotated corners, box ends) without float noise. */
function num(v: number): number {
  return Number.isInteger(v) ? v : Math.round(v * 1e6) / 1e6 + 0;
}

function corners(a: {
  x: number;
  y: number;
  width: number;
  height: number;
  rotation?: number | undefined;
}): [number, number][] {
  const cx = a.x + a.width / 2;
  const cy = a.y + a.height / 2;
  const t = a.rotation ?? 0;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const hw = a.width / 2;
  const hh = a.height / 2;
  return [
    [-hw, -hh],
    [hw, -hh],
    [hw, hh],
    [-hw, hh],
  ].map(([dx = 0, dy = 0]) => [num(cx + dx * cos - dy * sin), num(cy + dx * sin + dy * cos)]) as [
    number,
    number,
  ][];
}

const point = (x: number, y: number): [number, number] => [x, y];

/**
 * What one image's annotations become. The kit walks them: objects without a (known) class,
 * a group's second box (an object of its own) and annotations that form no object are its
 * business; this says what each object and each lone keypoint or classification is in LabelMe.
 */
function encodeImage(
  e: ExportItem,
  media: Media,
  kit: WriterKit<LabelmeMessageId>,
  classes: ClassMap,
): { shapes: LabelmeShape[]; flags: Record<string, boolean> } {
  const shapes: LabelmeShape[] = [];
  const flags: Record<string, boolean> = {};
  const shape = (
    label: string,
    type: ShapeType,
    points: [number, number][],
    group: number | null,
    description = '',
  ): void => {
    shapes.push({ label, points, group_id: group, shape_type: type, flags: {}, description });
  };
  let nextGroup = 1;
  kit.walk(e.item, media, {
    rest: {
      keypoint: (a, s) => {
        const entry = a.classCode === null ? undefined : classes.get(a.classCode);
        if (entry === undefined) {
          s.drop(a.classCode === null ? 'noClass' : 'unknownClass', { class: a.classCode ?? '' });
          return;
        }
        shape(entry.name, 'point', [point(a.x, a.y)], null);
        s.keep();
      },
      classification: (a, s) => {
        // An image-level class: a flag named after it (classification classes are not object
        // classes, so the class map may not list it).
        if (a.classCode === null) {
          s.drop('noClass');
          return;
        }
        flags[classes.get(a.classCode)?.name ?? a.classCode] = true;
        s.convert('flag');
      },
    },
    object: (o) => {
      const inst = o.instance;
      const name = o.cls.name;
      const group = inst.group === undefined ? null : nextGroup;
      const before = shapes.length;
      const b = o.box;
      if (b !== undefined) {
        if ((b.rotation ?? 0) !== 0) {
          shape(name, 'polygon', corners(b), group);
          o.convert(b, 'rotated');
        } else {
          shape(
            name,
            'rectangle',
            [point(b.x, b.y), point(num(b.x + b.width), num(b.y + b.height))],
            group,
          );
          o.keep(b);
        }
      }
      for (const p of inst.polygons) {
        shape(
          name,
          'polygon',
          p.points.map((v) => point(v.x, v.y)),
          group,
        );
        o.keep(p);
      }
      for (const l of inst.polylines) {
        shape(
          name,
          'linestrip',
          l.points.map((v) => point(v.x, v.y)),
          group,
        );
        o.keep(l);
      }
      for (const k of inst.keypoints) {
        // The object's class is the label; the keypoint's own name is its description.
        shape(name, 'point', [point(k.x, k.y)], group, k.classCode ?? '');
        o.keep(k);
      }
      for (const m of inst.masks) {
        o.drop(m, 'mask');
      }
      if (shapes.length > before && group !== null) {
        nextGroup++;
      }
    },
  });
  return { shapes, flags };
}

export const labelmeFormat = defineFormat({
  apiVersion: 1,
  id: 'labelme',
  title: 'LabelMe JSON',
  description: 'One LabelMe JSON file per image, next to the image (wkentaro/labelme).',
  options: LabelmeOptionsSchema,
  messages: LABELME_MESSAGES,
  describe: describeLabelme,

  async write(input, to, options, ctx) {
    const kit = new WriterKit({ description: describeLabelme(), classes: input.classes, ctx });
    let files = 0;
    const labels = new Set<string>();
    for await (const e of input.items) {
      ctx.signal.throwIfAborted();
      for (const image of e.images) {
        const media = writableMedia(e.item, image.media, ctx);
        const encoded = encodeImage(e, media, kit, input.classes);
        const file: LabelmeFile = {
          version: LABELME_VERSION,
          flags: encoded.flags,
          shapes: encoded.shapes,
          imagePath: image.fileName,
          imageData: null,
          imageHeight: media.height ?? null,
          imageWidth: media.width ?? null,
        };
        for (const s of encoded.shapes) {
          labels.add(s.label);
        }
        const text =
          options.indent === 0 ? JSON.stringify(file) : JSON.stringify(file, null, options.indent);
        writeFileAtomicSync(join(to.dir, `${image.stem}.json`), `${text}\n`);
        files++;
      }
    }
    // `labelme <dir> --labels labels.txt`: the label list, `__ignore__` first as LabelMe's examples.
    const names = ['__ignore__', ...input.classes.entries.map((c) => c.name)];
    for (const l of [...labels].sort()) {
      if (!names.includes(l)) {
        names.push(l);
      }
    }
    writeFileAtomicSync(join(to.dir, LABELS_FILE), `${names.join('\n')}\n`);
    return { files: files + 1, outputs: [{ path: LABELS_FILE, files: 1 }] };
  },

  async read(at, _options, ctx): Promise<Dataset> {
    const names = (await readdir(at.dir)).filter((n) => n.toLowerCase().endsWith('.json')).sort();
    const files: { stem: string; file: LabelmeFile }[] = [];
    for (const name of names) {
      ctx.signal.throwIfAborted();
      const parsed = JSON.parse(await readFile(join(at.dir, name), 'utf8')) as unknown;
      if (!isLabelmeFile(parsed)) {
        continue; // another JSON file (synx-export.json): not a label file
      }
      files.push({ stem: name.slice(0, name.lastIndexOf('.')), file: parsed });
    }
    const found = new Map<string, Set<string>>();
    const tool = (label: string, t: string): void => {
      const s = found.get(label) ?? new Set<string>();
      s.add(t);
      found.set(label, s);
    };
    const items: Item[] = files.map(({ stem, file }) => {
      const annotations: Annotation[] = [];
      const groups = new Map<number, { label: string; members: GroupMember[] }>();
      let n = 0;
      const id = (): string => `s${++n}`;
      for (const s of file.shapes) {
        const a = shapeAnnotation(s, id());
        if (a === undefined) {
          continue;
        }
        tool(s.label, a.tool);
        annotations.push(a);
        if (s.group_id !== null && s.group_id !== undefined) {
          const g = groups.get(s.group_id) ?? { label: s.label, members: [] };
          g.members.push({ annotationId: a.id, children: [] });
          groups.set(s.group_id, g);
        }
      }
      for (const [gid, g] of [...groups].sort((x, y) => x[0] - y[0])) {
        annotations.push({
          id: `g${gid}`,
          tool: 'group',
          kind: 'group',
          classCode: g.label,
          attributes: {},
          members: g.members,
        });
      }
      for (const [flag, on] of Object.entries(file.flags ?? {})) {
        if (on) {
          tool(flag, 'classification');
          annotations.push({
            id: id(),
            tool: 'classification',
            kind: 'classification',
            classCode: flag,
            attributes: {},
          });
        }
      }
      const imageName = file.imagePath.replace(/\\/g, '/').split('/').pop() ?? file.imagePath;
      const media: Media = {
        id: 'image_1',
        kind: 'image',
        file: { name: imageName },
        ...(typeof file.imageWidth === 'number' && file.imageWidth > 0
          ? { width: file.imageWidth }
          : {}),
        ...(typeof file.imageHeight === 'number' && file.imageHeight > 0
          ? { height: file.imageHeight }
          : {}),
        annotations,
      };
      return { id: stem, sourceKind: 'folder', key: stem, stem, media: [media] };
    });
    const classes = classMapFromDiscovered(found);
    return {
      header: {
        source: { kind: 'synapse-folder', path: at.dir },
        classes: classes.toJSON(),
        keypointNames: [],
        mediaKinds: ['image'],
      },
      items: async function* () {
        yield* items;
      },
    };
  },
});

/** True for an object shaped like a LabelMe file (`shapes` and `imagePath`). */
export function isLabelmeFile(v: unknown): v is LabelmeFile {
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as { shapes?: unknown }).shapes) &&
    typeof (v as { imagePath?: unknown }).imagePath === 'string'
  );
}

/** The canonical annotation of one LabelMe shape (undefined for a shape synx has no kind for). */
export function shapeAnnotation(s: LabelmeShape, id: string): Annotation | undefined {
  const base = { id, classCode: s.label, attributes: {} };
  const pts = s.points.map(([x, y]) => ({ x, y }));
  const [p, q] = pts;
  switch (s.shape_type) {
    case 'rectangle':
      if (p === undefined || q === undefined) {
        return undefined;
      }
      return {
        ...base,
        tool: 'bounding_box',
        kind: 'bbox',
        x: Math.min(p.x, q.x),
        y: Math.min(p.y, q.y),
        width: Math.abs(q.x - p.x),
        height: Math.abs(q.y - p.y),
      };
    case 'polygon':
      return { ...base, tool: 'polygon', kind: 'polygon', points: pts };
    case 'linestrip':
    case 'line':
      return { ...base, tool: 'polyline', kind: 'polyline', points: pts };
    case 'point':
      if (p === undefined) {
        return undefined;
      }
      return {
        ...base,
        ...(s.description === '' || s.description === undefined
          ? {}
          : { classCode: s.description }),
        tool: 'keypoint',
        kind: 'keypoint',
        x: p.x,
        y: p.y,
      };
    case 'circle': {
      // centre and a point on the circle: its bounding box
      if (p === undefined || q === undefined) {
        return undefined;
      }
      const r = Math.hypot(q.x - p.x, q.y - p.y);
      return {
        ...base,
        tool: 'bounding_box',
        kind: 'bbox',
        x: p.x - r,
        y: p.y - r,
        width: 2 * r,
        height: 2 * r,
      };
    }
    default:
      return undefined;
  }
}
