import { describe, expect, it } from 'vitest';
import { convertDmV1, instancesOf, parseDmJson, type Issue } from '../src/index.js';

function convert(data: unknown): { issues: Issue[]; out: ReturnType<typeof convertDmV1> } {
  const issues: Issue[] = [];
  const out = convertDmV1(data, { itemId: 'it', reporter: { report: (i) => issues.push(i) } });
  return { issues, out };
}

const box = { coordinate: { x: 1, y: 2, width: 3, height: 4 } };

describe('hostile DM v1', () => {
  it('keeps an attribute named __proto__ as an attribute (and on the instance)', () => {
    const data = parseDmJson(
      '{"annotations":{"image_1":[{"id":"a","tool":"bounding_box","classification":{"class":"car","__proto__":"x","constructor":"y"}}]},"annotationsData":{"image_1":[{"id":"a","coordinate":{"x":1,"y":2,"width":3,"height":4}}]}}',
      'x.json',
    );
    const { out, issues } = convert(data);
    const a = out.media[0]?.annotations[0];
    expect(issues).toEqual([]);
    expect(Object.keys(a?.attributes ?? {})).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(a?.attributes)).toBe('{"__proto__":"x","constructor":"y"}');
    expect(Object.getPrototypeOf(a?.attributes)).toBe(Object.prototype);
    const inst = instancesOf(out.media[0]!).instances[0];
    expect(JSON.stringify(inst?.attributes)).toBe('{"__proto__":"x","constructor":"y"}');
  });

  it('names the field of an object without a class: null, missing, or a number', () => {
    const { issues } = convert({
      annotations: {
        image_1: [
          { id: 'n', tool: 'bounding_box', classification: null },
          { id: 'm', tool: 'bounding_box' },
          { id: 'k', tool: 'bounding_box', classification: { class: 3 } },
          { id: 'g', tool: 'bounding_box', classification: null },
        ],
      },
      annotationsData: {
        image_1: [
          { id: 'n', ...box },
          { id: 'm', ...box },
          { id: 'k', ...box },
          { id: 'g', ...box },
        ],
      },
      annotationGroups: {
        image_1: [
          {
            id: 'grp',
            classification: { class: 'car' },
            annotationList: [{ annotationId: 'g', children: [] }],
          },
        ],
      },
    });
    const noClass = issues.filter((i) => i.code === 'SYNX_DM_NO_CLASS');
    expect(noClass.map((i) => [i.annotationId, i.field, i.severity])).toEqual([
      ['n', 'annotations.image_1[0].classification', 'error'],
      ['m', 'annotations.image_1[1].classification', 'error'],
      ['k', 'annotations.image_1[2].classification.class', 'error'],
    ]);
    expect(noClass.every((i) => i.itemId === 'it')).toBe(true);
    expect(noClass[2]?.message).toContain('is 3');
  });
});
