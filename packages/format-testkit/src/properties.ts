// Property test of a format's writer: whatever the numbers of the geometry and the image sizes,
// every file it writes loads in a strict parser and every annotation is accounted exactly once.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import {
  classMapFromProjectConfiguration,
  geometryProblem,
  type Annotation,
  type Item,
  type Media,
} from '@synx/model';
import type { AnyFormat } from '@synx/plugin-api';
import type { RecordedOutcome } from './index.js';
import { describe, expect, it } from 'vitest';
import { filesUnder, runWriter, tempDir, type FixtureData } from './index.js';

/** One file a writer wrote, for a format's own strict check. */
export interface WrittenFile {
  /** Path relative to the output folder, with `/` separators. */
  readonly rel: string;
  readonly path: string;
  readonly bytes: Buffer;
  /** The bytes as UTF-8. */
  readonly text: string;
}

/** Options of {@link describeWriterProperties}. */
export interface WriterPropertyOptions {
  /** Raw format options (as from `--option`); one property run per entry. Default `[{}]`. */
  readonly options?: readonly Readonly<Record<string, unknown>>[];
  /**
   * Loads one output file the way its consumer would, strictly, and throws (or fails an
   * `expect`) when it could not. `.json` and `.jsonl` files are also checked with `JSON.parse`
   * by the suite itself.
   */
  readonly checkFile: (
    file: WrittenFile,
    options: Readonly<Record<string, unknown>>,
  ) => void | Promise<void>;
  /** Generated datasets per option set. Default 60. */
  readonly runs?: number;
  /** fast-check seed, for a reproducible run. Default 20260101. */
  readonly seed?: number;
}

/** Object classes the generated items use (plus `null` and an unknown class). */
export const PROPERTY_CLASSES = ['car', 'person'] as const;
/** Keypoint classes of the generated project. */
export const PROPERTY_KEYPOINTS = ['nose', 'left_eye', 'right_eye'] as const;

const schema = (codes: readonly string[]): object => ({
  classification_schema: codes.map((c) => ({ code: c, name: c })),
});
const classes = classMapFromProjectConfiguration({
  classification: {
    bounding_box: schema(PROPERTY_CLASSES),
    polygon: schema(PROPERTY_CLASSES),
    polyline: schema(PROPERTY_CLASSES),
    segmentation: schema(PROPERTY_CLASSES),
    annotationGroup: schema(PROPERTY_CLASSES),
    classification: schema(['day']),
    keypoint: schema(PROPERTY_KEYPOINTS),
  },
});

/** Numbers that break naive arithmetic or printing. */
const HOSTILE_NUMBERS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e308,
  -1e308,
  -0,
  2 ** 53 + 1,
  1e21,
  -1e21,
  1e7,
  1e7 + 1,
  -1e7,
  5e-324,
  -1e-12,
];

/** A coordinate: mostly ordinary (inside or near a small image), sometimes hostile. */
const coordinate = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -50, max: 700, noNaN: true }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 640 }) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
);
/** A box side: ordinary, zero, negative or hostile. */
const side = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 400, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, -5, -1e-9) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
);
/** A mask pixel index: ordinary, huge, negative, fractional or not finite. */
const pixelIndex = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 5000 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      2 ** 53 + 1,
      1e12,
      1e12 + 7,
      1e13,
      1e21,
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ),
  },
);
/** An image side: missing, ordinary, or unusable (0, negative, fractional, not finite, huge). */
const imageSide = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 2000 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      0,
      -1,
      -640,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1_000_000,
      1_000_001,
      2 ** 31,
      1e21,
    ),
  },
);
const classCode = fc.constantFrom<string | null>(...PROPERTY_CLASSES, null, 'ghost');
const point = fc.record({ x: coordinate, y: coordinate });

type Shape =
  | { kind: 'bbox'; x: number; y: number; width: number; height: number; rotation?: number }
  | { kind: 'polygon' | 'polyline'; points: { x: number; y: number }[] }
  | { kind: 'keypoint'; x: number; y: number; code: string | null }
  | { kind: 'mask'; pixelIndices: number[] }
  | { kind: 'classification' }
  | { kind: 'group'; members: number[] };

