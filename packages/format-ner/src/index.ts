// Public surface of @synx/format-ner.
export { spacyFormat, describeSpacy, detectSpacy, parseSpacyLine, spacyWriter } from './spacy.js';
export { conllFormat, describeConll, detectConll, conllWriter, DOCSTART } from './conll.js';
export { hfNerFormat, describeHfNer, detectHfNer, hfNerWriter, LABEL_NAMES } from './hf-ner.js';
export { NER_MESSAGES, type NerMessageId } from './messages.js';
export {
  parseRanges,
  RANGE_SHAPES,
  shapeOf,
  type ParsedRanges,
  type RangeProblem,
  type RangeShape,
  type TextRange,
} from './ranges.js';
export { OffsetMap, insidePair, quoted } from './unicode.js';
export { tokenize, type Token } from './tokenize.js';
export { entityClasses, bioLabels } from './labels.js';
export {
  Accountant,
  EntityLabels,
  prepareMedia,
  relationsOf,
  codePointSpan,
  type PreparedMedia,
  type Span,
  type SpanRelation,
} from './spans.js';
export { placeOnTokens, bioTags, entitiesOfTags, type TokenEntity } from './bio.js';
export {
  writeNer,
  splitFile,
  documentId,
  type DocMeta,
  type EncodedDocument,
  type NerWriterSpec,
} from './write.js';
export { itemsOf, type ReadDocument } from './read.js';
