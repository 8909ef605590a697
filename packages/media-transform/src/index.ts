export {
  isTransformed,
  needsTransform,
  transformMediaFile,
  TRANSFORM_MARK,
  type MediaTransformOptions,
  type TransformResult,
} from './transform.js';
