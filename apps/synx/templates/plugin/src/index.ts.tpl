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
  type FormatDescription,
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

const NOT_AN_OBJECT = '{{id}} writes boxes and polygons only';

function describe{{pascal}}(): FormatDescription {
  return {
    kinds: {
      bbox: { action: 'keep' },
      'rotated-bbox': { action: 'keep', note: 'the angle is in the "rotation" field (radians)' },
      polygon: { action: 'keep' },
      polyline: { action: 'drop', reason: NOT_AN_OBJECT },
      keypoint: { action: 'drop', reason: NOT_AN_OBJECT },
      'ungrouped-keypoint': { action: 'drop', reason: NOT_AN_OBJECT },
      mask: { action: 'drop', reason: NOT_AN_OBJECT },
      classification: { action: 'drop', reason: NOT_AN_OBJECT },
      group: { action: 'drop', reason: 'each box and polygon of a group is its own object' },
      relation: { action: 'drop', reason: NOT_AN_OBJECT },
      other: { action: 'drop', reason: NOT_AN_OBJECT },
    },
    splits: false,
    mediaDir: () => 'images',
    layout: () => [`${LABELS_DIR}/<image>.json (one per image)`, 'images/ (with --save-original-files)'],
    owns: [`${LABELS_DIR}/`],
    loadHint: (dir) => `json.load(open("${dir}/${LABELS_DIR}/<image>.json"))`,
  };
}

/** The object an annotation becomes, or why it has none. */
function objectOf(a: Annotation, cls: string): {{pascal}}Object | string {
  if (a.kind === 'bbox') {
    const box = { class: cls, type: 'box' as const, x: a.x, y: a.y, width: a.width, height: a.height };
    return a.rotation === undefined || a.rotation === 0 ? box : { ...box, rotation: a.rotation };
  }
  if (a.kind === 'polygon') {
    if (a.points.length < 3) {
      return 'a polygon needs three points';
    }
    return { class: cls, type: 'polygon', points: a.points.map((p) => [p.x, p.y] as const) };
  }
  return NOT_AN_OBJECT;
}

export const {{exportName}} = defineFormat<{{pascal}}Options>({
  apiVersion: 1,
  id: '{{id}}',
  title: '{{title}}',
  description: 'One JSON file per image with its boxes and polygons.',
  options: {{pascal}}OptionsSchema,
  describe: describe{{pascal}},

  async write(input, to, options, ctx) {
    let files = 0;
    let images = 0;
    let objects = 0;
    for await (const e of input.items) {
      ctx.signal.throwIfAborted();
      for (const image of e.images) {
        // Leaves out (and accounts) annotations whose numbers are not finite or out of range.
        const media = writableMedia(e.item, image.media, ctx);
        const written: {{pascal}}Object[] = [];
        for (const a of media.annotations) {
          const entry = a.classCode === null ? undefined : input.classes.get(a.classCode);
          const made =
            a.kind !== 'bbox' && a.kind !== 'polygon'
              ? NOT_AN_OBJECT
              : entry === undefined
                ? a.classCode === null
                  ? 'it has no class'
                  : `class "${a.classCode}" is not in the class map`
                : objectOf(a, entry.name);
          if (typeof made === 'string') {
            ctx.account({ item: e.item, media, annotation: a, outcome: 'dropped', reason: made });
          } else {
            written.push(made);
            ctx.account({ item: e.item, media, annotation: a, outcome: 'written' });
          }
        }
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
        images++;
        objects += written.length;
      }
    }
    return { files, outputs: [{ path: `${LABELS_DIR}/`, files, images, annotations: objects }] };
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
