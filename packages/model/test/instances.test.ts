import { describe, expect, it } from 'vitest';
import { convertDmV1, instancesOf, IssueCollector, keypointVisibility } from '../src/index.js';

function media(data: unknown) {
  const { media } = convertDmV1(data, { itemId: 'x', reporter: new IssueCollector() });
  return media[0]!;
}

describe('instancesOf', () => {
  it('makes one instance per group with geometry, and one per ungrouped box/polygon/mask', () => {
    const m = media({
      annotations: {
        image_1: [
          { id: 'b1', tool: 'bounding_box', classification: { class: 'person', color: 'red' } },
          { id: 'p1', tool: 'polygon', classification: { class: 'person' } },
          { id: 'k1', tool: 'keypoint', classification: { class: 'nose' } },
          { id: 'g1', tool: 'annotationGroup', classification: { class: 'person', crowd: false } },
          { id: 'b2', tool: 'bounding_box', classification: { class: 'car' } },
          { id: 'k2', tool: 'keypoint', classification: { class: 'nose' } },
          { id: 'c1', tool: 'classification', classification: { class: 'day' } },
          { id: 'g2', tool: 'annotationGroup', classification: { class: 'x' } },
        ],
      },
      annotationsData: {
        image_1: [
          { id: 'b1', coordinate: { x: 0, y: 0, width: 10, height: 10 } },
          {
            id: 'p1',
            coordinate: [
              { x: 0, y: 0 },
              { x: 5, y: 0 },
              { x: 5, y: 5 },
            ],
          },
          { id: 'k1', coordinate: { x: 1, y: 1 } },
          {
            id: 'g1',
            annotationList: [
              { annotationId: 'b1', children: [{ annotationId: 'p1', children: [] }] },
              { annotationId: 'k1', children: [] },
            ],
          },
          { id: 'b2', coordinate: { x: 1, y: 1, width: 2, height: 2 } },
          { id: 'k2', coordinate: { x: 3, y: 3 } },
          { id: 'c1' },
          {
            id: 'g2',
            annotationList: [
              { annotationId: 'c1', children: [] },
              { annotationId: 'missing', children: [] },
            ],
          },
        ],
      },
    });
    const { instances, rest } = instancesOf(m);
    // ordered by the position of the group (index 3) and of the lone box (index 4)
    expect(
      instances.map((i) => [
        i.group?.id,
        i.classCode,
        i.boxes.map((b) => b.id),
        i.polygons.map((p) => p.id),
        i.keypoints.map((k) => k.id),
      ]),
    ).toEqual([
      ['g1', 'person', ['b1'], ['p1'], ['k1']],
      [undefined, 'car', ['b2'], [], []],
    ]);
    expect(instances[0]?.attributes).toEqual({ crowd: false, color: 'red' });
    expect(rest.map((a) => a.id)).toEqual(['k2', 'c1', 'g2']);
  });
});

describe('keypointVisibility', () => {
  const kp = (attributes: Record<string, string | number | boolean>) =>
    ({ id: 'k', kind: 'keypoint', classCode: 'nose', x: 1, y: 2, attributes }) as never;

  it('is 1 for an occluded point (visibility or visible) and 2 otherwise', () => {
    expect(keypointVisibility(kp({ visibility: 1 }))).toBe(1);
    expect(keypointVisibility(kp({ visibility: '1' }))).toBe(1);
    expect(keypointVisibility(kp({ visible: false }))).toBe(1);
    expect(keypointVisibility(kp({ visibility: 'occluded' }))).toBe(1);
    expect(keypointVisibility(kp({ visibility: 2 }))).toBe(2);
    expect(keypointVisibility(kp({ visible: true }))).toBe(2);
    expect(keypointVisibility(kp({}))).toBe(2);
  });
});
