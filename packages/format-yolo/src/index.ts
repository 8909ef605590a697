// Public surface of @synx/format-yolo.
export { yoloFormat } from './format.js';
export { YoloOptionsSchema, type YoloOptions, type YoloTask } from './options.js';
export { flipIndex } from './flip.js';
export { writeYolo } from './write.js';
export { detectYolo, readYolo } from './read.js';
