import {
  ANNOTATION_FEATURES,
  type AnnotationFeature,
  type FormatDescription,
  type KindTreatment,
  type KitMessageId,
} from '@synx/plugin-api';
import type { NerMessageId } from './messages.js';

type Kinds = FormatDescription<NerMessageId>['kinds'];

/** Every feature but entities, relations and `other` (the kit's): not a named entity. */
const NOT_ENTITY = ANNOTATION_FEATURES.filter(
  (f) => f !== 'named-entity' && f !== 'relation' && f !== 'other',
);

/** The treatments of the NER formats: entities kept, relations as `relations` says. */
export function nerKinds(
  entityNote: string,
  relations: KindTreatment<NerMessageId | KitMessageId>,
): Kinds {
  const kinds: Partial<Record<AnnotationFeature, KindTreatment<NerMessageId | KitMessageId>>> = {
    'named-entity': { action: 'keep', note: entityNote },
    relation: relations,
    other: { action: 'drop', messageId: 'uninterpretable' },
  };
  for (const f of NOT_ENTITY) {
    kinds[f] = { action: 'drop', messageId: 'notEntity' };
  }
  return kinds;
}

/** Split files named by {@link splitFile}: every split's, for `owns`. */
export const OWNED_SPLITS: readonly string[] = ['data', 'train', 'val', 'test', 'validation'];

/** The first file written, for load hints: the first split's, else `data`. */
export const firstSplit = (splits: readonly string[] | undefined): string | undefined =>
  splits !== undefined && splits.length > 0 ? splits[0] : undefined;

/** What the plan says of every NER format (`FormatDescription.notes`). */
export const NER_NOTES: readonly string[] = [
  'entity ranges are read as Synapse stores them (/p[N] = line N of the text, UTF-16 offsets within it) or as plain offsets; an entity whose content differs from the text at its range is reported and not written',
  'overlapping entities cannot both be written: the one starting first (the longer on a tie) is kept, each other one reported',
];

/** The notes of the token formats (CoNLL, HF): how text becomes tokens. */
export const TOKEN_NOTES: readonly string[] = [
  ...NER_NOTES,
  'tokens: each line is a sentence; white space separates tokens and each punctuation mark is a token of its own; an entity that cuts a token is widened to the whole token (reported as converted)',
];
