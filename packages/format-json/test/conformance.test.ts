import { describeFormatConformance } from '@synx/format-testkit';
import { jsonFormat } from '../src/index.js';

describeFormatConformance(jsonFormat, { packageJson: new URL('../package.json', import.meta.url) });
