import type { ExportSummary } from '@synx/export';
import { describe, expect, it } from 'vitest';
import { renderOutputs, renderSummary } from '../src/lib/render.js';

/** A summary as runExport returns it, with what a test changes. */
function summary(over: Partial<ExportSummary> = {}): ExportSummary {
  return {
    output: '/abs/out',
    manifestPath: '/abs/out/synx-export.json',
    format: 'coco',
    status: 'complete',
    source: { kind: 'synapse-folder', path: './in' },
    project: undefined,
    classes: {
      origin: 'project',
      entries: [
        { index: 0, code: 'car', name: 'car', annotations: 12, images: 9, objects: 12 },
        {
          index: 1,
          code: 'person',
          name: 'Person',
          annotations: 3_400,
          images: 850,
          objects: 1_700,
        },
        { index: 2, code: 'bike', name: 'bike', annotations: 0, images: 0, objects: 0 },
      ],
    },
    counts: {
      items: 997,
      images: 997,
      emptyImages: 5,
      orientedImages: 0,
      unsizedImages: 0,
      annotations: {
        in: { bbox: 3_412 },
        written: { bbox: 3_412 },
        converted: {},
        dropped: {},
      },
    },
    converted: [],
    dropped: [],
    issues: { errors: 0, warnings: 0, infos: 0, byCode: [] },
    firstIssues: [],
    files: 3,
    outputs: [
      { path: 'annotations/instances_train.json', images: 897, annotations: 3_100, split: 'train' },
      { path: 'annotations/instances_val.json', images: 100, annotations: 312, split: 'val' },
      { path: 'classes.json' },
    ],
    loadHint: 'pycocotools: COCO("/abs/out/annotations/instances_train.json")',
    split: undefined,
    media: undefined,
    durationMs: 2_000,
    ...over,
  };
}

describe('the final report', () => {
  it('lists every output file with its counts, aligned, then time, manifest and how to load', () => {
    const text = renderSummary(summary(), './out');
    const lines = text.split('\n');
    const at = lines.indexOf('  files        ./out/');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 4)).toEqual([
      '    annotations/instances_train.json — 897 images, 3,100 annotations',
      '    annotations/instances_val.json   — 100 images, 312 annotations',
      '    classes.json',
    ]);
    expect(lines.slice(at + 4)).toEqual([
      '  time         2.0 s (499 items/s)',
      '  manifest     ./out/synx-export.json',
      // the absolute folder in the hint is shown as the report names it
      '  load with    pycocotools: COCO("./out/annotations/instances_train.json")',
    ]);
    // what it showed before stays
    expect(lines[0]).toBe(
      'Exported 997 items (997 images, 5 without objects) as coco to ./out in 2.0 s',
    );
    expect(text).toContain('  annotations  3,412 in: bbox 3,412');
  });

  it('names folders with their file count, and leaves out what the writer did not give', () => {
    expect(
      renderOutputs([
        { path: 'labels/train/', files: 1, images: 1, annotations: 0 },
        { path: 'data.yaml' },
      ]),
    ).toEqual(['    labels/train/ — 1 file, 1 image, 0 annotations', '    data.yaml']);
    const text = renderSummary(summary({ outputs: [], loadHint: undefined }), './out');
    expect(text).not.toContain('files ');
    expect(text).not.toContain('load with');
  });

  it('lists classes by annotations written, most first, with their ids and display names', () => {
    const lines = renderSummary(summary(), './out').split('\n');
    const at = lines.findIndex((l) => l.startsWith('  classes      3 from the project'));
    expect(lines.slice(at + 1, at + 4)).toEqual([
      '       1  person      3,400 annotations · 1,700 objects on 850 images  (Person)',
      '       0  car            12 annotations · 12 objects on 9 images',
      '       2  bike            0 annotations · 0 objects on 0 images',
    ]);
  });

  it('shows the top 20 classes, then how many more and their annotations', () => {
    const entries = Array.from({ length: 25 }, (_, i) => ({
      index: i,
      code: `c${String(i).padStart(2, '0')}`,
      name: `c${String(i).padStart(2, '0')}`,
      annotations: 100 - i,
      images: 1,
      objects: 1,
    }));
    const text = renderSummary(summary({ classes: { origin: 'project', entries } }), './out');
    expect(text).toContain('      19  c19         81 annotations · 1 object on 1 image\n');
    expect(text).not.toContain('c20');
    // 80 + 79 + 78 + 77 + 76
    expect(text).toContain('    … 5 more (390 annotations)');
  });

  it('says what happened to the original files: saved, bytes, already there, missing', () => {
    const text = renderSummary(
      summary({
        media: {
          mode: 'download',
          files: 10,
          downloaded: 7,
          skipped: 2,
          resumed: 1,
          copied: 0,
          linked: 0,
          bytes: 18_200_000,
          retries: 0,
          refreshes: 0,
          durationMs: 3_000,
          failed: [
            {
              itemId: 'i9',
              mediaId: 'image_1',
              file: 'images/x.jpg',
              code: 'http-404',
              reason: 'HTTP 404',
              attempts: 1,
            },
          ],
          failedCount: 1,
          transformed: {
            orientation: 'apply',
            oriented: 2,
            transcoded: { png: 3 },
            earlier: 1,
            examples: ['images/a.jpg'],
          },
        },
      }),
      './out',
    );
    expect(text).toContain(
      '    rewritten  2 turned upright (EXIF orientation applied), 3 PNG transcoded to JPEG, 1 rewritten by an earlier run',
    );
    expect(text).toContain(
      '  media        10 files: 7 downloaded (1 resumed), 2 already there, 1 missing · 18.2 MB in 3.0 s',
    );
    expect(text).toContain('    missing images/x.jpg (item i9): HTTP 404');
  });
});
