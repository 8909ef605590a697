import { z } from 'zod';
import { IssueSchema } from './issues.js';
import { ClassMapSchema, DatasetHeaderSchema, ItemSchema } from './schema.js';

/**
 * The JSON Schema (draft 2020-12) of the canonical model, generated from the zod schemas. Its
 * `$defs` hold every named type (`Item`, `Annotation`, `DatasetHeader`, `Issue`, …); the root
 * validates one `Item`. The package ships it as `@synx/model/schema.json`.
 */
export function buildJsonSchema(): Record<string, unknown> {
  const root = z.object({
    item: ItemSchema,
    header: DatasetHeaderSchema,
    issue: IssueSchema,
    classes: ClassMapSchema,
  });
  const generated = z.toJSONSchema(root, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    cycles: 'ref',
  }) as {
    $defs?: Record<string, unknown>;
  };
  const defs = generated.$defs ?? {};
  const sortedDefs = Object.fromEntries(
    Object.entries(defs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://synx.dev/schema/model.json',
    title: 'synx canonical annotation model',
    description:
      'One canonical item (see $defs for DatasetHeader, Annotation, Issue, ClassMap and the rest).',
    $ref: '#/$defs/Item',
    $defs: sortedDefs,
  };
}
