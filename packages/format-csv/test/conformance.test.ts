import { describeFormatConformance } from '@synx/format-testkit';
import { csvFormat } from '../src/index.js';

// The synx preset keeps every annotation but not group membership: compare annotation by
// annotation. The tfod preset keeps object boxes; Open Images files cannot be read back.
describeFormatConformance(csvFormat, {
  packageJson: new URL('../package.json', import.meta.url),
  compare: 'annotations',
});
describeFormatConformance(csvFormat, {
  options: { preset: 'tfod' },
  compare: 'instances',
  tolerancePx: 1e-6,
});
