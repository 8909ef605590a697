import { describeFormatConformance } from '@synx/format-testkit';
import { conllFormat, hfNerFormat, spacyFormat } from '../src/index.js';

for (const format of [spacyFormat, conllFormat, hfNerFormat]) {
  describeFormatConformance(format, {
    packageJson: new URL('../package.json', import.meta.url),
    compare: 'annotations',
    fixtures: ['text'],
    shared: 'text',
  });
}