const shape: fc.Arbitrary<Shape> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        kind: fc.constant('bbox' as const),
        x: coordinate,
        y: coordinate,
        width: side,
        height: side,
        rotation: fc.oneof(fc.constant(0), fc.double({ min: -7, max: 7, noNaN: true }), coordinate),
      },
      { requiredKeys: ['kind', 'x', 'y', 'width', 'height'] },
    ),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('polygon' as const, 'polyline' as const),
      points: fc.array(point, { maxLength: 7 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('keypoint' as const),
      x: coordinate,
      y: coordinate,
      code: fc.constantFrom<string | null>(...PROPERTY_KEYPOINTS, null, 'elbow'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('mask' as const),
      pixelIndices: fc.array(pixelIndex, { maxLength: 24 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'classification' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('group' as const),
      members: fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 4 }),
    }),
  },
);

const image = fc.record({
  width: imageSide,
  height: imageSide,
  shapes: fc.array(fc.record({ shape, cls: classCode }), { maxLength: 8 }),
});

/** The canonical annotation of a generated shape (built directly: no conversion screens it). */
function annotationOf(id: string, s: Shape, cls: string | null): Annotation {
  const base = { id, tool: s.kind, classCode: cls, attributes: {} };
  switch (s.kind) {
    case 'bbox':
      return {
        ...base,
        tool: 'bounding_box',
        kind: 'bbox',
        x: s.x,
        y: s.y,
        width: s.width,
        height: s.height,
        ...(s.rotation === undefined ? {} : { rotation: s.rotation }),
      };
    case 'polygon':
    case 'polyline':
      return { ...base, kind: s.kind, points: s.points.map((p) => ({ x: p.x, y: p.y })) };
    case 'keypoint':
      return { ...base, classCode: s.code, kind: 'keypoint', x: s.x, y: s.y };
    case 'mask':
      return { ...base, tool: 'segmentation', kind: 'mask', pixelIndices: s.pixelIndices };
    case 'classification':
      return { ...base, classCode: cls === null ? null : 'day', kind: 'classification' };
    case 'group':
      return {
        ...base,
        tool: 'annotationGroup',
        kind: 'group',
        members: s.members.map((m) => ({ annotationId: `a${m}`, children: [] })),
      };
  }
}

/** Generated datasets: 1–5 one-image items. */
export const hostileDatasets: fc.Arbitrary<FixtureData> = fc
  .array(image, { minLength: 1, maxLength: 5 })
  .map((images) => ({
    items: images.map((img, i): Item => {
      const stem = `item${i}`;
      const media: Media = {
        id: 'image_1',
        kind: 'image',
        file: { name: `${stem}.jpg` },
        // As converted from DM v1 (so a writer that rebuilds DM v1 writes every annotation).
        sections: ['annotations', 'annotationsData'],
        annotations: img.shapes.map((s, k) => annotationOf(`a${k}`, s.shape, s.cls)),
      };
      // Sizes straight from the generator, unusable ones included (as a broken header may give).
      const loose = media as { width?: number; height?: number };
      if (img.width !== undefined) {
        loose.width = img.width;
      }
      if (img.height !== undefined) {
        loose.height = img.height;
      }
      return { id: stem, sourceKind: 'folder', key: stem, stem, media: [media] };
    }),
    classes,
    keypointNames: [...PROPERTY_KEYPOINTS],
  }));

/** A bare NaN or Infinity token anywhere in a text (the generated strings contain none). */
const NON_FINITE_TOKEN = /(?<![A-Za-z])(?:NaN|Infinity)(?![A-Za-z])/;

