import type { Annotation, Item, Media } from '@synx/model';
import { describe, expect, it } from 'vitest';
import {
  imageSide,
  writableMedia,
  type AnnotationOutcome,
  type FormatContext,
} from '../src/index.js';

function context(outcomes: AnnotationOutcome[]): FormatContext {
  return {
    apiVersion: 1,
    signal: new AbortController().signal,
    log: { debug: () => undefined },
    report: () => undefined,
    account: (o) => outcomes.push(o),
  };
}

const box = (id: string, x: number, width = 10): Annotation => ({
  id,
  tool: 'bounding_box',
  classCode: 'car',
  attributes: {},
  kind: 'bbox',
  x,
  y: 0,
  width,
  height: 10,
});

function image(
  annotations: Annotation[],
  size: Partial<Record<'width' | 'height', number>>,
): Media {
  return { id: 'image_1', kind: 'image', annotations, ...size };
}
const item = (m: Media): Item => ({
  id: 'i',
  sourceKind: 'folder',
  key: 'i',
  stem: 'i',
  media: [m],
});

describe('imageSide', () => {
  it('accepts positive integers up to MAX_IMAGE_SIDE only', () => {
    for (const ok of [1, 640, 1_000_000]) {
      expect(imageSide(ok)).toBe(ok);
    }
    for (const bad of [undefined, 0, -0, -1, 1.5, NaN, Infinity, 1_000_001, 1e21, '640']) {
      expect(imageSide(bad)).toBeUndefined();
    }
  });
});

describe('writableMedia', () => {
  it('returns the media itself when every number is usable', () => {
    const outcomes: AnnotationOutcome[] = [];
    const m = image([box('a', 1), box('b', 2)], { width: 100, height: 100 });
    expect(writableMedia(item(m), m, context(outcomes))).toBe(m);
    expect(outcomes).toEqual([]);
  });

  it('accounts invalid geometry as dropped with the invalidGeometry message, and leaves it out', () => {
    const outcomes: AnnotationOutcome[] = [];
    const bad = box('b', NaN);
    const negative = box('c', 0, -3);
    const m = image([box('a', 1), bad, negative, box('d', 1e7)], { width: 100, height: 100 });
    const view = writableMedia(item(m), m, context(outcomes));
    expect(view.annotations.map((a) => a.id)).toEqual(['a', 'd']);
    expect(view.width).toBe(100);
    expect(m.annotations).toHaveLength(4); // the input is not changed
    expect(outcomes).toMatchObject([
      {
        annotation: bad,
        outcome: 'dropped',
        messageId: 'invalidGeometry',
        data: { detail: 'x is NaN, not a finite number' },
      },
      {
        annotation: negative,
        outcome: 'dropped',
        messageId: 'invalidGeometry',
        data: { detail: 'width is negative (-3)' },
      },
    ]);
  });

  it('treats an unusable width or height as an unknown size (both)', () => {
    for (const size of [
      { width: 0, height: 10 },
      { width: -5, height: 10 },
      { width: NaN, height: 10 },
      { width: 10, height: 1.5 },
      { width: 10, height: 2e6 },
      { width: 10 },
    ]) {
      const m = image([box('a', 1)], size);
      const view = writableMedia(item(m), m, context([]));
      expect(view.width, JSON.stringify(size)).toBeUndefined();
      expect(view.height, JSON.stringify(size)).toBeUndefined();
      expect(view.annotations).toHaveLength(1);
    }
  });
});
