/**
 * Reasons every format may give without declaring them: the writer kit uses them for the cases
 * it owns, and a format's own `messages` table may override a text (not its meaning).
 */
export const KIT_MESSAGES = {
  /** An object whose class is missing. */
  noClass: 'the object has no class',
  /** An object whose class is not in the class map (reported once at the source already). */
  unknownClass: 'class "{{class}}" is not in the class map',
  /** A group with no geometry at any depth. */
  emptyGroup: 'a group without boxes, polygons, masks or keypoints has nothing to draw',
  /** A DM annotation synx could not interpret (reported at the source already). */
  uninterpretable: 'not interpretable ({{reason}}); kept only in raw JSON',
  /** A number that is not finite, beyond ±MAX_COORDINATE, a negative size… (`writableMedia`). */
  invalidGeometry: 'invalid geometry: {{detail}}',
  /** A kind the format declares no treatment for. */
  unsupported: '{{format}} cannot hold {{kind}} annotations',
  /** An annotation of a text whose content synx could not read (reported at the source). */
  noText: 'the text of {{media}} could not be read, so its spans cannot be placed',
  /** An image whose item has no class, for a format of one class per image. */
  noImageClass: 'the image has no class ({{rule}})',
  /** A part of an object the format's encoder neither kept, converted nor dropped. */
  unaccounted: 'left out by the format without a reason (a bug in the format)',
} as const;

/** The ids of {@link KIT_MESSAGES}. */
export type KitMessageId = keyof typeof KIT_MESSAGES;

/**
 * Kit messages about problems the source already reported as issues (an unknown class, an
 * uninterpretable annotation): a host counts such drops but does not warn about each again.
 */
export const REPORTED_AT_SOURCE: ReadonlySet<string> = new Set<KitMessageId>([
  'unknownClass',
  'uninterpretable',
  'noText',
]);

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * The text of a message: `messages[id]` (else the kit's), with each `{{name}}` replaced by
 * `data.name`. A placeholder without a value (as in a plan, where no annotation is at hand) is
 * left out when it stands alone in parentheses (`not interpretable ({{reason}})` → `not
 * interpretable`) and shown as `<name>` elsewhere; an unknown id is shown as itself, so a report
 * never loses a reason.
 */
export function messageText(
  messages: Readonly<Record<string, string>> | undefined,
  id: string,
  data?: Readonly<Record<string, string | number>>,
): string {
  const own = messages !== undefined && Object.hasOwn(messages, id) ? messages[id] : undefined;
  const text =
    own ?? (Object.hasOwn(KIT_MESSAGES, id) ? KIT_MESSAGES[id as KitMessageId] : undefined);
  if (text === undefined) {
    return id;
  }
  if (!text.includes('{{')) {
    return text;
  }
  return text
    .replace(/ \(\{\{(\w+)\}\}\)/g, (whole, name: string) =>
      data?.[name] === undefined ? '' : whole,
    )
    .replace(PLACEHOLDER, (_, name: string) => {
      const v = data?.[name];
      return v === undefined ? `<${name}>` : String(v);
    });
}
