import { describeFormatConformance } from '@synx/format-testkit';
import { {{exportName}} } from '../src/index.js';

// The shared suite every synx format runs: the manifest agrees with the module, every annotation
// is accounted once, output is deterministic, and what was written reads back.
describeFormatConformance({{exportName}}, {
  packageJson: new URL('../package.json', import.meta.url),
  compare: 'annotations',
  classBy: 'name',
  tolerancePx: 0.01,
});

describeFormatConformance({{exportName}}, {
  options: { pretty: 'false' },
  fixtures: ['rich'],
  compare: 'annotations',
  classBy: 'name',
  tolerancePx: 0.01,
});
