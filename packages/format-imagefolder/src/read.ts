import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { readImageHeaderFromFile } from '@synx/image-header';
import { ClassMap, SynxError, type Dataset, type Item } from '@synx/model';
import type { DatasetLocation, FormatContext } from '@synx/plugin-api';
import { parseCsv } from './csv.js';
import { classOfFolderName, compareCodePoints } from './folder-name.js';

/** Image extensions torchvision's ImageFolder loads (its `IMG_EXTENSIONS`). */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.png',
  '.ppm',
  '.bmp',
  '.pgm',
  '.tif',
  '.tiff',
  '.webp',
];

const LABELS_HEADER = 'path,split,class,item';

/** One image of the tree: its path (relative, `/`-separated), split and class code. */
interface Row {
  readonly path: string;
  readonly split: string;
  readonly cls: string;
  readonly item: string | undefined;
}

function dirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort(compareCodePoints);
  } catch {
    return [];
  }
}

function images(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && IMAGE_EXTENSIONS.includes(extname(d.name).toLowerCase()))
    .map((d) => d.name)
    .sort(compareCodePoints);
}

function readLines(path: string): string[] | undefined {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return undefined;
  }
}

/** The rows of synx's own `labels.csv`, or undefined when there is none. */
async function labelRows(dir: string): Promise<Row[] | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'labels.csv'), 'utf8');
  } catch {
    return undefined;
  }
  const [head, ...rest] = parseCsv(text);
  if (head?.join(',') !== LABELS_HEADER) {
    return undefined;
  }
  return rest
    .filter((r) => r.length >= 3 && r[0] !== '')
    .map((r) => ({ path: r[0] ?? '', split: r[1] ?? '', cls: r[2] ?? '', item: r[3] }));
}

/**
 * The rows of a tree without `labels.csv` (any ImageFolder tree): class folders at the root
 * (those `classes.txt` names, or folders holding images), else split folders of class folders.
 */
function treeRows(dir: string): Row[] {
  const classes = readLines(join(dir, 'classes.txt'));
  const top = dirs(dir);
  const holdsImages = (d: string): boolean => images(join(dir, d)).length > 0;
  const unsplit =
    classes !== undefined ? top.some((d) => classes.includes(d)) : top.some(holdsImages);
  const rows: Row[] = [];
  const add = (split: string, base: string): void => {
    for (const folder of dirs(join(dir, base))) {
      const rel = base === '' ? folder : `${base}/${folder}`;
      for (const name of images(join(dir, rel))) {
        rows.push({
          path: `${rel}/${name}`,
          split,
          cls: classOfFolderName(folder),
          item: undefined,
        });
      }
    }
  };
  if (unsplit) {
    add('', '');
  } else {
    for (const split of top) {
      add(split, split);
    }
  }
  return rows;
}

/**
 * Reads a one-class-per-image tree back: one item per image, with one classification
 * annotation whose class is its folder's class (through synx's `labels.csv`, else the folder
 * name with its `%XX` escapes undone). Sizes come from the image headers when the images are there.
 */
export async function readImageFolder(at: DatasetLocation, ctx: FormatContext): Promise<Dataset> {
  if (!existsSync(at.dir) || !statSync(at.dir).isDirectory()) {
    throw new SynxError('SYNX_INVALID_INPUT', `${at.dir} is not a folder`);
  }
  const rows = (await labelRows(at.dir)) ?? treeRows(at.dir);
  const codes = [...new Set(rows.map((r) => r.cls))].sort(compareCodePoints);
  const classes = new ClassMap({
    origin: 'discovered',
    entries: codes.map((code, index) => ({ index, code, name: code, tools: ['classification'] })),
  });
  async function* items(signal?: AbortSignal): AsyncGenerator<Item> {
    for (const r of rows) {
      signal?.throwIfAborted();
      ctx.signal.throwIfAborted();
      const name = r.path.slice(r.path.lastIndexOf('/') + 1);
      const path = join(at.dir, ...r.path.split('/'));
      let size: { width: number; height: number } | undefined;
      if (existsSync(path)) {
        try {
          const h = await readImageHeaderFromFile(path);
          size = { width: h.width, height: h.height };
        } catch (err) {
          ctx.report({
            code: 'SYNX_IMAGEFOLDER_UNREADABLE',
            severity: 'warning',
            message: `${r.path}: the image header cannot be read (${err instanceof Error ? err.message : String(err)}); its size is unknown`,
            itemId: r.path,
          });
        }
      }
      const stem = name.replace(/\.[^.]*$/, '') || name;
      yield {
        id: r.path,
        sourceKind: 'folder',
        key: r.item ?? r.path,
        stem,
        media: [
          {
            id: 'image_1',
            kind: 'image',
            file: { name, path },
            ...(size ?? {}),
            annotations: [
              {
                id: 'class',
                tool: 'classification',
                kind: 'classification',
                classCode: r.cls,
                attributes: {},
              },
            ],
          },
        ],
      };
    }
  }
  return {
    header: {
      source: { kind: 'synapse-folder', path: at.dir },
      classes: classes.toJSON(),
      keypointNames: [],
      mediaKinds: ['image'],
    },
    items: (signal) => items(signal),
  };
}

/**
 * 95 for a tree with synx's `labels.csv` and `classes.txt`; 70 for a `classes.txt` whose names
 * are folders (at the root or in split folders); else 0 (a bare tree of folders is too common to
 * claim).
 */
export async function detectImageFolder(at: DatasetLocation): Promise<number> {
  const classes = readLines(join(at.dir, 'classes.txt'));
  if (classes === undefined) {
    return 0;
  }
  try {
    const head = (await readFile(join(at.dir, 'labels.csv'), 'utf8')).split('\n', 1)[0];
    if (head?.replace(/^\uFEFF/, '').trim() === LABELS_HEADER) {
      return 95;
    }
  } catch {
    // no labels.csv: look at the folders
  }
  const top = dirs(at.dir);
  const isClassDir = (base: string): boolean => dirs(base).some((d) => classes.includes(d));
  if (
    classes.length > 0 &&
    (top.some((d) => classes.includes(d)) || top.some((d) => isClassDir(join(at.dir, d))))
  ) {
    return 70;
  }
  return 0;
}
