import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema, convertDmV1, IssueCollector, type Item } from '../src/index.js';

describe('JSON Schema generated from the zod schemas', () => {
  const schema = buildJsonSchema();

  it('is the committed schema.json (regenerate with `vitest -u`)', async () => {
    await expect(`${JSON.stringify(schema, null, 2)}\n`).toMatchFileSnapshot('../schema.json');
  });

  it('compiles under Ajv2020 and validates a converted item', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const issues = new IssueCollector();
    const { media } = convertDmV1(
      {
        annotations: {
          image_1: [
            {
              id: 'A000000001',
              tool: 'bounding_box',
              classification: { class: 'car', color: 'red' },
            },
            { id: 'B000000001', tool: 'polygon', classification: { class: 'road' } },
            { id: 'C000000001', tool: 'mystery' },
          ],
        },
        annotationsData: {
          image_1: [
            { id: 'A000000001', coordinate: { x: 1.5, y: 2, width: 3, height: 4, rotation: 0.1 } },
            {
              id: 'B000000001',
              coordinate: [
                { x: 1, y: 1, id: 'v' },
                { x: 2, y: 2 },
                { x: 3, y: 1 },
              ],
            },
            { id: 'C000000001', anything: true },
          ],
        },
      },
      { itemId: '1', reporter: issues },
    );
    const item: Item = { id: '1', sourceKind: 'folder', key: 'a', stem: 'a', media };
    expect(validate(item), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects an item whose box has a negative width', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(schema);
    const bad = {
      id: '1',
      sourceKind: 'folder',
      key: 'a',
      stem: 'a',
      media: [
        {
          id: 'image_1',
          kind: 'image',
          annotations: [
            {
              id: 'x',
              tool: 'bounding_box',
              classCode: 'a',
              attributes: {},
              kind: 'bbox',
              x: 0,
              y: 0,
              width: -1,
              height: 1,
            },
          ],
        },
      ],
    };
    expect(validate(bad)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('width');
  });

  it('names every model type in $defs', () => {
    const defs = Object.keys(schema['$defs'] as object);
    for (const name of [
      'Item',
      'Media',
      'Annotation',
      'BBoxAnnotation',
      'DatasetHeader',
      'ClassMap',
      'Issue',
      'FileRef',
    ]) {
      expect(defs).toContain(name);
    }
  });
});
