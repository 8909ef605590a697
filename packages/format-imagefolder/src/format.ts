import { defineFormat, type Format } from '@synx/plugin-api';
import { parseClassRule } from './class-rule.js';
import { describeImageFolder } from './describe.js';
import { IMAGEFOLDER_MESSAGES, type ImageFolderMessageId } from './messages.js';
import { ImageFolderOptionsSchema, type ImageFolderOptions } from './options.js';
import { detectImageFolder, readImageFolder } from './read.js';
import { writeImageClasses } from './write.js';

/**
 * ImageFolder: one folder per class, `<split>/<class>/<image>` (`<class>/<image>` when not
 * split), as torchvision's `datasets.ImageFolder` and ultralytics' classify task read it. synx
 * saves the images (`--save-original-files`) where `mediaDir(split, item)` says; the writer
 * writes `classes.txt` and `labels.csv` and accounts for every annotation.
 */
export const imageFolderFormat: Format<ImageFolderOptions, ImageFolderMessageId> = defineFormat({
  apiVersion: 1,
  id: 'imagefolder',
  title: 'ImageFolder',
  description:
    'One folder per class (<split>/<class>/<image>) for torchvision ImageFolder and ultralytics classify',
  options: ImageFolderOptionsSchema,
  messages: IMAGEFOLDER_MESSAGES,
  describe: describeImageFolder,
  write: async (input, to, options, ctx) => {
    const { files, outputs } = await writeImageClasses(
      input,
      to.dir,
      {
        rule: parseClassRule(options.classFrom),
        format: 'ImageFolder',
        description: describeImageFolder(options),
        issuePrefix: 'SYNX_IMAGEFOLDER',
        consumer: "torchvision's ImageFolder",
      },
      ctx,
    );
    return { files, outputs };
  },
  read: (at, _options, ctx) => readImageFolder(at, ctx),
  detect: (at) => detectImageFolder(at),
});
