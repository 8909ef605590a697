import type { ClassEntry, ClassMap } from '@synx/model';

/**
 * The entity labels of an export: the classes of the class map configured for the
 * `named_entity` tool (every class of a user class map, which names no tools), in class-map
 * order. The label of an entity is its class code.
 */
export function entityClasses(classes: ClassMap): ClassEntry[] {
  return classes.entries.filter((e) => e.tools.length === 0 || e.tools.includes('named_entity'));
}

/** The BIO tag list: `O`, then `B-X`, `I-X` for every entity class X in class-map order. */
export function bioLabels(classes: readonly ClassEntry[]): string[] {
  return ['O', ...classes.flatMap((c) => [`B-${c.code}`, `I-${c.code}`])];
}
