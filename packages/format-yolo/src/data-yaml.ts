import type { ClassMap } from '@synx/model';
import { flipIndex } from './flip.js';
import type { YoloOptions } from './options.js';
import { yamlQuoted } from './yaml.js';

const imagesOf = (s: string | undefined): string => (s === undefined ? 'images' : `images/${s}`);

/** The `train`/`val`/`test` lines: `train` and `val` fall back to other splits when missing. */
function splitLines(splits: readonly string[] | undefined): string[] {
  if (splits === undefined) {
    return [`train: ${yamlQuoted(imagesOf(undefined))}`, `val: ${yamlQuoted(imagesOf(undefined))}`];
  }
  const trainSplit = splits.includes('train') ? 'train' : splits[0];
  const valSplit = splits.includes('val')
    ? 'val'
    : splits.includes('validation')
      ? 'validation'
      : (splits[1] ?? trainSplit);
  return [
    `train: ${yamlQuoted(imagesOf(trainSplit))}`,
    `val: ${yamlQuoted(imagesOf(valSplit))}`,
    ...(splits.includes('test') ? [`test: ${yamlQuoted(imagesOf('test'))}`] : []),
  ];
}

/**
 * The text of `data.yaml`. Written by hand, every string double-quoted (see yamlQuoted): PyYAML
 * (YAML 1.1, what ultralytics reads it with) and YAML 1.2 readers load exactly the same strings
 * and integers.
 */
export function dataYaml(
  dir: string,
  options: YoloOptions,
  splits: readonly string[] | undefined,
  classes: ClassMap,
  keypointNames: readonly string[],
  mediaSaved?: boolean,
): string {
  const absolute = options.yamlPath === 'absolute';
  const body: string[] = [...(absolute ? [`path: ${yamlQuoted(dir)}`] : []), ...splitLines(splits)];
  if (options.task === 'pose') {
    body.push(`kpt_shape: [${keypointNames.length}, 3]`);
    const flip = flipIndex(keypointNames);
    if (flip !== undefined) {
      body.push(`flip_idx: [${flip.join(', ')}]`);
    }
  }
  if (classes.entries.length === 0) {
    body.push('names: {}');
  } else {
    body.push('names:', ...classes.entries.map((c) => `  ${c.index}: ${yamlQuoted(c.code)}`));
  }
  const header = [
    '# YOLO dataset written by synx (ultralytics layout).',
    `# synx: task=${options.task}`,
    ...(absolute
      ? [
          '# path is absolute so ultralytics finds the dataset from any working directory; update it if you move the folder.',
        ]
      : []),
    ...(mediaSaved === false
      ? [
          `# labels only: this export saved no images, so ${splits === undefined ? 'images/ is' : 'the images/<split>/ folders are'} empty. Put each image there under the stem of its label file, or export again with --save-original-files.`,
        ]
      : []),
    '',
  ];
  return `${header.join('\n')}${body.join('\n')}\n`;
}
