import {
  ANNOTATION_FEATURES,
  type ExportItem,
  type FormatDescription,
  type SplitName,
} from '@synx/plugin-api';
import { itemClassOf, parseClassRule, ruleText, type ClassRule } from './class-rule.js';
import { classFolderName } from './folder-name.js';
import type { ImageFolderMessageId } from './messages.js';
import type { ImageFolderOptions } from './options.js';

/** Every feature but the image class (and `other`, the kit's): not kept (one class per image). */
const NOT_KEPT = ANNOTATION_FEATURES.filter((f) => f !== 'classification' && f !== 'other');

/** The treatments of a one-class-per-image layout for a class rule. */
export function imageClassTreatments(
  rule: ClassRule,
): FormatDescription<ImageFolderMessageId>['kinds'] {
  const note = `the class of each image: ${ruleText(rule)}; an image with no class, or with several, is not saved`;
  return {
    classification:
      rule.kind === 'classification'
        ? { action: 'keep', note }
        : {
            action: 'convert',
            to: `the image class (${ruleText(rule)}; an image with none or several is not saved)`,
            messageId: 'classFromAttribute',
          },
    ...Object.fromEntries(
      NOT_KEPT.map((k) => [k, { action: 'drop', messageId: 'notImageClass' }] as const),
    ),
    other: { action: 'drop', messageId: 'uninterpretable' },
  };
}

/** The DM tools whose classes an image-class layout numbers: the classification tool's. */
export const IMAGE_CLASS_TOOLS: readonly string[] = ['classification'];

/** What the plan says of the class rule (`FormatDescription.notes`). */
export function imageClassNotes(rule: ClassRule): string[] {
  return [
    `the class of each image is ${ruleText(rule)} (--option classFrom=classification | attribute:<name>); an image with no class, or with several, is not saved`,
    'class folders are named by class code; class index = position in classes.txt (code-point order, as torchvision and ultralytics number folders)',
  ];
}

/** `train/cat` (`cat` when not split). */
export function classDir(split: SplitName | undefined, folder: string): string {
  return split === undefined ? folder : `${split}/${folder}`;
}

/**
 * `mediaDir` of a one-class-per-image layout: the item's class folder, or undefined when its
 * images are not saved (no class, several); without an item, `train/<class>`.
 */
export function imageClassMediaDir(
  rule: ClassRule,
): (split: SplitName | undefined, item?: ExportItem) => string | undefined {
  return (split, e) => {
    if (e === undefined) {
      return classDir(split, '<class>');
    }
    const c = itemClassOf(
      e.images.map((i) => i.media),
      rule,
    );
    return c.kind === 'class' ? classDir(split, classFolderName(c.cls)) : undefined;
  };
}

/** The files beside the class folders, for `layout` and `owns`. */
export const IMAGE_CLASS_FILES = ['classes.txt', 'labels.csv', 'counts.csv'] as const;

/** The output tree of a one-class-per-image layout. */
export function imageClassLayout(splits: readonly SplitName[] | undefined): string[] {
  return [
    'classes.txt (class folder names, one per line: line i is class index i, sorted by code point as torchvision and ultralytics number them)',
    'labels.csv (path,split,class,item: one row per image)',
    'counts.csv (split,index,folder,class,images: images per split and class, 0 where a split lacks one)',
    ...(splits ?? [undefined]).map(
      (s) => `${classDir(s, '<class>')}/<image> (with --save-original-files)`,
    ),
  ];
}

/** What ImageFolder keeps, converts and drops for these options, and its layout. */
export function describeImageFolder(
  o: ImageFolderOptions,
): FormatDescription<ImageFolderMessageId> {
  const rule = parseClassRule(o.classFrom);
  return {
    kinds: imageClassTreatments(rule),
    splits: true,
    mediaDir: imageClassMediaDir(rule),
    classTools: IMAGE_CLASS_TOOLS,
    notes: imageClassNotes(rule),
    layout: imageClassLayout,
    owns: [...IMAGE_CLASS_FILES],
    loadHint: (dir, splits) =>
      `torchvision: ImageFolder(${JSON.stringify(splits === undefined || splits.length === 0 ? dir : `${dir}/${splits[0] ?? 'train'}`)}) (class indices: ${dir}/classes.txt)`,
  };
}
