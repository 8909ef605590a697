import type { YoloLabelTask } from '../options.js';
import { detectTask } from './detect.js';
import { obbTask } from './obb.js';
import { poseTask } from './pose.js';
import { segmentTask } from './segment.js';
import type { YoloTaskModule } from './task.js';

/** The module of each YOLO task that writes label files (`classify` is the image-folder tree). */
export const TASKS: Readonly<Record<YoloLabelTask, YoloTaskModule>> = {
  detect: detectTask,
  segment: segmentTask,
  pose: poseTask,
  obb: obbTask,
};

export type { Drawing, ImageContext, Treatments, Use, YoloTaskModule } from './task.js';
