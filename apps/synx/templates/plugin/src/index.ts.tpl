import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  classMapFromDiscovered,
  type Annotation,
  type Dataset,
  type Item,
  type Media,
} from '@synx/model';
import {
  defineFormat,
  writableMedia,
  writeFileAtomicSync,
  WriterKit,
  type FormatDescription,
  type ObjectScope,
} from '@synx/plugin-api';
import { z } from 'zod';

/** Options, given as `--option indent=4 --option pretty=false` (values arrive as strings). */
export const {{pascal}}OptionsSchema = z.object({
  /** Spaces of indentation when `pretty` is on. */
  indent: z.coerce.number().int().min(0).max(8).default(2),
  /** Pretty-print the JSON (one key a line); `false` writes each file on one line. */
  pretty: z.union([z.boolean(), z.stringbool()]).default(true),
});
export type {{pascal}}Options = z.infer<typeof {{pascal}}OptionsSchema>;

/** The folder of label files, one `<image stem>.json` per image. */
export const LABELS_DIR = 'labels';

/** One object of a label file. */
export type {{pascal}}Object =
  | {
      readonly class: string;
      readonly type: 'box';
      /** Top-left corner and size, in pixels. */
      readonly x: number;
      readonly y: number;
      readonly width: number;
      readonly height: number;
      /** Radians, clockwise about the box centre; absent when the box is not rotated. */
      readonly rotation?: number;
    }
  | {
      readonly class: string;
      readonly type: 'polygon';
      /** Vertices `[x, y]` in pixels. */
      readonly points: readonly (readonly [number, number])[];
    };

/** What one label file holds. */
export interface {{pascal}}File {
  readonly image: string;
  readonly width: number | null;
  readonly height: number | null;
  readonly objects: readonly {{pascal}}Object[];
}

/**
 * Every reason this format gives for a conversion or a drop, by id. `describe()` (the plan) and
 * `ctx.account()` / the kit (the report) name the same ids, so they cannot say different things.
 * `{{placeholder}}`s are filled from the outcome's `data`.
 */
export const {{constName}}_MESSAGES = {
  notAnObject: '{{id}} writes boxes and polygons only',
  fewPoints: 'a polygon needs three points',
} as const;
export type {{pascal}}MessageId = keyof typeof {{constName}}_MESSAGES;

function describe{{pascal}}(): FormatDescription<{{pascal}}MessageId> {
  return {
    kinds: {
      bbox: { action: 'keep' },
      'rotated-bbox': { action: 'keep', note: 'the angle is in the "rotation" field (radians)' },
      polygon: { action: 'keep' },
      group: { action: 'keep', note: "each box and polygon of a group is an object of the group's class" },
      polyline: { action: 'drop', messageId: 'notAnObject' },
      keypoint: { action: 'drop', messageId: 'notAnObject' },
      'ungrouped-keypoint': { action: 'drop', messageId: 'notAnObject' },
      mask: { action: 'drop', messageId: 'notAnObject' },
      classification: { action: 'drop', messageId: 'notAnObject' },
      relation: { action: 'drop', messageId: 'notAnObject' },
      other: { action: 'drop', messageId: 'uninterpretable' },
    },
    splits: false,
    mediaDir: () => 'images',
    layout: () => [`${LABELS_DIR}/<image>.json (one per image)`, 'images/ (with --save-original-files)'],
    owns: [`${LABELS_DIR}/`],
    loadHint: (dir) => `json.load(open("${dir}/${LABELS_DIR}/<image>.json"))`,
  };
}

/**
 * The objects of one kit object (an annotation, or a group's parts, of a known class): its box
 * and each of its polygons; everything else is dropped with a reason.
 */
