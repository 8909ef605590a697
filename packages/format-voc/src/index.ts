// Public surface of @synx/format-voc.
export { vocFormat } from './format.js';
export { VOC_FIELDS, VocOptionsSchema, type VocField, type VocOptions } from './options.js';
export { VOC_ISSUE_CODES } from './codes.js';
export { VOC_MESSAGES, type VocMessageId } from './messages.js';
export {
  fromVocBox,
  toVocBox,
  type VocBox,
  type VocBoxResult,
  type VocCoordinates,
} from './coordinates.js';
export { flagOf, vocFieldsOf, type VocFields } from './fields.js';
export { writeVoc } from './write.js';
export { detectVoc, parseLabelmap, readVoc, vocSources, type VocSource } from './read.js';
export { buildVocXml, type VocXmlDocument, type VocXmlObject } from './xml.js';
