/**
 * Every reason the NER formats give for a conversion or a drop, by id (`{{name}}` is filled from
 * the outcome's data). One table for the three formats: `{{format}}` names the one in use.
 * Offsets in messages are the source's: UTF-16 code units of the text, end exclusive.
 */
export const NER_MESSAGES = {
  // Kit messages as the NER formats word them.
  noClass: 'the entity has no class, so it has no label',
  unknownClass: 'class "{{class}}" is not a named-entity class of the class map',
  textNotHanded:
    'synx handed no content for {{media}} (a host that does not read texts: {{format}} needs synx with plugin-api 1.1 or later), so its spans cannot be placed',
  // Not a named entity (or relation) of a text.
  notEntity: '{{format}} holds named entities of text media, not {{kind}} annotations',
  noRelations: '{{format}} holds entities only, not relations',
  // The ranges of one entity (parseRanges).
  noRanges: '{{field}} of item {{item}} is empty: the entity has no span',
  badShape:
    '{{field}} of item {{item}} holds {{shape}}; synx reads ranges as Synapse stores them ({start: "/p[N]", startOffset, end: "/p[M]", endOffset}), as {start, end} objects or as [start, end] pairs',
  badXPath:
    '{{field}} of item {{item}} is {{value}}, not a paragraph path such as "/p[1]" (one paragraph per line of the text)',
  noParagraph:
    '{{field}} of item {{item}} is {{path}}, but the text has {{lines}} line(s) (one paragraph per line)',
  outOfParagraph:
    '{{field}} of item {{item}}: offset {{offset}} lies outside paragraph {{path}} ({{length}} UTF-16 code units)',
  notInteger: '{{field}} of item {{item}} is {{value}}, not a whole number',
  emptySpan: '{{field}} of item {{item}}: end {{end}} is not after start {{start}}',
  outOfText:
    '{{field}} of item {{item}}: {{start}}..{{end}} lies outside the text ({{length}} UTF-16 code units)',
  splitsCharacter:
    '{{field}} of item {{item}}: offset {{offset}} falls between the two halves of a surrogate pair (offsets are UTF-16 indices of the text)',
  discontinuous:
    '{{field}} of item {{item}} holds {{count}} separate ranges ({{ranges}}); {{format}} holds contiguous entities only',
  contentMismatch:
    'item {{item}}: the text at {{field}} ({{start}}..{{end}}) is {{actual}}, but the annotation content is {{content}}{{hint}}; the span is not written',
  // Between entities.
  overlap:
    '{{field}} of item {{item}}: {{start}}..{{end}} overlaps entity {{kept}} ({{keptStart}}..{{keptEnd}} {{keptLabel}}), which is kept; {{format}} holds no overlapping entities',
  overlapTokens:
    '{{field}} of item {{item}}: {{start}}..{{end}} shares the token {{token}} with entity {{kept}} ({{keptStart}}..{{keptEnd}} {{keptLabel}}), which is kept; BIO tags hold one entity per token',
  // Token formats (conll, hf-ner).
  cutsToken:
    '{{field}} of item {{item}}: {{start}}..{{end}} {{span}} cuts the token {{token}}; the entity is written over the whole tokens {{tokens}}',
  noTokens:
    '{{field}} of item {{item}}: {{start}}..{{end}} {{span}} holds no token (whitespace only)',
  labelWhitespace:
    'class code {{class}} holds whitespace, which a CoNLL column cannot; the entity is not written',
  // Relations (spacy).
  relationEnd:
    'relation {{relation}} of item {{item}}: its {{end}} {{target}} {{why}}, so the relation is not written',
} as const;

/** The ids of {@link NER_MESSAGES}. */
export type NerMessageId = keyof typeof NER_MESSAGES;
