import { describeFormatConformance } from '@synx/format-testkit';
import { vocFormat } from '../src/index.js';

// VOC stores integer pixels (1-based): boxes come back within a pixel.
describeFormatConformance(vocFormat, {
  packageJson: new URL('../package.json', import.meta.url),
  tolerancePx: 1,
});
describeFormatConformance(vocFormat, {
  options: { layout: 'flat', coordinates: 'zero-based' },
  fixtures: ['rich'],
  tolerancePx: 1,
});
