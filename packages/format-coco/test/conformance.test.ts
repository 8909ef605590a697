import { describeFormatConformance } from '@synx/format-testkit';
import { cocoFormat } from '../src/index.js';

describeFormatConformance(cocoFormat, { packageJson: new URL('../package.json', import.meta.url) });