/** Every annotation given to the writer is accounted exactly once, invalid geometry as such. */
export function expectAccountedOnce(data: FixtureData, outcomes: readonly RecordedOutcome[]): void {
  const seen = new Map<Annotation, RecordedOutcome[]>();
  for (const o of outcomes) {
    seen.set(o.annotation, [...(seen.get(o.annotation) ?? []), o]);
  }
  let given = 0;
  for (const item of data.items) {
    for (const m of item.media) {
      for (const a of m.annotations) {
        given++;
        const got = seen.get(a) ?? [];
        expect(got.length, `${item.id} ${a.kind} ${a.id} accounted once`).toBe(1);
        const o = got[0];
        if (o !== undefined && o.outcome !== 'written') {
          expect(o.reason, `${o.outcome} ${a.kind} ${a.id} needs a reason`).toBeTruthy();
        }
        const problem = geometryProblem(a);
        if (problem !== undefined) {
          expect(o, `${item.id} ${a.kind} ${a.id}: ${problem.reason}`).toMatchObject({
            outcome: 'dropped',
            messageId: 'invalidGeometry',
            reason: `invalid geometry: ${problem.reason}`,
          });
        }
      }
    }
  }
  expect(seen.size, 'outcomes only for annotations given to the writer').toBe(given);
}

/**
 * Registers property tests of a format's writer (vitest + fast-check): datasets whose geometry
 * mixes ordinary numbers with NaN, ±Infinity, ±1e308, -0, 2^53+1, 1e21, negative sizes, huge or
 * fractional pixel indices and empty polygons, on images whose size is missing, 0, negative,
 * fractional or huge, written through `format.write`. For every dataset:
 * - every output file loads in `checkFile` (and `.json`/`.jsonl` in `JSON.parse`), and holds no
 *   bare `NaN`/`Infinity`; no `.partial` file is left;
 * - every annotation is accounted exactly once, and one that `geometryProblem` flags as dropped
 *   with code `SYNX_GEOMETRY_INVALID`;
 * and a writer whose output folder cannot be created rejects with a `SYNX_IO` error.
 */
export function describeWriterProperties(format: AnyFormat, config: WriterPropertyOptions): void {
  const f = format;
  const optionSets = config.options ?? [{}];
  describe(`writer properties: ${f.id}`, () => {
    const root = tempDir(`props-${f.id}`);
    let n = 0;
    for (const raw of optionSets) {
      const label = Object.keys(raw).length === 0 ? 'default options' : JSON.stringify(raw);
      it(`any numbers (${label}): strict-parser-valid files, every annotation accounted once`, async () => {
        await fc.assert(
          fc.asyncProperty(hostileDatasets, async (data) => {
            const dir = join(root, `run-${n++}`);
            const run = await runWriter(f, raw, data, dir);
            expectAccountedOnce(data, run.outcomes);
            for (const path of filesUnder(dir)) {
              const rel = relative(dir, path).split('\\').join('/');
              expect(rel.endsWith('.partial'), `${rel}: a temporary file was left`).toBe(false);
              const bytes = readFileSync(path);
              const text = bytes.toString('utf8');
              expect(NON_FINITE_TOKEN.exec(text)?.[0], `${rel} holds a non-finite number`).toBe(
                undefined,
              );
              if (rel.endsWith('.json')) {
                expect(() => JSON.parse(text) as unknown, rel).not.toThrow();
              } else if (rel.endsWith('.jsonl')) {
                for (const line of text.split('\n').filter((l) => l !== '')) {
                  expect(() => JSON.parse(line) as unknown, rel).not.toThrow();
                }
              }
              await config.checkFile({ rel, path, bytes, text }, raw);
            }
          }),
          { numRuns: config.runs ?? 60, seed: config.seed ?? 20260101 },
        );
      });
    }

    it('a write that fails rejects with SYNX_IO (no unhandled error event)', async () => {
      // The output folder is a regular file: nothing can be created below it.
      const blocked = join(root, 'blocked');
      mkdirSync(root, { recursive: true });
      writeFileSync(blocked, 'not a folder');
      const data: FixtureData = {
        items: [
          {
            id: 'one',
            sourceKind: 'folder',
            key: 'one',
            stem: 'one',
            media: [
              {
                id: 'image_1',
                kind: 'image',
                file: { name: 'one.jpg' },
                width: 100,
                height: 100,
                annotations: [
                  annotationOf('a0', { kind: 'bbox', x: 1, y: 2, width: 3, height: 4 }, 'car'),
                ],
              },
            ],
          },
        ],
        classes,
        keypointNames: [...PROPERTY_KEYPOINTS],
      };
      await expect(
        runWriter(f, optionSets[0] ?? {}, data, join(blocked, 'out')),
      ).rejects.toMatchObject({
        code: 'SYNX_IO',
      });
    });
  });
}