function encode(o: ObjectScope<{{pascal}}MessageId>, out: {{pascal}}Object[]): void {
  const cls = o.cls.name;
  const inst = o.instance;
  const box = o.box;
  if (box !== undefined) {
    const b = { class: cls, type: 'box' as const, x: box.x, y: box.y, width: box.width, height: box.height };
    out.push(box.rotation === undefined || box.rotation === 0 ? b : { ...b, rotation: box.rotation });
    o.keep(box);
  }
  for (const p of inst.polygons) {
    if (p.points.length < 3) {
      o.drop(p, 'fewPoints');
      continue;
    }
    out.push({ class: cls, type: 'polygon', points: p.points.map((v) => [v.x, v.y] as const) });
    o.keep(p);
  }
  for (const a of [...inst.polylines, ...inst.masks, ...inst.keypoints]) {
    o.drop(a, 'notAnObject');
  }
}

export const {{exportName}} = defineFormat({
  apiVersion: 1,
  id: '{{id}}',
  title: '{{title}}',
  description: 'One JSON file per image with its boxes and polygons.',
  options: {{pascal}}OptionsSchema,
  messages: {{constName}}_MESSAGES,
  describe: describe{{pascal}},

  async write(input, to, options, ctx) {
    // The kit walks each image: objects without a (known) class, groups with several boxes and
    // annotations that form no object are its business; `encode` only says what it wrote.
    const kit = new WriterKit({ description: describe{{pascal}}(), classes: input.classes, ctx });
    let files = 0;
    let objects = 0;
    for await (const e of input.items) {
      ctx.signal.throwIfAborted();
      for (const image of e.images) {
        // Leaves out (and accounts) annotations whose numbers are not finite or out of range.
        const media = writableMedia(e.item, image.media, ctx);
        const written: {{pascal}}Object[] = [];
        kit.walk(e.item, media, { object: (o) => encode(o, written) });
        const file: {{pascal}}File = {
          image: image.fileName,
          width: media.width ?? null,
          height: media.height ?? null,
          objects: written,
        };
        const text = options.pretty
          ? JSON.stringify(file, null, options.indent)
          : JSON.stringify(file);
        writeFileAtomicSync(join(to.dir, LABELS_DIR, `${image.stem}.json`), `${text}\n`);
        files++;
        objects += written.length;
      }
    }
    return { files, outputs: [{ path: `${LABELS_DIR}/`, files, images: files, annotations: objects }] };
  },

  async read(at, _options, ctx): Promise<Dataset> {
    const dir = join(at.dir, LABELS_DIR);
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    const parsed: { stem: string; file: {{pascal}}File }[] = [];
    const found = new Map<string, Set<string>>();
    for (const name of names) {
      ctx.signal.throwIfAborted();
      const file = JSON.parse(await readFile(join(dir, name), 'utf8')) as {{pascal}}File;
      parsed.push({ stem: name.slice(0, -'.json'.length), file });
      for (const o of file.objects) {
        const tools = found.get(o.class) ?? new Set<string>();
        tools.add(o.type === 'box' ? 'bounding_box' : 'polygon');
        found.set(o.class, tools);
      }
    }
    const classes = classMapFromDiscovered(found);
    const items: Item[] = parsed.map(({ stem, file }) => {
      const annotations: Annotation[] = file.objects.map((o, i) =>
        o.type === 'box'
          ? {
              id: `a${i + 1}`,
              tool: 'bounding_box',
              kind: 'bbox',
              classCode: o.class,
              attributes: {},
              x: o.x,
              y: o.y,
              width: o.width,
              height: o.height,
              ...(o.rotation === undefined ? {} : { rotation: o.rotation }),
            }
          : {
              id: `a${i + 1}`,
              tool: 'polygon',
              kind: 'polygon',
              classCode: o.class,
              attributes: {},
              points: o.points.map(([x, y]) => ({ x, y })),
            },
      );
      const media: Media = {
        id: 'image_1',
        kind: 'image',
        file: { name: file.image },
        ...(file.width === null ? {} : { width: file.width }),
        ...(file.height === null ? {} : { height: file.height }),
        annotations,
      };
      return { id: stem, sourceKind: 'folder', key: stem, stem, media: [media] };
    });
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
