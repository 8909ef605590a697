import { describeFormatConformance } from '@synx/format-testkit';
import { labelmeFormat } from '../src/index.js';

// The shared suite every synx format runs. LabelMe keeps objects (group_id), so read-back
// compares instances; labels are class names.
describeFormatConformance(labelmeFormat, {
  packageJson: new URL('../package.json', import.meta.url),
  compare: 'instances',
  classBy: 'name',
  tolerancePx: 0.01,
});

describeFormatConformance(labelmeFormat, {
  options: { indent: '0' },
  fixtures: ['rich'],
  compare: 'instances',
  classBy: 'name',
  tolerancePx: 0.01,
});
