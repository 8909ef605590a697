import { planExport, type ExportPlan } from '@synx/export';
import { cocoFormat } from '@synx/format-coco';
import { parseSplitRatios } from '@synx/split';
import { describe, expect, it } from 'vitest';
import { renderPlan } from '../src/lib/render.js';
import { DEMO } from './helpers.js';

const coco = cocoFormat;
const request = {
  source: { kind: 'folder' as const, dir: DEMO },
  format: coco,
  split: { ratios: parseSplitRatios('0.5/0.5') },
};

describe('renderPlan', () => {
  it('an exact plan (the 30-item demo is read whole) says nothing of a sample', async () => {
    const plan = await planExport(request);
    expect(plan.sampled).toEqual({ items: 30, of: 30, exact: true });
    const text = renderPlan(plan);
    expect(text).not.toContain('estimated');
    expect(text).not.toContain('sampled');
    expect(text).toMatch(/^ {2}items {8}30 \(/m);
    expect(text).toContain('per class (train / val');
  });

  it('a sampled plan says what it is estimated from, and labels the counts', async () => {
    const plan = await planExport(request, { sampleItems: 10 });
    expect(plan.sampled).toEqual({ items: 10, of: 30, exact: false });
    const text = renderPlan(plan);
    expect(text).toContain(
      '  counts       estimated from 10 of 30 items (sampled; --dry-run --full for exact counts)',
    );
    expect(text).toMatch(/^ {2}items {8}30; in 10 sampled items: \d+ images?, /m);
    expect(text).toMatch(/^ {2}annotations {2}.* \(in 10 sampled items\)$/m);
    expect(text).toMatch(/^ {2}classes {6}.* used \(in 10 sampled items\)$/m);
    expect(text).toContain('items per split are estimated from 10 of 30 items');
    expect(text).not.toContain('per class (train / val');
  });

  it('shows statuses and tags, most frequent first, when the items carry them', () => {
    const base: ExportPlan = {
      source: { kind: 'synapse-api', host: 'https://x', target: 'assignment', projectId: 1 },
      project: { id: 1 },
      format: { id: 'coco', title: 'COCO', options: {} },
      output: '/tmp/out',
      items: 100_000,
      sampled: { items: 500, of: 100_000, exact: false },
      images: 500,
      emptyImages: 3,
      orientedImages: 0,
      mediaKinds: { image: 500 },
      annotations: { bbox: 1200 },
      annotationsByMedia: { image: { bbox: 1200 } },
      classOrigin: 'project',
      classes: [{ index: 0, id: 1, code: 'car', name: 'car', count: 1200 }],
      unknownClasses: [],
      statuses: [
        { value: 'completed', count: 400 },
        { value: 'rejected', count: 100 },
      ],
      tags: [{ value: 'night', count: 50 }],
      treatments: [],
      losses: [],
      withheld: [],
      layout: ['annotations/instances_default.json'],
      split: undefined,
      issues: { errors: 0, warnings: 0, byCode: [] } as unknown as ExportPlan['issues'],
      notes: [],
    };
    const text = renderPlan(base);
    expect(text).toContain(
      'counts       estimated from 500 of 100,000 items (sampled; --dry-run --full for exact counts)',
    );
    expect(text).toContain(
      '  items        100,000; in 500 sampled items: 500 images, 3 without objects',
    );
    expect(text).toContain('  statuses     completed 400 · rejected 100 (in 500 sampled items)');
    expect(text).toContain('  tags         night 50 (in 500 sampled items)');
    const unknownTotal = renderPlan({
      ...base,
      sampled: { items: 500, of: undefined, exact: false },
    });
    expect(unknownTotal).toContain('estimated from 500 items (total unknown)');
    const exact = renderPlan({
      ...base,
      items: 500,
      sampled: { items: 500, of: 500, exact: true },
    });
    expect(exact).toContain('  statuses     completed 400 · rejected 100\n');
    expect(exact).not.toContain('sampled');
  });

  it('lists the annotations on media the format does not hold among the losses', async () => {
    const base = await planExport(request);
    const text = renderPlan({
      ...base,
      withheld: [{ kind: 'video', count: 2, reason: 'COCO holds image media only, not video' }],
    });
    expect(text).toContain(
      '    - 2 annotations on video media: dropped — COCO holds image media only, not video',
    );
    expect(text).not.toContain('holds everything the source has');
  });
});
