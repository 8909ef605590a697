/**
 * The reasons raw JSON gives for a conversion or a drop: none of its own. It writes every
 * annotation as received; the only drop, an annotation with unusable numbers in a file rebuilt
 * from the model, is the kit's `invalidGeometry` (from `writableMedia`).
 */
export const JSON_MESSAGES = {} as const;
export type JsonMessageId = keyof typeof JSON_MESSAGES;
