/** Issue codes this format reports. */
export const VOC_ISSUE_CODES = {
  sizeUnknown: 'SYNX_VOC_SIZE_UNKNOWN',
  depthUnknown: 'SYNX_VOC_DEPTH_UNKNOWN',
  stemCollision: 'SYNX_VOC_STEM_COLLISION',
  notJpeg: 'SYNX_VOC_NOT_JPEG',
  labelmapName: 'SYNX_VOC_LABELMAP_NAME',
  invalidFile: 'SYNX_VOC_INVALID_FILE',
  invalidObject: 'SYNX_VOC_INVALID_OBJECT',
  partsIgnored: 'SYNX_VOC_PARTS_IGNORED',
} as const;

/**
 * The longest text synx writes in one XML text node. libxml2 (xmllint, lxml) refuses text nodes
 * over 10,000,000 bytes unless told to accept huge documents; 1,000,000 characters stay below
 * that in any encoding.
 */
export const MAX_XML_TEXT = 1_000_000;
