import { PathSet } from './path-set.js';
import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Annotation, Issue, Media } from '@synx/model';
import {
  TextFileWriter,
  writableMedia,
  writeFileAtomic,
  WriterKit,
  type ExportItem,
  type FormatContext,
  type FormatDescription,
  type OutputFile,
  type SplitName,
  type WriteInput,
  type WriteResult,
} from '@synx/plugin-api';
import {
  classesOfAnnotation,
  itemClassOf,
  ruleText,
  type ClassRule,
  type ItemClass,
} from './class-rule.js';
import { csvRow } from './csv.js';
import { classDir } from './describe.js';
import { classFolderName, compareCodePoints } from './folder-name.js';
import type { ImageFolderMessageId } from './messages.js';
import { IMAGE_EXTENSIONS } from './read.js';

/** How {@link writeImageClasses} is used: by ImageFolder itself, or by YOLO's classify task. */
export interface ImageClassWriteSettings {
  readonly rule: ClassRule;
  /** The format's name in messages (`ImageFolder`, `YOLO classify`). */
  readonly format: string;
  /** The format's description (its treatments). */
  readonly description: FormatDescription<ImageFolderMessageId>;
  /** Prefix of the issue codes (`SYNX_IMAGEFOLDER`). */
  readonly issuePrefix: string;
  /** What reads the splits (`torchvision's ImageFolder`), for the missing-class warning. */
  readonly consumer: string;
}

/** What the writer saw, for a caller's own checks. */
export interface ImageClassWriteResult extends WriteResult {
  readonly outputs: readonly OutputFile[];
  /** Images filed per split (`''` when not split). */
  readonly imagesPerSplit: ReadonlyMap<string, number>;
  /** The class folders, in index order. */
  readonly folders: readonly string[];
}

const quoteList = (xs: readonly string[]): string => xs.map((x) => JSON.stringify(x)).join(', ');

function imagesText(e: ExportItem): string {
  return e.images.map((i) => `${i.media.id} (${i.fileName})`).join(', ');
}

/**
 * Writes the label side of a one-class-per-image tree (`<split>/<class>/<image>`): synx itself
 * saves each image where `mediaDir(split, item)` says; this writer accounts every annotation,
 * reports the images it files nowhere, and writes `classes.txt` (the class folders in index
 * order: sorted by code point, as torchvision and ultralytics number them) and `labels.csv`
 * (`path,split,class,item`, one row per image, in item order). It warns when a split lacks some
 * class, since a consumer that numbers each split's folders then numbers them differently.
 */
