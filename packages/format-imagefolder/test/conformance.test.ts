import { describeFormatConformance } from '@synx/format-testkit';
import { imageFolderFormat } from '../src/index.js';

describeFormatConformance(imageFolderFormat, {
  packageJson: new URL('../package.json', import.meta.url),
  fixtures: ['classification', 'rich', 'coco128', 'voc'],
  shared: 'classification',
});
describeFormatConformance(imageFolderFormat, {
  options: { classFrom: 'attribute:scene' },
  fixtures: ['classification', 'rich'],
  shared: 'classification',
});
