import { describeFormatConformance } from '@synx/format-testkit';
import { yoloFormat } from '../src/index.js';

const tasks = ['detect', 'segment', 'pose', 'obb'] as const;

// YOLO numbers have 6 decimals of the image size: 0.01 px on these images.
for (const task of tasks) {
  describeFormatConformance(yoloFormat, {
    packageJson: new URL('../package.json', import.meta.url),
    options: { task },
    // The manifest's annotationKinds are what some task keeps.
    manifestOptions: tasks.map((t) => ({ task: t })),
    // coco128/voc have no keypoint classes, so the pose task refuses them (tested in yolo.test.ts)
    fixtures: task === 'pose' ? ['rich'] : ['rich', 'coco128', 'voc'],
    tolerancePx: 0.02,
  });
}
