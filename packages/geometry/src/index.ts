// Public surface of @synx/geometry.
export {
  pixelIndicesToRle,
  rleArea,
  rleBbox,
  pixelIndicesBbox,
  rleCountsFromString,
  rleCountsToString,
  rleToPixelIndices,
  type CocoRle,
} from './rle.js';
export {
  clampBox,
  clipPolygonToRect,
  pointsExtent,
  polygonArea,
  rotatedBoxCorners,
  rotatedBoxHull,
  type Box,
  type Point,
} from './polygon.js';
export { bridgePolygons, traceContours, type Contour } from './contours.js';