export async function writeImageClasses(
  input: WriteInput,
  dir: string,
  settings: ImageClassWriteSettings,
  ctx: FormatContext<ImageFolderMessageId>,
): Promise<ImageClassWriteResult> {
  const { rule, issuePrefix } = settings;
  const kit = new WriterKit<ImageFolderMessageId>({
    description: settings.description,
    classes: input.classes,
    ctx,
    data: { format: settings.format },
  });
  const ruleData = { rule: ruleText(rule) };
  const report = (code: string, severity: Issue['severity'], message: string, extra = {}): void => {
    ctx.report({ code: `${issuePrefix}_${code}`, severity, message, ...extra });
  };
  /** Per split (`''` when not split): its class folders and image counts. */
  const present = new Map<string, Map<string, number>>();
  /** Folder names by lower case, for the case-insensitive file systems. */
  const byLower = new Map<string, string>();
  const folderOf = new Map<string, string>();
  /** Where this export files each image (to find images an earlier export left). */
  const expected = new PathSet();
  let rows = 0;

  const refuse = (e: ExportItem, c: Exclude<ItemClass, { kind: 'class' }>): void => {
    const id: ImageFolderMessageId | 'noImageClass' =
      c.kind === 'none' ? 'noImageClass' : c.kind === 'multi' ? 'multiLabel' : 'mixedClasses';
    const data = c.kind === 'none' ? ruleData : { ...ruleData, classes: quoteList(c.classes) };
    for (const image of e.images) {
      kit.dropAll(e.item, writableMedia(e.item, image.media, ctx), id, data);
    }
    const where = `item "${e.item.id}"`;
    if (c.kind === 'none') {
      report(
        'NO_CLASS',
        'warning',
        `${where}: ${imagesText(e)} has no class by ${ruleData.rule}, so it is not saved`,
        { itemId: e.item.id },
      );
    } else if (c.kind === 'multi') {
      report(
        'MULTI_LABEL',
        'warning',
        `${where}: ${c.media.id}${c.media.file?.name === undefined ? '' : ` (${c.media.file.name})`} has ${c.classes.length} classes by ${ruleData.rule} (${quoteList(c.classes)}); ${settings.format} holds one class per image, so the item's images are not saved`,
        { itemId: e.item.id, mediaId: c.media.id },
      );
    } else {
      report(
        'MIXED_CLASSES',
        'warning',
        `${where}: its images have different classes by ${ruleData.rule} (${quoteList(c.classes)}); the images of an item share one class folder, so none of ${imagesText(e)} is saved`,
        { itemId: e.item.id },
      );
    }
  };

  const account = (e: ExportItem, media: Media, cls: string): void => {
    for (const a of media.annotations) {
      accountOne(e, media, a, cls);
    }
  };
  const accountOne = (e: ExportItem, media: Media, a: Annotation, cls: string): void => {
    if (a.kind === 'classification') {
      if (classesOfAnnotation(a, rule).length === 0) {
        kit.drop(e.item, media, a, 'noClassHere', { ...ruleData, class: cls });
      } else if (rule.kind === 'classification') {
        kit.keep(e.item, media, a);
      } else {
        kit.convert(e.item, media, a, 'classFromAttribute', { attribute: rule.name });
      }
    } else if (a.kind === 'other') {
      kit.drop(e.item, media, a, 'uninterpretable', { reason: a.reason });
    } else {
      const kind = a.kind === 'bbox' && (a.rotation ?? 0) !== 0 ? 'rotated-bbox' : a.kind;
      kit.drop(e.item, media, a, 'notImageClass', { kind });
    }
  };

  const folderFor = (cls: string): string => {
    let folder = folderOf.get(cls);
    if (folder === undefined) {
      folder = classFolderName(cls);
      folderOf.set(cls, folder);
      const lower = folder.toLowerCase();
      const other = byLower.get(lower);
      if (other === undefined) {
        byLower.set(lower, folder);
      } else if (other !== folder) {
        // An error, not a warning: on a case-insensitive file system (Windows, macOS) the two
        // classes' images land in one folder and every later class index shifts — the
        // dataset is mislabelled there, whatever this machine's file system does.
        report(
          'FOLDER_CASE',
          'error',
          `class folders "${other}" and "${folder}" differ only in letter case: on a case-insensitive file system (Windows, macOS) their images share one folder and the class indices shift; rename one class (or map it with --class-map)`,
        );
      }
    }
    return folder;
  };

  const labelsPath = join(dir, 'labels.csv');
  const labels = await TextFileWriter.open(labelsPath);
  try {
    labels.append(csvRow(['path', 'split', 'class', 'item']));
    for await (const e of input.items) {
      ctx.signal.throwIfAborted();
      if (e.images.length === 0) {
        continue;
      }
      const c = itemClassOf(
        e.images.map((i) => i.media),
        rule,
      );
      if (c.kind !== 'class') {
        refuse(e, c);
        continue;
      }
      const folder = folderFor(c.cls);
      const key = e.split ?? '';
      let counts = present.get(key);
      if (counts === undefined) {
        counts = new Map();
        present.set(key, counts);
      }
      for (const image of e.images) {
        account(e, writableMedia(e.item, image.media, ctx), c.cls);
        const path = `${classDir(e.split, folder)}/${image.fileName}`;
        expected.add(path);
        labels.append(csvRow([path, key, c.cls, e.item.id]));
        counts.set(folder, (counts.get(folder) ?? 0) + 1);
        rows++;
      }
    }
    await labels.close();
  } catch (err) {
    labels.destroy();
    throw err;
  }

  const all = [...new Set([...present.values()].flatMap((m) => [...m.keys()]))].sort(
    compareCodePoints,
  );
  await writeFileAtomic(join(dir, 'classes.txt'), all.map((f) => `${f}\n`).join(''));
  await writeFileAtomic(join(dir, 'counts.csv'), countsCsv(input.splits, present, all, folderOf));
  checkSplits(input.splits, present, all, settings, report);
  const stale = staleImages(dir, input.splits, expected);
  if (stale.length > 0) {
    report(
      'STALE_IMAGES',
      'warning',
      `${stale.length} image${stale.length === 1 ? '' : 's'} in the class folders ${stale.length === 1 ? 'was' : 'were'} not filed by this export (${stale
        .slice(0, 5)
        .map((p) => JSON.stringify(p))
        .join(
          ', ',
        )}${stale.length > 5 ? ', …' : ''}): left by an earlier export to this folder, ${settings.consumer} would load them under their folder's class; remove them, or export to a fresh folder`,
    );
  }
  if (input.mediaSaved === false) {
    report(
      'NO_MEDIA',
      'info',
      `the images are not saved in this export (no --save-original-files), so the class folders stay empty; labels.csv lists where each image belongs`,
    );
  }
  const imagesPerSplit = new Map(
    [...present].map(([s, m]) => [s, [...m.values()].reduce((x, y) => x + y, 0)]),
  );
  const outputs: OutputFile[] = [
    { path: 'classes.txt' },
    { path: 'labels.csv', images: rows, annotations: rows },
    { path: 'counts.csv' },
  ];
  return { files: 3, outputs, imagesPerSplit, folders: all };
}

