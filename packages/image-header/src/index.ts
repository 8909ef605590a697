// Public surface of @synx/image-header.
export type { ByteRangeReader, ImageFormat, ImageHeader, ParseResult } from './types.js';
export { parseImageHeader } from './parse.js';
export {
  readImageHeader,
  readImageHeaderFromFile,
  readImageHeaderFromFileSync,
  type ReadImageHeaderFromFileOptions,
  type ReadImageHeaderFromFileSyncOptions,
  type ReadImageHeaderOptions,
} from './read.js';
export { encodeJpeg, type EncodeJpegOptions } from './encode-jpeg.js';
export { encodePng, type EncodePngOptions } from './encode-png.js';
