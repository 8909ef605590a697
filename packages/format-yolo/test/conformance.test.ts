import { describeFormatConformance } from '@synx/format-testkit';
import { yoloFormat } from '../src/index.js';

// YOLO numbers have 6 decimals of the image size: 0.01 px on these images.
for (const task of ['detect', 'segment', 'pose', 'obb'] as const) {
  describeFormatConformance(yoloFormat, {
    packageJson: new URL('../package.json', import.meta.url),
    options: { task },
    // coco128/voc have no keypoint classes, so the pose task refuses them (tested in yolo.test.ts)
    fixtures: task === 'pose' ? ['rich'] : ['rich', 'coco128', 'voc'],
    tolerancePx: 0.02,
    ...(task === 'segment' ? { compare: 'none' as const } : {}),
  });
}
