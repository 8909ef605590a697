import type { Annotation, JsonValue, Media } from '@synx/model';
import { z } from 'zod';

/** Where the class of an image comes from (option `classFrom`). */
export type ClassRule =
  { readonly kind: 'classification' } | { readonly kind: 'attribute'; readonly name: string };

/** The `classFrom` option: `classification` (default) or `attribute:<name>`. */
export const ClassFromSchema = z
  .string()
  .regex(/^(classification|attribute:.+)$/, {
    message: 'classFrom is "classification" or "attribute:<name>"',
  })
  .default('classification')
  .describe(
    'The class of each image: "classification" (the class of its classification annotations) or "attribute:<name>" (the value of that attribute of its classification annotations; a multi-select gives several).',
  );

/** The rule an option value names. */
export function parseClassRule(classFrom: string): ClassRule {
  return classFrom.startsWith('attribute:')
    ? { kind: 'attribute', name: classFrom.slice('attribute:'.length) }
    : { kind: 'classification' };
}

/** The rule in words, for messages and the plan: `classification.class`, `classification.color`. */
export function ruleText(rule: ClassRule): string {
  return rule.kind === 'classification'
    ? 'classification.class'
    : `classification.${rule.name} (attribute)`;
}

function valueClasses(v: JsonValue | undefined): string[] {
  if (typeof v === 'string') {
    return v === '' ? [] : [v];
  }
  if (typeof v === 'number') {
    return Number.isFinite(v) ? [String(v)] : [];
  }
  if (typeof v === 'boolean') {
    return [String(v)];
  }
  if (Array.isArray(v)) {
    return v.flatMap((x) => (Array.isArray(x) ? [] : valueClasses(x)));
  }
  return [];
}

/** The classes one annotation gives its image by the rule (none for any other kind). */
export function classesOfAnnotation(a: Annotation, rule: ClassRule): string[] {
  if (a.kind !== 'classification') {
    return [];
  }
  if (rule.kind === 'classification') {
    return a.classCode === null || a.classCode === '' ? [] : [a.classCode];
  }
  return valueClasses(a.attributes[rule.name]);
}

/** The distinct classes of one image by the rule, in the order of its annotations. */
export function classesOfImage(media: Media, rule: ClassRule): string[] {
  const out = new Set<string>();
  for (const a of media.annotations) {
    for (const c of classesOfAnnotation(a, rule)) {
      out.add(c);
    }
  }
  return [...out];
}

/** The class of an item (of all its images: they share one folder), or why it has none. */
export type ItemClass =
  | { readonly kind: 'class'; readonly cls: string }
  | { readonly kind: 'none' }
  /** One image has several classes. */
  | { readonly kind: 'multi'; readonly classes: readonly string[]; readonly media: Media }
  /** Its images have one class each, but not the same. */
  | { readonly kind: 'mixed'; readonly classes: readonly string[] };

/**
 * The class of an item's images: the one class its images' classification annotations give
 * (an image without its own shares its item's), else none, several in one image (`multi`), or
 * different ones in different images (`mixed`). A pure function of the item, so `mediaDir` (which
 * places the images) and the writer (which accounts for them) always agree.
 */
export function itemClassOf(images: readonly Media[], rule: ClassRule): ItemClass {
  const all = new Set<string>();
  for (const m of images) {
    const own = classesOfImage(m, rule);
    if (own.length > 1) {
      return { kind: 'multi', classes: own, media: m };
    }
    for (const c of own) {
      all.add(c);
    }
  }
  const [first, ...others] = all;
  if (first === undefined) {
    return { kind: 'none' };
  }
  return others.length === 0 ? { kind: 'class', cls: first } : { kind: 'mixed', classes: [...all] };
}
