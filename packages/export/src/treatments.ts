import {
  messageText,
  type AnnotationFeature,
  type AnyFormat,
  type FormatDescription,
  type KindTreatment,
} from '@synx/plugin-api';

/** A format's treatment of one feature with its text resolved from the format's messages. */
export type ResolvedTreatment =
  | { readonly action: 'keep'; readonly note?: string }
  | { readonly action: 'convert'; readonly to: string; readonly note: string }
  | { readonly action: 'drop'; readonly reason: string };

/**
 * A treatment as people read it (plan, manifest, `synx formats show`): its `messageId` replaced
 * by the text from the format's `messages` (or the kit's); placeholders the plan cannot fill are
 * shown as `<name>`. A feature the format does not list is dropped as not supported.
 */
export function resolveTreatment(
  format: Pick<AnyFormat, 'title' | 'messages'>,
  feature: AnnotationFeature,
  t: KindTreatment | undefined,
): ResolvedTreatment {
  if (t === undefined) {
    return { action: 'drop', reason: `${format.title} cannot hold ${feature} annotations` };
  }
  if (t.action === 'keep') {
    return t.note === undefined ? { action: 'keep' } : { action: 'keep', note: t.note };
  }
  const text = messageText(format.messages, t.messageId, { format: format.title, kind: feature });
  return t.action === 'convert'
    ? { action: 'convert', to: t.to, note: text }
    : { action: 'drop', reason: text };
}

/** Every treatment a description lists, resolved (in the description's order). */
export function resolveTreatments(
  format: Pick<AnyFormat, 'title' | 'messages'>,
  description: FormatDescription,
): Partial<Record<AnnotationFeature, ResolvedTreatment>> {
  const out: Partial<Record<AnnotationFeature, ResolvedTreatment>> = {};
  for (const [feature, t] of Object.entries(description.kinds) as [
    AnnotationFeature,
    KindTreatment,
  ][]) {
    out[feature] = resolveTreatment(format, feature, t);
  }
  return out;
}