/**
 * `counts.csv`: `split,index,folder,class,images` for every split and class (0 where a split
 * lacks the class: the folder is missing there), in split and index order.
 */
function countsCsv(
  splits: readonly SplitName[] | undefined,
  present: ReadonlyMap<string, ReadonlyMap<string, number>>,
  all: readonly string[],
  folderOf: ReadonlyMap<string, string>,
): string {
  const codeOf = new Map([...folderOf].map(([code, folder]) => [folder, code]));
  const names = [...new Set([...(splits ?? []), ...[...present.keys()].sort(compareCodePoints)])];
  let out = csvRow(['split', 'index', 'folder', 'class', 'images']);
  for (const split of names.length === 0 ? [''] : names) {
    const here = present.get(split);
    if (all.length === 0) {
      out += csvRow([split, '', '', '', '0']);
    }
    all.forEach((folder, i) => {
      out += csvRow([
        split,
        String(i),
        folder,
        codeOf.get(folder) ?? folder,
        String(here?.get(folder) ?? 0),
      ]);
    });
  }
  return out;
}

/** Image files in the class folders that this export did not file there (sorted). */
function staleImages(
  dir: string,
  splits: readonly SplitName[] | undefined,
  expected: PathSet,
): string[] {
  const list = (d: string, want: 'dir' | 'image'): string[] => {
    try {
      return readdirSync(d, { withFileTypes: true })
        .filter((x) =>
          want === 'dir'
            ? x.isDirectory()
            : x.isFile() && IMAGE_EXTENSIONS.includes(extname(x.name).toLowerCase()),
        )
        .map((x) => x.name)
        .sort(compareCodePoints);
    } catch {
      return [];
    }
  };
  const out: string[] = [];
  for (const split of splits ?? [undefined]) {
    const base = split === undefined ? dir : join(dir, split);
    for (const folder of list(base, 'dir')) {
      for (const name of list(join(base, folder), 'image')) {
        const rel = `${classDir(split, folder)}/${name}`;
        if (!expected.has(rel)) {
          out.push(rel);
        }
      }
    }
  }
  return out;
}

/** Warns about each split that lacks some class (or any image). */
function checkSplits(
  splits: readonly SplitName[] | undefined,
  present: ReadonlyMap<string, ReadonlyMap<string, number>>,
  all: readonly string[],
  settings: ImageClassWriteSettings,
  report: (code: string, severity: Issue['severity'], message: string) => void,
): void {
  if (splits === undefined || all.length === 0) {
    return;
  }
  for (const split of splits) {
    const here = present.get(split);
    if (here === undefined) {
      report(
        'SPLIT_EMPTY',
        'warning',
        `split "${split}" has no image with a class, so its folder is not made; ${settings.consumer} cannot open it`,
      );
      continue;
    }
    const missing = all.filter((f) => !here.has(f));
    if (missing.length > 0) {
      const shown = missing.slice(0, 10).map((f) => JSON.stringify(f));
      report(
        'SPLIT_CLASSES',
        'warning',
        `split "${split}" has no image of ${missing.length} of the ${all.length} classes (${shown.join(', ')}${missing.length > 10 ? ', …' : ''}): ${settings.consumer} numbers the class folders it finds in each split, so the class indices of "${split}" differ from classes.txt; map them through classes.txt`,
      );
    }
  }
}
