import { describeFormatConformance } from '@synx/format-testkit';
import { yoloFormat } from '../src/index.js';

const tasks = ['detect', 'segment', 'pose', 'obb', 'classify'] as const;

// YOLO numbers have 6 decimals of the image size: 0.01 px on these images.
for (const task of tasks) {
  describeFormatConformance(yoloFormat, {
    // The manifest check looks for each listed extension among the files of this task's run;
    // classify writes no .yaml, so its manifest is checked by the other tasks' runs.
    ...(task === 'classify'
      ? { module: { url: new URL('../dist/index.js', import.meta.url), export: 'yoloFormat' } }
      : { packageJson: new URL('../package.json', import.meta.url) }),
    options: { task },
    // The manifest's annotationKinds are what some task keeps.
    manifestOptions: tasks.map((t) => ({ task: t })),
    // coco128/voc have no keypoint classes, so the pose task refuses them (tested in yolo.test.ts);
    // classify files images by their classification: its own fixture first
    fixtures:
      task === 'pose'
        ? ['rich']
        : task === 'classify'
          ? ['classification', 'rich', 'coco128', 'voc']
          : ['rich', 'coco128', 'voc'],
    ...(task === 'classify' ? { shared: 'classification' as const } : {}),
    tolerancePx: 0.02,
  });
}
