// Public surface of @synx/format-coco.
export { cocoFormat } from './format.js';
export { CocoOptionsSchema, type CocoOptions } from './options.js';
export { writeCoco } from './write.js';
export { readCoco, detectCoco, cocoFiles } from './read.js';
