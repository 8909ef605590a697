#!/usr/bin/env node
// Writes the bad-input corpus into ./fixtures (one folder per case): a small Synapse raw export
// folder (json/, origin_files/, project.json) and a case.json that says what is wrong and what
// synx must do with it. bad-input.test.ts reads the fixtures; it never runs this script.
//
//   npm run build && node apps/synx/test/bad-input/generate.mjs
//
// Things git cannot hold (FIFOs, sockets, devices, symlinks, unreadable files, empty folders,
// very large files, odd file names) are described in case.json "setup" and made by the test in a
// temporary copy. The fixtures live under a folder named "fixtures" so that prettier and eslint
// leave the deliberately broken JSON alone; ./fixtures/.nxignore keeps Nx from reading the
// cases' project.json files as Nx project configurations.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodeJpeg, encodePng } from '@synx/image-header';

const OUT = join(import.meta.dirname, 'fixtures');
const FORMATS = ['coco', 'yolo', 'voc', 'csv', 'json'];
const LABEL_FORMATS = ['coco', 'yolo', 'voc', 'csv'];

// ---------------------------------------------------------------------------------------------
// Building blocks

/** The project every case uses unless it says otherwise (classes per DM tool). */
function schema(...codes) {
  return {
    classification_schema: codes.map((code) => ({
      id: `cls-${code}`,
      code,
      name: code,
      value: '#3366cc',
      attributes: [],
    })),
  };
}
const BASE_PROJECT = {
  id: 7,
  title: 'bad input',
  category: 'image',
  configuration: {
    schema_type: 'dm_schema',
    classification: {
      bounding_box: schema('car', 'person'),
      polygon: schema('road'),
      polyline: schema('lane'),
      keypoint: schema('nose', 'left_eye'),
      segmentation: schema('sky'),
      annotationGroup: schema('pedestrian'),
      relation: schema('next_to'),
      classification: schema('daytime'),
    },
  },
};

/** Every image of the corpus is 100 × 80 unless a case says otherwise. */
const JPEG = encodeJpeg({ width: 100, height: 80, shade: (x, y) => (x * 2 + y) % 256 });
const PNG = encodePng({ width: 100, height: 80 });

/** A token written into the JSON text as is (NaN, Infinity, 1e309 …). */
const RAW = (text) => `\u0000RAW:${text}\u0000`;
function json(value) {
  return `${JSON.stringify(value, null, 4).replace(/"\\u0000RAW:(.*?)\\u0000"/g, '$1')}\n`;
}

let seq = 0;
const nextId = () => `A${String(++seq).padStart(9, '0')}`;

/**
 * One annotation as its two DM v1 halves: `ann` (annotations.<media>[i]) and `data`
 * (annotationsData.<media>[i]). `data: undefined` leaves the geometry out.
 */
function a(tool, cls, geometry, head = {}) {
  const id = head.id ?? nextId();
  const ann = { id, tool, isLocked: false, isVisible: true, isValid: true, isDrawCompleted: true };
  if (cls !== null && typeof cls === 'object' && '__raw' in cls) {
    ann.classification = cls.__raw; // a classification that is not an object
  } else if (cls !== undefined) {
    ann.classification = typeof cls === 'string' ? { class: cls } : cls;
  }
  Object.assign(ann, head);
  return { ann, data: geometry === undefined ? undefined : { id, ...geometry } };
}
const box = (cls, coordinate, head) => a('bounding_box', cls, { coordinate }, head);
const okBox = (cls = 'car') => box(cls, { x: 10, y: 10, width: 30, height: 20 });
const poly = (cls, coordinate, head) => a('polygon', cls, { coordinate }, head);
const tri = [
  { x: 10, y: 10 },
  { x: 40, y: 10 },
  { x: 25, y: 40 },
];

/** A DM v1 item with one image (image_1) holding these annotations, in order. */
function item(annotations, media = 'image_1', extra = {}) {
  return {
    extra: { [media]: {} },
    annotations: { [media]: annotations.map((x) => x.ann) },
    annotationsData: {
      [media]: annotations.filter((x) => x.data !== undefined).map((x) => x.data),
    },
    ...extra,
  };
}

/** `annotationsData.image_1[i]<rest>` for each index: expectations for one broken field each. */
function fields(stem, prefix, indexes, rest, more = {}) {
  return indexes.map((i) => ({ item: stem, field: `${prefix}[${i}]${rest}`, ...more }));
}

/** Several items in one case, named by stem, each with its own image: { files, defaultMedia }. */
function multi(itemsByStem) {
  const files = {};
  for (const [stem, content] of Object.entries(itemsByStem)) {
    files[`json/${stem}.json`] = content;
    files[`origin_files/${stem}.jpg`] = JPEG;
  }
  return { files, defaultMedia: false };
}

const cases = [];
/**
 * A case. `files` maps paths to contents (objects become 4-space JSON, as Synapse writes;
 * strings and Buffers are written as given; null means "do not write"). By default a case has
 * the base project.json, a well-formed item `ok` (one box) with ok.jpg, and x.jpg for item x.
 */
function add(name, spec) {
  cases.push({ name, ...spec });
}

/** Exit codes of a case whose problems drop annotations from every format but raw JSON. */
const LOST = { exit: [10], exitFor: { json: [0, 10] } };
/**
 * What no format but raw JSON can hold, or what ADR 0017's geometry rule leaves out (degenerate
 * shapes, shapes outside the image): reported as warnings, the export is complete (exit 0).
 */
const DOCUMENTED = { exit: [0] };

// ---------------------------------------------------------------------------------------------
// The DM v1 malformed-item cases of packages/model/test/dm-v1.test.ts, through the CLI

add('missing-geometry', {
  title: 'an annotation without its annotationsData entry',
  why: 'the polygon has a tool and a class but no geometry to write',
  files: {
    'json/x.json': (() => {
      const p = poly('road', tri);
      const d = item([okBox(), p]);
      d.annotationsData.image_1.pop();
      return d;
    })(),
  },
  ...LOST,
  expect: [{ item: 'x', field: 'annotationsData.image_1', code: 'SYNX_DM_MISSING_DATA' }],
});

add('unknown-tool', {
  title: 'an annotation with a tool synx does not know',
  why: 'magic_wand is no DM v1 tool; the annotation reaches no training format',
  files: { 'json/x.json': item([a('magic_wand', 'car', { blob: [1, 2] }), okBox()]) },
  ...DOCUMENTED,
  expect: [{ item: 'x', field: 'annotations.image_1[0].tool', code: 'SYNX_DM_UNKNOWN_TOOL' }],
});

add('class-not-in-project', {
  title: 'a class absent from project.json',
  why: 'truck is not configured, so it has no class id',
  files: { 'json/x.json': item([okBox(), okBox('truck')]) },
  ...LOST,
  expect: [
    {
      item: 'x',
      field: 'annotations.image_1[1].classification.class',
      code: 'SYNX_DM_UNKNOWN_CLASS',
    },
  ],
});

add('nan-width-negative-height', {
  title: 'a NaN width and a negative height (the model test, as a file)',
  why: 'Python json.dump writes NaN as a bare token; a negative size is no box',
  files: {
    'json/x.json': item([
      box('car', { x: 1, y: 2, width: RAW('NaN'), height: 4 }),
      box('car', { x: 1, y: 2, width: 3, height: -4 }),
      box('car', { x: 1, y: 2, width: 3, height: 4 }),
    ]),
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotationsData.image_1[0].coordinate.width', severity: 'error' },
    { item: 'x', field: 'annotationsData.image_1[1].coordinate.height', severity: 'error' },
  ],
});

add('broken-vertex-mask-relation', {
  title: 'a polygon vertex that is a string, a negative pixel index, a relation without target',
  why: 'each names one field of its annotation; the rest converts',
  files: {
    'json/x.json': item([
      poly('road', [
        { x: 1, y: 2 },
        { x: 'a', y: 3 },
        { x: 5, y: 9 },
      ]),
      a('segmentation', 'sky', { pixel_indices: [1, -2] }),
      a('relation', 'next_to', { annotationId: 'A000000001' }),
      okBox(),
    ]),
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotationsData.image_1[0].coordinate[1].x' },
    { item: 'x', field: 'annotationsData.image_1[1].pixel_indices' },
    { item: 'x', field: 'annotationsData.image_1[2].targetAnnotationId' },
  ],
});

add('missing-id-and-orphan-geometry', {
  title: 'an annotation without id, and geometry no annotation claims',
  why: 'the annotation cannot be joined to its geometry',
  files: {
    'json/x.json': {
      annotations: { image_1: [{ tool: 'bounding_box', classification: { class: 'car' } }] },
      annotationsData: {
        image_1: [{ id: 'Orphan0001', coordinate: { x: 0, y: 0, width: 1, height: 1 } }],
      },
    },
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotations.image_1[0].id', code: 'SYNX_DM_MISSING_ID' },
    { item: 'x', field: 'annotationsData.image_1[0]', code: 'SYNX_DM_ORPHAN_DATA' },
  ],
});

add('item-is-a-string', {
  title: 'the whole item is a JSON string',
  why: 'DM v1 data is an object; "not json" holds nothing to export',
  files: { 'json/x.json': '"not json"\n' },
  exit: [10],
  expect: [{ item: 'x', field: ['data', 'json/x.json'], severity: 'error' }],
});

add('annotations-is-a-list', {
  title: '"annotations" is a list instead of an object keyed by media id',
  why: 'the section cannot be read; its annotations are lost',
  files: {
    'json/x.json': (() => {
      const b = okBox();
      return { annotations: [b.ann], annotationsData: { image_1: [b.data] } };
    })(),
  },
  ...LOST,
  expect: [{ item: 'x', field: 'annotations', code: 'SYNX_DM_INVALID_SECTION' }],
});

add('unknown-keys-kept', {
  title: 'unknown keys, a frame index and media keyed "image" (well-formed)',
  why: 'nothing is wrong: unknown keys are kept, "image" pairs with the single image file',
  files: {
    'json/x.json': {
      annotations: {
        image: [
          {
            id: 'X000000001',
            tool: 'bounding_box',
            classification: { class: 'car' },
            custom: { z: 1 },
          },
        ],
      },
      annotationsData: {
        image: [
          {
            id: 'X000000001',
            coordinate: { x: 1, y: 2, width: 3, height: 4, z: 9 },
            frameIndex: 3,
            note: 'n',
          },
        ],
      },
      annotationGroups: {
        image: [{ id: 'G000000001', annotationList: [{ annotationId: 'X000000001' }] }],
      },
      somethingNew: [1, 2, 3],
    },
  },
  exit: [0],
});

// ---------------------------------------------------------------------------------------------
// DM v1 structure

add('sections-wrong-types', {
  title: 'relations is a list, annotationGroups a string, extra a boolean',
  why: 'sections must be objects keyed by media id',
  files: {
    'json/x.json': {
      ...item([okBox()]),
      relations: [{ id: 'R000000001', annotationId: 'a', targetAnnotationId: 'b' }],
      annotationGroups: 'x',
      extra: true,
    },
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'relations' },
    { item: 'x', field: 'annotationGroups' },
    { item: 'x', field: 'extra' },
  ],
});

add('media-lists-wrong-types', {
  title: 'annotations.image_1 is an object, annotationsData.image_1 a string',
  why: 'each media id must hold a list',
  files: {
    'json/x.json': {
      annotations: { image_1: { 0: okBox().ann } },
      annotationsData: { image_1: 'x' },
    },
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotations.image_1' },
    { item: 'x', field: 'annotationsData.image_1' },
  ],
});

add('annotations-without-annotationsData', {
  title: 'annotations but no annotationsData section at all',
  why: 'no annotation has geometry',
  files: {
    'json/x.json': (() => {
      const d = item([okBox(), okBox('person')]);
      delete d.annotationsData;
      return d;
    })(),
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotationsData', code: 'SYNX_DM_MISSING_DATA' },
    { item: 'x', field: 'annotationsData', code: 'SYNX_DM_MISSING_DATA' },
  ],
});

add('annotationsData-without-annotations', {
  title: 'geometry but no annotations section',
  why: 'the boxes have no tool and no class',
  files: {
    'json/x.json': (() => {
      const d = item([okBox(), okBox('person')]);
      delete d.annotations;
      return d;
    })(),
  },
  exit: [0, 10],
  exitFor: { json: [0, 10] },
  expect: [
    { item: 'x', field: 'annotationsData.image_1[0]' },
    { item: 'x', field: 'annotationsData.image_1[1]' },
  ],
});

add('zero-annotations', {
  title: 'items with no annotations (empty lists, an empty object)',
  why: 'nothing is wrong: images without objects are exported as such',
  files: {
    'json/x.json': { annotations: { image_1: [] }, annotationsData: { image_1: [] } },
    'json/y.json': {},
    'origin_files/y.jpg': JPEG,
  },
  exit: [0],
});

add('duplicate-annotation-ids', {
  title: 'two annotations and two geometries share one id',
  why: 'ids join annotations to geometry; a duplicate makes the join ambiguous',
  files: {
    'json/x.json': item([
      box('car', { x: 1, y: 1, width: 10, height: 10 }, { id: 'Dup0000001' }),
      box('person', { x: 50, y: 40, width: 20, height: 20 }, { id: 'Dup0000001' }),
    ]),
  },
  exit: [0, 10],
  expect: [
    { item: 'x', field: 'annotations.image_1[1].id' },
    { item: 'x', field: 'annotationsData.image_1[1].id' },
  ],
});

add('duplicate-json-keys', {
  title: 'duplicate keys in the JSON text (sections and coordinates)',
  why: 'JSON.parse and Python keep the last value; nothing may crash either way',
  files: {
    'json/x.json':
      '{"annotations": {"image_1": [{"id": "D000000001", "tool": "bounding_box", "classification": {"class": "car", "class": "person"}}]},\n' +
      ' "annotationsData": {"image_1": [{"id": "D000000001", "coordinate": {"x": 1, "x": 2, "y": 3, "width": 4, "height": 5, "height": 6}}]},\n' +
      ' "annotationsData": {"image_1": [{"id": "D000000001", "coordinate": {"x": 7, "y": 3, "width": 4, "height": 5}}]}}\n',
  },
  exit: [0, 10],
});

add('annotation-entries-wrong-types', {
  title: 'annotation entries that are null, strings, numbers, lists, booleans, or have bad ids',
  why: 'an annotation is an object with a non-empty string id',
  files: {
    'json/x.json': (() => {
      const b = okBox();
      return {
        annotations: {
          image_1: [
            null,
            'str',
            5,
            [],
            true,
            { id: 5, tool: 'bounding_box', classification: { class: 'car' } },
            { id: null, tool: 'bounding_box', classification: { class: 'car' } },
            { id: '', tool: 'bounding_box', classification: { class: 'car' } },
            { id: ['x'], tool: 'bounding_box', classification: { class: 'car' } },
            { id: {}, tool: 'bounding_box', classification: { class: 'car' } },
            { id: true, tool: 'bounding_box', classification: { class: 'car' } },
            b.ann,
          ],
        },
        annotationsData: { image_1: [b.data] },
      };
    })(),
  },
  ...LOST,
  expect: fields('x', 'annotations.image_1', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], ''),
});

add('tool-wrong-types', {
  title: 'tool is null, a number, a list, an object, a boolean, empty, or mis-cased',
  why: 'the tool decides the geometry; none of these is a tool',
  files: {
    'json/x.json': item([
      a(null, 'car', { coordinate: { x: 1, y: 1, width: 5, height: 5 } }),
      a(5, 'car', { coordinate: { x: 1, y: 1, width: 5, height: 5 } }),
      a(['bounding_box'], 'car', { coordinate: { x: 1, y: 1, width: 5, height: 5 } }),
      a({}, 'car', { coordinate: { x: 1, y: 1, width: 5, height: 5 } }),
      a(true, 'car', { coordinate: { x: 1, y: 1, width: 5, height: 5 } }),
      a('', 'car', { coordinate: { x: 1, y: 1, width: 5, height: 5 } }),
      a('BOUNDING_BOX', 'car', { coordinate: { x: 1, y: 1, width: 5, height: 5 } }),
      okBox(),
    ]),
  },
  ...DOCUMENTED,
  expect: fields('x', 'annotations.image_1', [0, 1, 2, 3, 4, 5, 6], '.tool'),
});

add('annotationsData-entries-wrong-types', {
  title: 'annotationsData entries that are null, a string, a number, a list, or lack an id',
  why: 'the box finds no geometry among them',
  files: {
    'json/x.json': (() => {
      const b = okBox();
      return {
        annotations: { image_1: [b.ann] },
        annotationsData: {
          image_1: [null, 's', 5, [b.data], { coordinate: b.data.coordinate }],
        },
      };
    })(),
  },
  ...LOST,
  expect: [
    ...fields('x', 'annotationsData.image_1', [0, 1, 2, 3, 4], ''),
    { item: 'x', field: 'annotationsData.image_1', code: 'SYNX_DM_MISSING_DATA' },
  ],
});

add('unknown-media-ids', {
  title: 'annotations under media ids image_x, foo_1, __proto__ and constructor',
  why: 'no such media: the boxes belong to no image',
  files: {
    'json/x.json': (() => {
      const d = { annotations: {}, annotationsData: {} };
      for (const m of ['image_x', 'foo_1', '__proto__', 'constructor']) {
        const b = okBox();
        Object.defineProperty(d.annotations, m, { value: [b.ann], enumerable: true });
        Object.defineProperty(d.annotationsData, m, { value: [b.data], enumerable: true });
      }
      return d;
    })(),
  },
  ...DOCUMENTED,
  expect: [
    { item: 'x', field: 'annotations.image_x' },
    { item: 'x', field: 'annotations.foo_1' },
    { item: 'x', field: 'annotations.__proto__' },
    { item: 'x', field: 'annotations.constructor' },
  ],
});

// ---------------------------------------------------------------------------------------------
// Numbers

add('nan-infinity-tokens', {
  title: 'bare NaN, Infinity and -Infinity tokens in box coordinates',
  why: 'Python json.dump writes them; they are not finite numbers',
  files: {
    'json/x.json': item([
      box('car', { x: RAW('NaN'), y: 1, width: 5, height: 5 }),
      box('car', { x: 1, y: 1, width: RAW('Infinity'), height: 5 }),
      box('car', { x: 1, y: RAW('-Infinity'), width: 5, height: 5 }),
      box('car', { x: 1, y: 1, width: 5, height: 5, rotation: RAW('NaN') }),
      okBox(),
    ]),
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotationsData.image_1[0].coordinate.x' },
    { item: 'x', field: 'annotationsData.image_1[1].coordinate.width' },
    { item: 'x', field: 'annotationsData.image_1[2].coordinate.y' },
    { item: 'x', field: 'annotationsData.image_1[3].coordinate.rotation' },
  ],
});

add('overflow-1e309', {
  title: '1e309 and -1e309 (valid JSON numbers that overflow to ±Infinity)',
  why: 'JSON.parse turns them into Infinity',
  files: {
    'json/x.json': item([
      box('car', { x: 1, y: 1, width: 5, height: RAW('1e309') }),
      box('car', { x: RAW('-1e309'), y: 1, width: 5, height: 5 }),
      poly('road', [
        { x: 1, y: 1 },
        { x: RAW('1E309'), y: 1 },
        { x: 5, y: 9 },
      ]),
      okBox(),
    ]),
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotationsData.image_1[0].coordinate.height' },
    { item: 'x', field: 'annotationsData.image_1[1].coordinate.x' },
    { item: 'x', field: 'annotationsData.image_1[2].coordinate[1].x' },
  ],
});

add('huge-1e300-1e308', {
  title: 'finite but absurd coordinates: 1e300, 1e308, -1.7e308',
  why: 'no image is that large; derived values (area, far corner) overflow',
  files: {
    'json/x.json': item([
      box('car', { x: 1e300, y: 1, width: 5, height: 5 }),
      box('car', { x: 1, y: 1, width: 1e308, height: 1e308 }),
      poly('road', [
        { x: 1, y: 1 },
        { x: 9, y: -1.7e308 },
        { x: 5, y: 9 },
      ]),
      a('keypoint', 'nose', { coordinate: { x: 1e300, y: 1 } }),
      okBox(),
    ]),
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotationsData.image_1[0].coordinate.x' },
    { item: 'x', field: 'annotationsData.image_1[1].coordinate.width' },
    { item: 'x', field: 'annotationsData.image_1[2].coordinate[1].y' },
    { item: 'x', field: 'annotationsData.image_1[3].coordinate.x' },
  ],
});

add('negative-sizes', {
  title: 'negative widths and heights',
  why: 'a box has a non-negative size',
  files: {
    'json/x.json': item([
      box('car', { x: 50, y: 50, width: -5, height: 5 }),
      box('car', { x: 50, y: 50, width: 5, height: -0.001 }),
      box('car', { x: 50, y: 50, width: -20, height: -20 }),
      okBox(),
    ]),
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotationsData.image_1[0].coordinate.width' },
    { item: 'x', field: 'annotationsData.image_1[1].coordinate.height' },
    { item: 'x', field: 'annotationsData.image_1[2].coordinate.width' },
  ],
});

add('negative-zero', {
  title: '-0 and -0.0 as coordinates and rotation',
  why: 'nothing is wrong: -0 is zero',
  files: {
    'json/x.json': item([
      box('car', { x: RAW('-0'), y: RAW('-0.0'), width: 10, height: 10 }),
      box('car', { x: 5, y: 5, width: 10, height: 10, rotation: RAW('-0') }),
      poly('road', [
        { x: RAW('-0'), y: 0 },
        { x: 20, y: RAW('-0.0') },
        { x: 10, y: 20 },
      ]),
    ]),
  },
  exit: [0],
});

add('huge-integers', {
  title: 'integers beyond 2**53 (9007199254740993) as coordinates and pixel indices',
  why: 'not exactly representable, and far beyond any image',
  files: {
    'json/x.json': item([
      box('car', { x: RAW('9007199254740993'), y: 1, width: 5, height: 5 }),
      box('car', { x: 1, y: 1, width: RAW('9007199254740993'), height: 5 }),
      a('keypoint', 'nose', { coordinate: { x: 1, y: RAW('-9007199254740993') } }),
      a('segmentation', 'sky', { pixel_indices: [0, RAW('9007199254740993')] }),
      okBox(),
    ]),
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotationsData.image_1[0].coordinate.x' },
    { item: 'x', field: 'annotationsData.image_1[1].coordinate.width' },
    { item: 'x', field: 'annotationsData.image_1[2].coordinate.y' },
    { item: 'x', field: 'annotationsData.image_1[3].pixel_indices' },
  ],
});

add('numbers-as-strings', {
  title: 'numbers written as strings ("10", "30", "1", "2", ["1"])',
  why: 'a string is not a coordinate, even when it looks like one',
  files: {
    'json/x.json': item([
      box('car', { x: '10', y: 1, width: 5, height: 5 }),
      box('car', { x: 1, y: 1, width: '30', height: 5 }),
      poly('road', [
        { x: '1', y: 1 },
        { x: 9, y: 1 },
        { x: 5, y: 9 },
      ]),
      a('keypoint', 'nose', { coordinate: { x: 1, y: '2' } }),
      a('segmentation', 'sky', { pixel_indices: ['1'] }),
      okBox(),
    ]),
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotationsData.image_1[0].coordinate.x' },
    { item: 'x', field: 'annotationsData.image_1[1].coordinate.width' },
    { item: 'x', field: 'annotationsData.image_1[2].coordinate[0].x' },
    { item: 'x', field: 'annotationsData.image_1[3].coordinate.y' },
    { item: 'x', field: 'annotationsData.image_1[4].pixel_indices' },
  ],
});

add('nan-tokens-beside-strings', {
  title: 'a NaN token next to strings that contain "NaN", Infinity and escaped quotes',
  why: 'the NaN allowance must not touch strings; only the width is broken',
  files: {
    'json/x.json': item([
      box('car', { x: 1, y: 1, width: RAW('NaN'), height: 5 }),
      box(
        { class: 'car', note: 'say "NaN" or -Infinity', other: 'NaN' },
        {
          x: 10,
          y: 10,
          width: 30,
          height: 20,
        },
      ),
    ]),
  },
  ...LOST,
  expect: [{ item: 'x', field: 'annotationsData.image_1[0].coordinate.width' }],
  contains: [
    {
      format: 'coco',
      file: 'annotations/instances_default.json',
      text: 'say \\"NaN\\" or -Infinity',
    },
  ],
});

add('numeric-edge-valid', {
  title: 'unusual but valid number spellings: 1e-320, 5E+1, 1.0e1, 0.5e1, 10.000',
  why: 'nothing is wrong',
  files: {
    'json/x.json': item([
      box('car', {
        x: RAW('1e-320'),
        y: RAW('5E+1'),
        width: RAW('1.0e1'),
        height: RAW('0.5e1'),
      }),
      box('car', { x: RAW('10.000'), y: 1, width: 5, height: 5 }),
    ]),
  },
  exit: [0],
});

// ---------------------------------------------------------------------------------------------
// Wrong types, field by field

const TYPES = { null: null, string: 'x', array: [1], object: { v: 1 }, boolean: true };
const BOX_KEYS = ['x', 'y', 'width', 'height', 'rotation'];
/** Wrong types for fields that hold an id (a string). */
const NOT_STRINGS = [null, 5, ['x'], { v: 1 }, true];

add('box-coordinate-wrong-types', {
  title: 'a box coordinate that is null, a string, a list, a number, a boolean or missing',
  why: 'coordinate must be an object {x, y, width, height}',
  files: {
    'json/x.json': item([
      a('bounding_box', 'car', { coordinate: null }),
      a('bounding_box', 'car', { coordinate: 'x' }),
      a('bounding_box', 'car', { coordinate: [1, 2, 3, 4] }),
      a('bounding_box', 'car', { coordinate: 5 }),
      a('bounding_box', 'car', { coordinate: true }),
      a('bounding_box', 'car', {}),
      okBox(),
    ]),
  },
  ...LOST,
  expect: fields('x', 'annotationsData.image_1', [0, 1, 2, 3, 4, 5], '.coordinate'),
});

add('box-fields-wrong-types', {
  title:
    'box x, y, width, height, rotation as null, string, list, object, boolean (one item per type)',
  why: 'coordinates are finite numbers (rotation null means "no rotation" and is fine)',
  ...multi(
    Object.fromEntries(
      Object.entries(TYPES).map(([type, value]) => [
        type,
        item([
          ...BOX_KEYS.map((k) => box('car', { x: 5, y: 5, width: 10, height: 10, [k]: value })),
          okBox(),
        ]),
      ]),
    ),
  ),
  ...LOST,
  expect: Object.keys(TYPES).flatMap((type) =>
    BOX_KEYS.filter((k) => !(type === 'null' && k === 'rotation')).map((k) => ({
      item: type,
      field: `annotationsData.image_1[${BOX_KEYS.indexOf(k)}].coordinate.${k}`,
    })),
  ),
});

add('polygon-coordinate-wrong-types', {
  title: 'a polygon coordinate that is null, a string, an object, a number, a boolean or missing',
  why: 'coordinate must be a list of vertices',
  files: {
    'json/x.json': item([
      a('polygon', 'road', { coordinate: null }),
      a('polygon', 'road', { coordinate: 'x' }),
      a('polygon', 'road', { coordinate: { x: 1, y: 2 } }),
      a('polygon', 'road', { coordinate: 5 }),
      a('polygon', 'road', { coordinate: true }),
      a('polygon', 'road', {}),
      okBox(),
    ]),
  },
  ...LOST,
  expect: fields('x', 'annotationsData.image_1', [0, 1, 2, 3, 4, 5], '.coordinate'),
});

add('polygon-vertices-wrong-types', {
  title:
    'polygon vertices that are null, a string, a list, a number, a boolean; vertex x / y of every wrong type',
  why: 'a vertex is an object {x, y} of finite numbers',
  ...multi({
    vertex: item([...[null, 'x', [1, 2], 5, true].map((v) => poly('road', [...tri, v])), okBox()]),
    xy: item([
      poly('road', [tri[0], { x: null, y: 1 }, tri[2]]),
      poly('road', [tri[0], { x: 1, y: '1' }, tri[2]]),
      poly('road', [tri[0], { x: [], y: 1 }, tri[2]]),
      poly('road', [tri[0], { x: 1, y: {} }, tri[2]]),
      poly('road', [tri[0], { x: true, y: 1 }, tri[2]]),
      poly('road', [tri[0], { y: 1 }, tri[2]]),
      okBox(),
    ]),
  }),
  ...LOST,
  expect: [
    ...fields('x', 'annotationsData.image_1', [0, 1, 2, 3, 4], '.coordinate[3]').map((e) => ({
      ...e,
      item: 'vertex',
    })),
    ...[
      { item: 'x', field: 'annotationsData.image_1[0].coordinate[1].x' },
      { item: 'x', field: 'annotationsData.image_1[1].coordinate[1].y' },
      { item: 'x', field: 'annotationsData.image_1[2].coordinate[1].x' },
      { item: 'x', field: 'annotationsData.image_1[3].coordinate[1].y' },
      { item: 'x', field: 'annotationsData.image_1[4].coordinate[1].x' },
      { item: 'x', field: 'annotationsData.image_1[5].coordinate[1].x' },
    ].map((e) => ({ ...e, item: 'xy' })),
  ],
});

add('polyline-wrong-types', {
  title: 'polylines with bad coordinate lists, vertices and vertex coordinates',
  why: 'the same rules as polygons',
  files: {
    'json/x.json': item([
      a('polyline', 'lane', { coordinate: null }),
      a('polyline', 'lane', { coordinate: 'x' }),
      a('polyline', 'lane', { coordinate: {} }),
      a('polyline', 'lane', { coordinate: [{ x: 1, y: 1 }, null] }),
      a('polyline', 'lane', {
        coordinate: [
          { x: 1, y: 1 },
          { x: '1', y: 2 },
        ],
      }),
      a('polyline', 'lane', {
        coordinate: [
          { x: true, y: 1 },
          { x: 5, y: 5 },
        ],
      }),
      okBox(),
    ]),
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotationsData.image_1[0].coordinate' },
    { item: 'x', field: 'annotationsData.image_1[1].coordinate' },
    { item: 'x', field: 'annotationsData.image_1[2].coordinate' },
    { item: 'x', field: 'annotationsData.image_1[3].coordinate[1]' },
    { item: 'x', field: 'annotationsData.image_1[4].coordinate[1].x' },
    { item: 'x', field: 'annotationsData.image_1[5].coordinate[0].x' },
  ],
});

add('keypoint-wrong-types', {
  title:
    'keypoint coordinates that are null, a string, a list, a number, a boolean; x / y of every wrong type',
  why: 'a keypoint coordinate is an object {x, y} of finite numbers',
  ...multi({
    coordinate: item([
      ...[null, 'x', [1, 2], 5, true].map((c) => a('keypoint', 'nose', { coordinate: c })),
      okBox(),
    ]),
    xy: item([
      a('keypoint', 'nose', { coordinate: { x: null, y: 1 } }),
      a('keypoint', 'nose', { coordinate: { x: 1, y: '2' } }),
      a('keypoint', 'nose', { coordinate: { x: [], y: 1 } }),
      a('keypoint', 'nose', { coordinate: { x: 1, y: {} } }),
      a('keypoint', 'nose', { coordinate: { x: true, y: 1 } }),
      okBox(),
    ]),
  }),
  ...LOST,
  expect: [
    ...fields('x', 'annotationsData.image_1', [0, 1, 2, 3, 4], '.coordinate').map((e) => ({
      ...e,
      item: 'coordinate',
    })),
    ...[
      { item: 'x', field: 'annotationsData.image_1[0].coordinate.x' },
      { item: 'x', field: 'annotationsData.image_1[1].coordinate.y' },
      { item: 'x', field: 'annotationsData.image_1[2].coordinate.x' },
      { item: 'x', field: 'annotationsData.image_1[3].coordinate.y' },
      { item: 'x', field: 'annotationsData.image_1[4].coordinate.x' },
    ].map((e) => ({ ...e, item: 'xy' })),
  ],
});

add('segmentation-wrong-types', {
  title: 'pixel_indices as null, a string, an object, a number, a boolean, or with bad members',
  why: 'pixel_indices is a list of non-negative integers',
  files: {
    'json/x.json': item([
      ...[null, '1,2', { 0: 1 }, 5, true, [1.5], ['1'], [true], [null], [-1], [[1]]].map((p) =>
        a('segmentation', 'sky', { pixel_indices: p }),
      ),
      okBox(),
    ]),
  },
  ...LOST,
  expect: fields(
    'x',
    'annotationsData.image_1',
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    '.pixel_indices',
  ),
});

add('relation-wrong-types', {
  title:
    'relation annotationId / targetAnnotationId as null, a number, a list, an object, a boolean',
  why: 'a relation joins two annotation ids (strings)',
  files: {
    'json/x.json': (() => {
      const target = okBox();
      const id = target.ann.id;
      return item([
        target,
        ...NOT_STRINGS.map((v) =>
          a('relation', 'next_to', { annotationId: v, targetAnnotationId: id }),
        ),
        ...NOT_STRINGS.map((v) =>
          a('relation', 'next_to', { annotationId: id, targetAnnotationId: v }),
        ),
      ]);
    })(),
  },
  ...LOST,
  expect: [
    ...fields('x', 'annotationsData.image_1', [1, 2, 3, 4, 5], '.annotationId'),
    ...fields('x', 'annotationsData.image_1', [6, 7, 8, 9, 10], '.targetAnnotationId'),
  ],
});

add('relation-dangling', {
  title: 'relations that point at annotations the item does not have',
  why: 'GhostId001 does not exist; the relation joins nothing',
  files: {
    'json/x.json': (() => {
      const b = okBox();
      return item([
        b,
        a('relation', 'next_to', { annotationId: b.ann.id, targetAnnotationId: 'GhostId001' }),
        a('relation', 'next_to', { annotationId: 'GhostId002', targetAnnotationId: b.ann.id }),
      ]);
    })(),
  },
  exit: [0, 10],
  expect: [
    { item: 'x', field: 'annotationsData.image_1[1].targetAnnotationId' },
    { item: 'x', field: 'annotationsData.image_1[2].annotationId' },
  ],
});

add('relations-section-wrong-types', {
  title: 'entries of the relations section that are null, a string, lack an id or have bad ends',
  why: 'each relation is an object with an id and two annotation ids',
  files: {
    'json/x.json': (() => {
      const b = okBox();
      return {
        ...item([b]),
        relations: {
          image_1: [
            null,
            'x',
            { id: 5, annotationId: b.ann.id, targetAnnotationId: b.ann.id },
            { id: 'R000000001', annotationId: null, targetAnnotationId: b.ann.id },
            { id: 'R000000002', annotationId: b.ann.id, targetAnnotationId: true },
          ],
        },
      };
    })(),
  },
  ...LOST,
  expect: fields('x', 'relations.image_1', [0, 1, 2, 3, 4], ''),
});

add('group-wrong-types', {
  title: 'annotation groups whose annotationList is null, a string, an object or holds bad members',
  why: 'annotationList is a list of {annotationId, children}',
  files: {
    'json/x.json': (() => {
      const b = okBox();
      const id = b.ann.id;
      return item([
        b,
        ...[
          null,
          'x',
          {},
          [1],
          [{ annotationId: 5 }],
          [{ annotationId: id, children: 'x' }],
          [{ annotationId: id, children: [null] }],
        ].map((list) => a('annotationGroup', 'pedestrian', { annotationList: list })),
      ]);
    })(),
  },
  ...LOST,
  expect: fields('x', 'annotationsData.image_1', [1, 2, 3, 4, 5, 6, 7], '.annotationList'),
});

add('group-dangling-members', {
  title: 'an annotation group whose members do not exist',
  why: 'Ghost00001 is no annotation of the item; the group is empty',
  files: {
    'json/x.json': item([
      okBox(),
      a('annotationGroup', 'pedestrian', {
        annotationList: [{ annotationId: 'Ghost00001', children: [] }],
      }),
    ]),
  },
  exit: [0, 10],
  expect: [{ item: 'x', field: 'annotationsData.image_1[1].annotationList' }],
});

add('classification-wrong-types', {
  title: 'a box classification that is a string, a list, a number or a boolean',
  why: 'classification must be an object holding "class"; the box has no class',
  files: {
    'json/x.json': item([
      ...['car', ['car'], 5, true].map((c) =>
        box({ __raw: c }, { x: 10, y: 10, width: 30, height: 20 }),
      ),
      okBox(),
    ]),
  },
  ...LOST,
  expect: fields('x', 'annotations.image_1', [0, 1, 2, 3], '.classification'),
});

add('classification-null-or-missing', {
  title: 'a box with classification: null, and one without classification',
  why: 'the boxes have no class and cannot be numbered',
  files: {
    'json/x.json': item([
      box({ __raw: null }, { x: 10, y: 10, width: 30, height: 20 }),
      box(undefined, { x: 10, y: 10, width: 30, height: 20 }),
      okBox(),
    ]),
  },
  ...LOST,
  expect: fields('x', 'annotations.image_1', [0, 1], '.classification'),
});

add('class-wrong-types', {
  title: 'classification.class as a number, null, a list, an object, a boolean, empty',
  why: 'a class is a non-empty string code',
  files: {
    'json/x.json': item([
      ...[5, null, ['car'], { name: 'car' }, true, ''].map((c) =>
        box({ class: c }, { x: 10, y: 10, width: 30, height: 20 }),
      ),
      okBox(),
    ]),
  },
  ...LOST,
  expect: fields('x', 'annotations.image_1', [0, 1, 2, 3, 4, 5], '.classification.class'),
});

add('classification-tool-wrong-types', {
  title: 'image labels (tool classification) with null, numeric, unknown or non-object classes',
  why: 'an image label is a configured class code',
  files: {
    'json/x.json': item([
      a('classification', { __raw: null }, {}),
      a('classification', { class: 5 }, {}),
      a('classification', 'midnight', {}),
      a('classification', { __raw: 'daytime' }, {}),
      a('classification', 'daytime', {}),
      okBox(),
    ]),
  },
  ...LOST,
  expect: [
    { item: 'x', field: 'annotations.image_1[0].classification' },
    { item: 'x', field: 'annotations.image_1[1].classification' },
    { item: 'x', field: 'annotations.image_1[2].classification.class' },
    { item: 'x', field: 'annotations.image_1[3].classification' },
  ],
});

add('flags-labels-frame-wrong-types', {
  title: 'isLocked "yes", isVisible null, label a string or numbers, frameIndex "3" or 1.5',
  why: 'none of these is geometry or class; the box is still a box',
  files: {
    'json/x.json': item([
      box('car', { x: 10, y: 10, width: 30, height: 20 }, { isLocked: 'yes', isVisible: null }),
      box('car', { x: 10, y: 10, width: 30, height: 20 }, { label: 'car' }),
      box('car', { x: 10, y: 10, width: 30, height: 20 }, { label: [1, 2] }),
      a('bounding_box', 'car', {
        coordinate: { x: 1, y: 1, width: 5, height: 5 },
        frameIndex: '3',
      }),
      a('bounding_box', 'car', {
        coordinate: { x: 1, y: 1, width: 5, height: 5 },
        frameIndex: 1.5,
      }),
    ]),
  },
  exit: [0],
});

// ---------------------------------------------------------------------------------------------
// Classes and attributes

add('attribute-prototype-names', {
  title: 'attributes named __proto__, constructor, prototype, hasOwnProperty, toString',
  why: 'they are ordinary attribute names; none may vanish or pollute other objects',
  files: {
    'json/x.json': (() => {
      const b = okBox();
      const cls = { class: 'car' };
      Object.defineProperty(cls, '__proto__', {
        value: { polluted: 1 },
        enumerable: true,
      });
      Object.assign(cls, {
        constructor: 'c',
        prototype: { p: 2 },
        hasOwnProperty: 1,
        toString: 'x',
      });
      b.ann.classification = cls;
      return item([b]);
    })(),
  },
  exit: [0],
  contains: [
    { format: 'coco', file: 'annotations/instances_default.json', text: '"__proto__"' },
    { format: 'coco', file: 'annotations/instances_default.json', text: '"constructor"' },
    { format: 'coco', file: 'annotations/instances_default.json', text: '"prototype"' },
    { format: 'coco', file: 'annotations/instances_default.json', text: '"hasOwnProperty"' },
    { format: 'csv', file: 'annotations.csv', text: '__proto__' },
  ],
});

add('class-prototype-names', {
  title: 'classes named __proto__, constructor, toString, hasOwnProperty',
  why: 'they are ordinary class codes when the project configures them',
  project: {
    ...BASE_PROJECT,
    configuration: {
      classification: {
        bounding_box: schema('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
      },
    },
  },
  files: {
    'json/x.json': item(
      ['__proto__', 'constructor', 'toString', 'hasOwnProperty'].map((c) => okBox(c)),
    ),
  },
  ok: false,
  exit: [0],
  contains: [
    { format: 'coco', file: 'annotations/instances_default.json', text: '"__proto__"' },
    { format: 'yolo', file: 'data.yaml', text: '__proto__' },
    { format: 'voc', file: 'VOCdevkit/VOC2012/labelmap.txt', text: 'hasOwnProperty' },
  ],
});

add('class-names-newlines-rtl-yaml', {
  title: 'class names with newlines, tabs, CR, RTL and zero-width marks, quotes and YAML syntax',
  why: 'nothing is wrong: every format must quote or escape them (no project.json: classes are discovered)',
  project: null,
  files: {
    'json/x.json': item(
      [
        'line\nbreak',
        'tab\there',
        'crlf\r\nend',
        'rtl\u202Eevil',
        'zero\u200Bwidth',
        `quote"'<&>`,
        'yaml: - [x] #c',
        '- dash',
        'yes',
        '0x1F',
        ' padded ',
        '~',
      ].map((c) => okBox(c)),
    ),
  },
  ok: false,
  exit: [0],
});

add('class-names-control-chars', {
  title: 'class names with NUL, BEL, ESC, DEL and C1 control characters',
  why: 'XML 1.0 cannot hold most of them at all; they must be escaped, replaced or reported',
  project: null,
  files: {
    'json/x.json': item(
      ['nul\u0000byte', 'bell\u0007', 'esc\u001b[31m', 'del\u007f', 'c1\u0085\u009b'].map((c) =>
        okBox(c),
      ),
    ),
  },
  ok: false,
  exit: [0, 10],
  expect: [
    ...fields('x', 'annotations.image_1', [0, 1, 2, 3, 4], '.classification.class', {
      onlyIfExit: [10],
    }),
  ],
});

add('attribute-values-control-chars', {
  title: 'attribute values with NUL, newlines, CR, tabs, RTL marks, XML and spreadsheet formulas',
  why: 'attributes are data: they must reach COCO/CSV intact and never break a file',
  files: {
    'json/x.json': item([
      box(
        {
          class: 'car',
          pose: 'Left\u0000\n',
          truncated: '1\u0007',
          difficult: "=cmd|' /C calc'!A0",
          occluded: '<b>&amp;</b>',
          note: 'a\r\nb\tc\u202Ed\u0000e',
          list: ['\u0000', '\n', '@SUM(1)'],
        },
        { x: 10, y: 10, width: 30, height: 20 },
      ),
    ]),
  },
  exit: [0, 10],
  expect: [{ item: 'x', field: 'annotations.image_1[0].classification', onlyIfExit: [10] }],
});

add('long-class-name-10mb', {
  title: 'a 10 MB class name (classes discovered, no project.json)',
  why: 'nothing is wrong, just large: it must not blow up memory or the YAML/XML writers',
  project: null,
  files: { 'json/x.json': null },
  setup: [{ path: 'json/x.json', make: 'long-string', where: 'class', bytes: 10 * 1024 * 1024 }],
  ok: false,
  exit: [0],
  timeoutMs: 60_000,
});

add('long-attribute-10mb', {
  title: 'a 10 MB attribute value',
  why: 'nothing is wrong, just large',
  files: { 'json/x.json': null },
  setup: [
    { path: 'json/x.json', make: 'long-string', where: 'attribute', bytes: 10 * 1024 * 1024 },
  ],
  exit: [0],
  timeoutMs: 60_000,
});

add('deep-nesting-attribute', {
  title: 'an attribute holding 100,000 nested lists',
  why: 'recursive JSON code (stringify, deep equality) overflows the stack',
  files: { 'json/x.json': null },
  setup: [{ path: 'json/x.json', make: 'deep', depth: 100_000 }],
  exit: [0, 10],
  expect: [{ item: 'x', field: 'annotations.image_1[0].classification', onlyIfExit: [10] }],
});

add('large-item-50mb', {
  title: 'one 50 MB item (about 200,000 boxes)',
  why: 'nothing is wrong, just large: it must finish and stay within memory',
  files: { 'json/x.json': null },
  setup: [{ path: 'json/x.json', make: 'large', bytes: 50 * 1024 * 1024 }],
  exit: [0],
  timeoutMs: 120_000,
});

// ---------------------------------------------------------------------------------------------
// Whole files that are not DM v1 JSON

const fileProblem = (stem, more = {}) => ({ item: stem, field: `json/${stem}.json`, ...more });

add('empty-or-blank-file', {
  title: 'a JSON file of zero bytes, and one of only spaces, tabs and newlines',
  why: 'neither is JSON',
  ...multi({ empty: '', blank: ' \n\t\r\n  \n' }),
  exit: [10],
  expect: [
    fileProblem('empty', { severity: 'error' }),
    fileProblem('blank', { severity: 'error' }),
  ],
});

add('item-null', {
  title: 'the whole item is null',
  why: 'an item without data: an image without objects, or an error (see the report)',
  files: { 'json/x.json': 'null\n' },
  exit: [0, 10],
  expect: [{ item: 'x', field: ['data', 'json/x.json'], onlyIfExit: [10] }],
});

add('item-not-an-object', {
  title: 'the whole item is a list (empty, and holding a DM object), a number, a boolean',
  why: 'DM v1 data is an object',
  ...multi({
    'empty-list': '[]\n',
    list: json([item([okBox()])]),
    number: '42\n',
    boolean: 'true\n',
  }),
  exit: [10],
  expect: ['empty-list', 'list', 'number', 'boolean'].map((stem) => ({
    item: stem,
    field: ['data', `json/${stem}.json`],
    severity: 'error',
  })),
});

add('not-json', {
  title: 'JSON cut off, followed by garbage, two objects in a file, a comment, single quotes',
  why: 'none of these is one JSON value',
  ...multi({
    truncated: json(item([okBox(), okBox()])).slice(0, 300),
    garbage: `${json(item([okBox()])).trim()} garbage\n`,
    'two-objects': '{}{}\n',
    comment: `// exported by hand\n${json(item([okBox()]))}`,
    'single-quotes': "{'annotations': {'image_1': []}}\n",
  }),
  exit: [10],
  expect: ['truncated', 'garbage', 'two-objects', 'comment', 'single-quotes'].map((stem) =>
    fileProblem(stem, { severity: 'error' }),
  ),
});

/** The item as UTF-8 bytes with `bytes` put where the marker string is. */
function withBytes(marker, bytes, annotations) {
  const text = json(item(annotations));
  const at = text.indexOf(marker);
  return Buffer.concat([
    Buffer.from(text.slice(0, at), 'utf8'),
    Buffer.from(bytes),
    Buffer.from(text.slice(at + marker.length), 'utf8'),
  ]);
}

add('latin1-bytes', {
  title: 'an attribute value written in Latin-1 ("caf\\xe9"), not UTF-8',
  why: 'JSON files are UTF-8; decoding replaces the byte with U+FFFD silently',
  files: {
    'json/x.json': withBytes(
      '@@',
      [0x63, 0x61, 0x66, 0xe9],
      [box({ class: 'car', note: '@@' }, { x: 10, y: 10, width: 30, height: 20 })],
    ),
  },
  exit: [0, 10],
  expect: [fileProblem('x')],
});

add('invalid-utf8-sequences', {
  title:
    'invalid UTF-8: a lone 0xFF, 0xC3 0x28, an overlong slash, an encoded surrogate, a cut sequence',
  why: 'none of these decodes; the text would change silently',
  files: {
    'json/x.json': withBytes(
      '@@',
      [0xff, 0x20, 0xc3, 0x28, 0x20, 0xc0, 0xaf, 0x20, 0xed, 0xa0, 0x80, 0x20, 0xe2, 0x82],
      [box({ class: 'car', note: '@@' }, { x: 10, y: 10, width: 30, height: 20 })],
    ),
  },
  exit: [0, 10],
  expect: [fileProblem('x')],
});

add('utf8-bom', {
  title: 'a JSON file starting with a UTF-8 byte order mark',
  why: 'Windows tools write one; the data is fine',
  files: { 'json/x.json': `\uFEFF${json(item([okBox()]))}` },
  exit: [0],
});

add('utf16', {
  title: 'JSON files in UTF-16 LE and BE with byte order marks',
  why: 'not UTF-8; read as UTF-8 they are garbage',
  files: {
    'json/x.json': Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(json(item([okBox()])), 'utf16le'),
    ]),
    'json/y.json': Buffer.concat([
      Buffer.from([0xfe, 0xff]),
      Buffer.from(json(item([okBox()])), 'utf16le').swap16(),
    ]),
    'origin_files/y.jpg': JPEG,
  },
  exit: [0, 10],
  expect: [fileProblem('x'), fileProblem('y')],
});

add('nul-bytes', {
  title: 'a raw NUL byte after the JSON, and a raw control character inside a string',
  why: 'neither is allowed in JSON text',
  files: {
    'json/x.json': `${json(item([okBox()]))}\u0000`,
    'json/y.json': json(item([okBox('car')])).replace('"car"', '"ca\u0001r"'),
    'origin_files/y.jpg': JPEG,
  },
  exit: [10],
  expect: [fileProblem('x', { severity: 'error' }), fileProblem('y', { severity: 'error' })],
});

// ---------------------------------------------------------------------------------------------
// File names (made by the test with "rename": git and some file systems cannot hold them)

/** Items (json + jpg) named by setup renames; returns { files, setup }. */
function renamed(stems, ext = 'jpg') {
  const files = {};
  const setup = [];
  stems.forEach((stem, i) => {
    files[`json/n${i}.json`] = item([okBox()]);
    files[`origin_files/n${i}.${ext}`] = JPEG;
    setup.push({ path: `json/n${i}.json`, make: 'rename', to: `json/${stem}.json` });
    setup.push({
      path: `origin_files/n${i}.${ext}`,
      make: 'rename',
      to: `origin_files/${stem}.${ext}`,
    });
  });
  return { files, setup, defaultMedia: false };
}

add('names-control-chars', {
  title: 'file names with a tab, a newline, a CR, BEL, ESC and an RTL override',
  why: 'the names must not break list files (VOC ImageSets, CSV) or terminals; output names are made safe',
  ...renamed([
    'tab\there',
    'new\nline',
    'cr\rhere',
    'bell\u0007',
    'esc\u001b[31m',
    'rtl\u202Egpj.exe',
  ]),
  ok: true,
  exit: [0],
  count: [{ format: 'yolo', dir: 'labels', ext: '.txt', n: 7 }],
});

add('names-path-like', {
  title:
    'file names that look like paths: ..%2F..%2Fetc%2Fpasswd, ..\\..\\evil, C:\\x, %2e%2e%2f, a:b, *?<>|',
  why: 'nothing may be written outside the output folder, on any operating system',
  ...renamed([
    '..%2F..%2Fetc%2Fpasswd',
    '..\\..\\evil',
    'C:\\Windows\\x',
    '%2e%2e%2f',
    'a:b',
    '*?<>|',
  ]),
  exit: [0],
  count: [{ format: 'yolo', dir: 'labels', ext: '.txt', n: 7 }],
});

add('names-windows-reserved', {
  title: 'file names Windows reserves: CON, aux, aux.txt, NUL, com1, LPT9.log',
  why: 'valid on Linux; the dataset must still be usable where they are not',
  ...renamed(['CON', 'aux', 'aux.txt', 'NUL', 'com1', 'LPT9.log']),
  exit: [0],
  count: [{ format: 'yolo', dir: 'labels', ext: '.txt', n: 7 }],
});

add('names-dots-spaces', {
  title: 'file stems with trailing dots and spaces, leading spaces and dots, ".", ".." and "-dash"',
  why: 'Windows strips trailing dots and spaces; "." and ".." are directories; "-x" looks like an option',
  ...renamed(['dot.', 'space ', ' lead', '.hidden', '..', '.', '-dash']),
  exit: [0],
  count: [{ format: 'yolo', dir: 'labels', ext: '.txt', n: 8 }],
});

add('names-long', {
  title: 'the longest names a file system allows: 250 ASCII characters, 125 × "é", 83 × "あ"',
  why: '300-character names cannot exist on disk (255 bytes per name); output names must stay within it',
  ...renamed(['n'.repeat(250), 'é'.repeat(125), 'あ'.repeat(83)]),
  exit: [0],
  count: [{ format: 'yolo', dir: 'labels', ext: '.txt', n: 4 }],
});

add('names-case-only', {
  title: 'three items whose names differ only in case: Car, car, CAR',
  why: 'on case-insensitive file systems the outputs would overwrite each other',
  ...renamed(['Car', 'car', 'CAR']),
  exit: [0],
  count: [
    { format: 'yolo', dir: 'labels', ext: '.txt', n: 4 },
    { format: 'voc', dir: 'VOCdevkit/VOC2012/Annotations', ext: '.xml', n: 4 },
    { format: 'media', n: 4 },
  ],
});

add('names-unicode-normalisation', {
  title:
    'names equal after Unicode normalisation: café (NFC) / café (NFD), Å (U+00C5) / Å (U+212B)',
  why: 'macOS normalises names; outputs must not overwrite each other',
  ...renamed(['caf\u00e9', 'cafe\u0301', '\u00c5', '\u212b']),
  exit: [0],
  count: [
    { format: 'yolo', dir: 'labels', ext: '.txt', n: 5 },
    { format: 'media', n: 5 },
  ],
});

add('names-non-ascii', {
  title: 'names in emoji, Hebrew and Arabic (with an RLM mark) and a zero-width joiner',
  why: 'nothing is wrong: non-ASCII names are kept',
  ...renamed(['😀🚗', 'שלום', 'مرحبا\u200f', 'x\u200d']),
  exit: [0],
  count: [{ format: 'yolo', dir: 'labels', ext: '.txt', n: 5 }],
});

// ---------------------------------------------------------------------------------------------
// Special files and the file system

add('json-fifo', {
  title: 'json/x.json is a FIFO',
  why: 'opening a FIFO blocks until a writer comes; only regular files may be read',
  files: { 'json/x.json': null },
  setup: [{ path: 'json/x.json', make: 'fifo' }],
  exit: [10],
  expect: [fileProblem('x', { severity: 'error' })],
});

add('json-socket-or-device', {
  title:
    'json/x.json is a Unix socket; json/y.json and json/z.json are symlinks to /dev/zero and /dev/urandom',
  why: 'a socket is no file; devices never end (and a symlink out of the folder is refused anyway)',
  files: { 'json/x.json': null, 'origin_files/y.jpg': JPEG, 'origin_files/z.jpg': JPEG },
  setup: [
    { path: 'json/x.json', make: 'socket' },
    { path: 'json/y.json', make: 'device', target: '/dev/zero' },
    { path: 'json/z.json', make: 'device', target: '/dev/urandom' },
  ],
  exit: [10],
  expect: ['x', 'y', 'z'].map((stem) => fileProblem(stem, { severity: 'error' })),
});

add('json-symlink-etc-passwd', {
  title: 'json/x.json is a symlink to /etc/passwd',
  why: 'a symlink out of the folder is refused, and its target never reaches the output',
  files: { 'json/x.json': null },
  setup: [{ path: 'json/x.json', make: 'symlink', target: '/etc/passwd' }],
  exit: [10],
  expect: [fileProblem('x', { severity: 'error' })],
});

add('json-symlink-outside', {
  title: 'json/x.json is a symlink to a valid DM item outside the folder',
  why: 'refused: it would export data that is not part of the export folder',
  files: { 'json/x.json': null },
  setup: [{ path: 'json/x.json', make: 'symlink', target: '../../outside/secret.json' }],
  exit: [10],
  expect: [fileProblem('x', { severity: 'error' })],
});

add('json-symlink-inside', {
  title: 'json/x.json is a symlink to a file inside the folder (alt/x.json)',
  why: 'allowed: the target is part of the export folder',
  files: { 'json/x.json': null, 'alt/x.json': item([okBox()]) },
  setup: [{ path: 'json/x.json', make: 'symlink', target: '../alt/x.json' }],
  exit: [0],
});

add('json-dir-symlink-outside', {
  title: 'json/ itself is a symlink to a folder outside the export',
  why: 'refused: without its own json/ the folder is no Synapse export',
  files: { 'json/x.json': null },
  setup: [{ path: 'json', make: 'symlink', target: '../outside/json' }],
  exit: [2],
  fatal: { message: 'json' },
});

add('json-dir-symlink-inside', {
  title: 'json/ is a symlink to data/json inside the export folder',
  why: 'allowed: the target is part of the export folder',
  files: { 'data/json/x.json': item([okBox()]), 'data/json/ok.json': item([okBox()]) },
  ok: 'media-only',
  setup: [{ path: 'json', make: 'symlink', target: 'data/json' }],
  exit: [0],
});

add('json-is-directory', {
  title: 'json/x.json is a directory',
  why: 'only regular files are items',
  files: { 'json/x.json': null },
  setup: [{ path: 'json/x.json', make: 'empty-dir' }],
  exit: [10],
  expect: [fileProblem('x', { severity: 'error' })],
});

add('json-unreadable', {
  title: 'json/x.json has mode 000',
  why: 'the item cannot be read (as root it can: then nothing is wrong)',
  setup: [{ path: 'json/x.json', make: 'chmod000' }],
  files: { 'json/x.json': item([okBox()]) },
  exit: [10],
  expect: [fileProblem('x', { severity: 'error' })],
  asRoot: { exit: [0], expect: [] },
});

add('json-dir-unreadable', {
  title: 'json/ has mode 000',
  why: 'the folder cannot be listed: a file-system error (as root it can: then nothing is wrong)',
  files: { 'json/x.json': item([okBox()]) },
  setup: [{ path: 'json', make: 'chmod000' }],
  exit: [9],
  fatal: { message: 'json' },
  asRoot: { exit: [0], expect: [] },
});

const mediaProblem = (stem, ext = 'jpg', more = {}) => ({
  item: stem,
  field: `origin_files/${stem}.${ext}`,
  ...more,
});
/** Media problems lose image sizes (labels need them) but not raw JSON. */
const MEDIA_LOST = { exit: [10], exitFor: { json: [0, 10] } };

add('media-fifo', {
  title: 'origin_files/x.jpg is a FIFO',
  why: 'reading its header would block forever',
  files: { 'json/x.json': item([okBox()]), 'origin_files/x.jpg': null },
  setup: [{ path: 'origin_files/x.jpg', make: 'fifo' }],
  ...MEDIA_LOST,
  expect: [mediaProblem('x')],
});

add('media-socket-or-device', {
  title: 'origin_files/x.jpg is a Unix socket; y.jpg → /dev/zero, z.jpg → /dev/urandom',
  why: 'no image: refused without blocking, and never copied',
  files: {
    'json/x.json': item([okBox()]),
    'json/y.json': item([okBox()]),
    'json/z.json': item([okBox()]),
    'origin_files/x.jpg': null,
  },
  setup: [
    { path: 'origin_files/x.jpg', make: 'socket' },
    { path: 'origin_files/y.jpg', make: 'device', target: '/dev/zero' },
    { path: 'origin_files/z.jpg', make: 'device', target: '/dev/urandom' },
  ],
  ...MEDIA_LOST,
  expect: [mediaProblem('x'), mediaProblem('y'), mediaProblem('z')],
});

add('media-symlink-etc-passwd', {
  title: 'origin_files/x.jpg is a symlink to /etc/passwd',
  why: 'refused: /etc/passwd must never be read as an image nor copied into the output',
  files: { 'json/x.json': item([okBox()]), 'origin_files/x.jpg': null },
  setup: [{ path: 'origin_files/x.jpg', make: 'symlink', target: '/etc/passwd' }],
  ...MEDIA_LOST,
  expect: [mediaProblem('x')],
});

add('media-symlink-outside', {
  title: 'origin_files/x.jpg is a symlink to a real JPEG outside the folder',
  why: 'refused and not copied, though it is a valid image',
  files: { 'json/x.json': item([okBox()]), 'origin_files/x.jpg': null },
  setup: [{ path: 'origin_files/x.jpg', make: 'symlink', target: '../../outside/secret.jpg' }],
  ...MEDIA_LOST,
  expect: [mediaProblem('x')],
});

add('media-symlink-inside', {
  title: 'origin_files/x.jpg is a symlink to shared/real.jpg inside the folder',
  why: 'allowed: the target is part of the export folder',
  files: {
    'json/x.json': item([okBox()]),
    'origin_files/x.jpg': null,
    'shared/real.jpg': JPEG,
  },
  setup: [{ path: 'origin_files/x.jpg', make: 'symlink', target: '../shared/real.jpg' }],
  exit: [0],
  mediaPresent: ['x.jpg'],
});

add('media-is-directory', {
  title: 'origin_files/x.jpg is a directory',
  why: 'a directory is no image',
  files: { 'json/x.json': item([okBox()]), 'origin_files/x.jpg': null },
  setup: [{ path: 'origin_files/x.jpg', make: 'empty-dir' }],
  ...MEDIA_LOST,
  expect: [mediaProblem('x')],
});

add('media-unreadable', {
  title: 'origin_files/x.jpg has mode 000',
  why: 'its size cannot be read (as root it can: then nothing is wrong)',
  files: { 'json/x.json': item([okBox()]) },
  setup: [{ path: 'origin_files/x.jpg', make: 'chmod000' }],
  ...MEDIA_LOST,
  expect: [mediaProblem('x')],
  asRoot: { exit: [0], expect: [] },
});

add('origin-files-symlink-outside', {
  noMediaDir: true,
  title: 'origin_files/ is a symlink to a folder of images outside the export',
  why: 'refused: the images are not part of the export folder',
  files: { 'json/x.json': item([okBox()]), 'origin_files/x.jpg': null },
  ok: 'json-only',
  setup: [{ path: 'origin_files', make: 'symlink', target: '../outside/origin_files' }],
  ...MEDIA_LOST,
  expect: [{ field: 'origin_files' }],
});

add('project-json-fifo', {
  title: 'project.json is a FIFO',
  why: 'reading it would block forever',
  setup: [{ path: 'project.json', make: 'fifo' }],
  project: null,
  files: { 'json/x.json': item([okBox()]) },
  exit: [2, 9],
  fatal: { message: 'project.json' },
});

add('project-json-symlink-outside', {
  title: 'project.json is a symlink to a project file outside the folder',
  why: 'refused: the classes would come from another project',
  setup: [{ path: 'project.json', make: 'symlink', target: '../outside/project.json' }],
  project: null,
  files: { 'json/x.json': item([okBox()]) },
  exit: [2],
  fatal: { message: 'project.json' },
});

add('project-json-unreadable', {
  title: 'project.json has mode 000',
  why: 'a file-system error (as root it can be read: then nothing is wrong)',
  setup: [{ path: 'project.json', make: 'chmod000' }],
  files: { 'json/x.json': item([okBox()]) },
  exit: [9],
  fatal: { message: 'project.json' },
  asRoot: { exit: [0], expect: [] },
});

// ---------------------------------------------------------------------------------------------
// Images

add('image-unreadable-bytes', {
  title: 'an empty image, random bytes, a JPEG cut after 20 bytes, a PNG cut inside IHDR',
  why: 'no header, no size',
  files: {
    'json/x.json': item([okBox()]),
    'origin_files/x.jpg': Buffer.alloc(0),
    'json/y.json': item([okBox()]),
    'origin_files/y.jpg': Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 251)),
    'json/z.json': item([okBox()]),
    'origin_files/z.jpg': JPEG.subarray(0, 20),
    'json/w.json': item([okBox()]),
    'origin_files/w.png': PNG.subarray(0, 18),
  },
  ...MEDIA_LOST,
  expect: [
    mediaProblem('x', 'jpg', { severity: 'error' }),
    mediaProblem('y', 'jpg', { severity: 'error' }),
    mediaProblem('z', 'jpg', { severity: 'error' }),
    mediaProblem('w', 'png', { severity: 'error' }),
  ],
});

/** A PNG whose IHDR declares this size (valid CRC, no pixel data worth the name). */
function pngDeclaring(width, height) {
  const png = Buffer.from(encodePng({ width: 1, height: 1 }));
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
  }
  return ~c >>> 0;
}

add('image-huge-declared-size', {
  title: 'PNGs declaring 2147483647 × 2147483647 and 0 × 0 pixels; a JPEG of 65535 × 65535',
  why: 'the first two are no usable size (beyond any image, empty); the JPEG size is merely large',
  files: {
    'json/x.json': item([okBox()]),
    'origin_files/x.png': pngDeclaring(2147483647, 2147483647),
    'json/y.json': item([okBox()]),
    'origin_files/y.png': pngDeclaring(0, 0),
    'json/z.json': item([okBox()]),
    'origin_files/z.jpg': (() => {
      const j = Buffer.from(encodeJpeg({ width: 8, height: 8 }));
      const sof = j.indexOf(Buffer.from([0xff, 0xc0]));
      j.writeUInt16BE(65535, sof + 5);
      j.writeUInt16BE(65535, sof + 7);
      return j;
    })(),
  },
  ...MEDIA_LOST,
  expect: [
    mediaProblem('x', 'png', { severity: 'error' }),
    mediaProblem('y', 'png', { severity: 'error' }),
  ],
});

add('image-unknown-type', {
  title: 'a HEIC file, a file with an unknown extension and unknown bytes',
  why: 'synx cannot read their size',
  files: {
    'json/x.json': item([okBox()]),
    'origin_files/x.heic': Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypheic\u0000\u0000\u0000\u0000mif1heic', 'latin1'),
      Buffer.alloc(64),
    ]),
    'json/y.json': item([okBox()]),
    'origin_files/y.xyz': Buffer.from('XYZ1 not an image at all\n'),
  },
  ...MEDIA_LOST,
  expect: [
    mediaProblem('x', 'heic', { severity: 'error' }),
    mediaProblem('y', 'xyz', { severity: 'error' }),
  ],
});

add('image-png-named-jpg', {
  title: 'origin_files/x.jpg holds a PNG',
  why: 'nothing is lost: the size is read from the bytes, whatever the extension says',
  files: { 'json/x.json': item([okBox()]), 'origin_files/x.jpg': PNG },
  exit: [0],
});

add('media-two-files-one-stem', {
  title: 'x.jpg and x.png both pair with json/x.json',
  why: 'ambiguous: one is used, the choice is reported',
  files: { 'json/x.json': item([okBox()]), 'origin_files/x.jpg': JPEG, 'origin_files/x.png': PNG },
  exit: [0],
  expect: [{ item: 'x', field: 'origin_files/x' }],
});

add('media-orphan', {
  title: 'origin_files/z.jpg has no JSON file',
  why: 'a media file without annotations data is reported, not exported as an item',
  files: { 'json/x.json': item([okBox()]), 'origin_files/z.jpg': JPEG },
  exit: [0],
  expect: [{ item: 'z', field: 'origin_files/z.jpg' }],
});

add('json-without-media', {
  title: 'json/x.json has no media file',
  why: 'the image size is unknown, so its boxes cannot be normalised or checked',
  files: { 'json/x.json': item([okBox()]), 'origin_files/x.jpg': null },
  ...MEDIA_LOST,
  expect: [{ item: 'x', field: ['json/x.json', 'origin_files'] }],
});

add('no-origin-files', {
  noMediaDir: true,
  title: 'the folder has no origin_files/ at all',
  why: 'no image sizes for any item',
  files: { 'json/x.json': item([okBox()]), 'origin_files/x.jpg': null },
  ok: 'json-only',
  ...MEDIA_LOST,
  expect: [{ item: 'x', field: ['json/x.json', 'origin_files'] }],
});

// ---------------------------------------------------------------------------------------------
// Geometry against the image (100 × 80)

add('box-wholly-outside', {
  title: 'boxes wholly right of, above and left of the image',
  why: 'they mark nothing in the image: dropped with a warning',
  files: {
    'json/x.json': item([
      box('car', { x: 200, y: 10, width: 20, height: 20 }),
      box('car', { x: 10, y: -50, width: 20, height: 10 }),
      box('car', { x: -30, y: 10, width: 20, height: 20 }),
      okBox(),
    ]),
  },
  exit: [0],
  expect: [0, 1, 2].map((i) => ({
    item: 'x',
    field: `annotationsData.image_1[${i}]`,
    severity: 'warning',
    formats: LABEL_FORMATS,
  })),
});

add('box-partly-outside', {
  title: 'boxes crossing the left, right and bottom edges',
  why: 'clipped to the image (YOLO coordinates must stay in [0, 1])',
  files: {
    'json/x.json': item([
      box('car', { x: -10, y: 10, width: 30, height: 20 }),
      box('car', { x: 90, y: 10, width: 30, height: 20 }),
      box('car', { x: 10, y: 70, width: 30, height: 30 }),
    ]),
  },
  exit: [0],
});

add('box-zero-size', {
  title: 'boxes of width 0, height 0, and both 0',
  why: 'a degenerate box marks no area',
  files: {
    'json/x.json': item([
      box('car', { x: 10, y: 10, width: 0, height: 10 }),
      box('car', { x: 10, y: 10, width: 10, height: 0 }),
      box('car', { x: 10, y: 10, width: 0, height: 0 }),
      okBox(),
    ]),
  },
  exit: [0, 10],
  expect: fields('x', 'annotationsData.image_1', [0, 1, 2], '.coordinate', { onlyIfExit: [10] }),
});

add('polygon-too-few-points', {
  title: 'polygons with 0, 1 and 2 vertices, a polyline with 1',
  why: 'a polygon needs 3 vertices (COCO consumers fail on shorter ones), a polyline 2',
  files: {
    'json/x.json': item([
      poly('road', []),
      poly('road', [{ x: 1, y: 1 }]),
      poly('road', [
        { x: 1, y: 1 },
        { x: 9, y: 9 },
      ]),
      a('polyline', 'lane', { coordinate: [{ x: 1, y: 1 }] }),
      okBox(),
    ]),
  },
  ...DOCUMENTED,
  expect: fields('x', 'annotationsData.image_1', [0, 1, 2, 3], '.coordinate', {
    code: 'SYNX_GEOMETRY_EMPTY',
    formats: LABEL_FORMATS,
  }),
});

add('polygon-self-intersecting', {
  title: 'a bow-tie polygon and one with a repeated vertex',
  why: 'valid to draw, but its area is ambiguous',
  files: {
    'json/x.json': item([
      poly('road', [
        { x: 10, y: 10 },
        { x: 50, y: 50 },
        { x: 50, y: 10 },
        { x: 10, y: 50 },
      ]),
      poly('road', [
        { x: 10, y: 10 },
        { x: 10, y: 10 },
        { x: 50, y: 10 },
        { x: 30, y: 40 },
      ]),
    ]),
  },
  exit: [0, 10],
  expect: fields('x', 'annotationsData.image_1', [0], '.coordinate', { onlyIfExit: [10] }),
});

add('polygon-outside', {
  title: 'a polygon wholly outside the image and one crossing its edge',
  why: 'as with boxes: clipped, or dropped with a warning',
  files: {
    'json/x.json': item([
      poly('road', [
        { x: 150, y: 10 },
        { x: 190, y: 10 },
        { x: 170, y: 40 },
      ]),
      poly('road', [
        { x: 80, y: 10 },
        { x: 130, y: 10 },
        { x: 100, y: 40 },
      ]),
    ]),
  },
  exit: [0, 10],
});

add('keypoints-outside', {
  title: 'a keypoint group with one keypoint inside the image and one far outside',
  why: 'keypoints outside the image are not visible',
  files: {
    'json/x.json': (() => {
      const k1 = a('keypoint', 'nose', { coordinate: { x: 50, y: 40 } });
      const k2 = a('keypoint', 'left_eye', { coordinate: { x: 150, y: -20 } });
      const g = a('annotationGroup', 'pedestrian', {
        annotationList: [
          { annotationId: k1.ann.id, children: [] },
          { annotationId: k2.ann.id, children: [] },
        ],
      });
      return item([k1, k2, g, okBox()]);
    })(),
  },
  exit: [0, 10],
});

add('mask-beyond-image', {
  title: 'mask pixel indices at and beyond width × height (8000), and beyond any image',
  why: 'an index ≥ width × height is no pixel of the image',
  files: {
    'json/x.json': item([
      a('segmentation', 'sky', { pixel_indices: [0, 1, 8000, 9999] }),
      a('segmentation', 'sky', { pixel_indices: [0, 1e15] }),
      a('segmentation', 'sky', { pixel_indices: [0, 1, 2, 100, 101, 102] }),
      okBox(),
    ]),
  },
  ...LOST,
  // The DM conversion names the absurd index in every format; the clip of the indices beyond
  // the image (ADR 0017) is made where geometry is re-encoded.
  expect: [
    { item: 'x', field: 'annotationsData.image_1[0].pixel_indices', formats: LABEL_FORMATS },
    { item: 'x', field: 'annotationsData.image_1[1].pixel_indices' },
  ],
});

// ---------------------------------------------------------------------------------------------
// project.json and the folder

add('no-json-dir', {
  title: 'a folder with origin_files/ and project.json but no json/',
  why: 'not a Synapse export folder',
  files: { 'json/x.json': null },
  ok: 'media-only',
  exit: [2],
  fatal: { message: 'json' },
});

add('empty-json-dir', {
  title: 'json/ exists and is empty',
  why: 'nothing to export: exit 11 before anything is written, naming json/',
  files: { 'json/x.json': null, 'origin_files/x.jpg': null },
  ok: false,
  setup: [{ path: 'json', make: 'empty-dir' }],
  exit: [11],
  fatal: { message: 'json' },
});

add('project-json-list', {
  title: 'project.json is a list',
  why: 'the GET projects/{id}/ body is an object',
  project: json([BASE_PROJECT]),
  files: { 'json/x.json': item([okBox()]) },
  exit: [2],
  fatal: { message: 'project.json' },
});

add('project-json-malformed', {
  title: 'project.json is cut off',
  why: 'not JSON',
  project: json(BASE_PROJECT).slice(0, 120),
  files: { 'json/x.json': item([okBox()]) },
  exit: [2],
  fatal: { message: 'project.json' },
});

add('project-json-string', {
  title: 'project.json holds a JSON string',
  why: 'not an object',
  project: '"my project"\n',
  files: { 'json/x.json': item([okBox()]) },
  exit: [2],
  fatal: { message: 'project.json' },
});

add('project-json-null', {
  title: 'project.json holds null',
  why: 'not an object',
  project: 'null\n',
  files: { 'json/x.json': item([okBox()]) },
  exit: [2],
  fatal: { message: 'project.json' },
});

add('project-json-empty', {
  title: 'project.json is an empty file',
  why: 'not JSON',
  project: '',
  files: { 'json/x.json': item([okBox()]) },
  exit: [2],
  fatal: { message: 'project.json' },
});

add('project-json-bom', {
  title: 'project.json starts with a UTF-8 byte order mark',
  why: 'the object is fine',
  project: `\uFEFF${json(BASE_PROJECT)}`,
  files: { 'json/x.json': item([okBox()]) },
  exit: [0],
});

add('configuration-not-object', {
  title: 'project.json configuration is a string',
  why: 'no classes can be read from it: they are discovered from the data, with a warning naming project.json',
  project: { ...BASE_PROJECT, configuration: 'dm_schema' },
  files: { 'json/x.json': item([okBox()]) },
  exit: [0],
  expect: [{ field: 'project.json' }],
});

add('configuration-classification-list', {
  title: 'project.json configuration.classification is a list',
  why: 'classification is an object keyed by tool',
  project: {
    ...BASE_PROJECT,
    configuration: { classification: [schema('car')] },
  },
  files: { 'json/x.json': item([okBox()]) },
  exit: [0],
  expect: [{ field: 'project.json' }],
});

add('configuration-bad-entries', {
  title:
    'classification schemas that are a string, an object, and lists with null, numeric and empty codes',
  why: 'the broken entries name no class; the valid ones still count, and the rest is reported',
  project: {
    ...BASE_PROJECT,
    configuration: {
      classification: {
        bounding_box: schema('car'),
        polyline: { classification_schema: 'lane' },
        keypoint: { classification_schema: { code: 'nose' } },
        polygon: {
          classification_schema: [
            null,
            5,
            { code: 5, name: null },
            { code: '', name: '' },
            { code: ['road'] },
            { code: 'road', name: 'Road' },
          ],
        },
      },
    },
  },
  files: { 'json/x.json': item([okBox(), poly('road', tri)]) },
  exit: [0],
  expect: [{ field: 'project.json' }],
});

add('configuration-duplicate-codes', {
  title: 'a class code listed twice for one tool, and a __proto__ tool',
  why: 'one class, however often it is listed; an odd tool name is just a name',
  project: (() => {
    const c = { bounding_box: schema('car', 'car', 'person') };
    Object.defineProperty(c, '__proto__', { value: schema('car'), enumerable: true });
    return { ...BASE_PROJECT, configuration: { classification: c } };
  })(),
  files: { 'json/x.json': item([okBox(), okBox('person')]) },
  exit: [0],
});

// ---------------------------------------------------------------------------------------------
// Writing

/** JSON with two-space indentation, where anything that fits in 100 columns stays on one line. */
function pretty(value, indent = '') {
  const flat = JSON.stringify(value);
  if (flat.length + indent.length <= 100 || typeof value !== 'object' || value === null) {
    return flat;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => inner + pretty(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).map(
    ([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`,
  );
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function contents(value) {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return value;
  }
  return typeof value === 'string' ? value : json(value);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
writeFileSync(
  join(OUT, '.nxignore'),
  '# The cases hold Synapse project.json files, some broken on purpose: not Nx projects.\nproject.json\n',
);
const slugs = new Set();
cases.forEach((c, index) => {
  if (slugs.has(c.name)) {
    throw new Error(`two cases named ${c.name}`);
  }
  slugs.add(c.name);
  // Cases are numbered in the order they are written here.
  const dir = join(OUT, `${String(index + 1).padStart(3, '0')}-${c.name}`);
  const files = {};
  if (c.project !== null) {
    files['project.json'] = c.project ?? BASE_PROJECT;
  }
  const ok = c.ok ?? true;
  if (ok === true || ok === 'json-only') {
    files['json/ok.json'] = item([okBox()]);
  }
  if (ok === true || ok === 'media-only') {
    files['origin_files/ok.jpg'] = JPEG;
  }
  // x.jpg for item x, unless the case names x's media itself (or has no item x)
  const own = Object.keys(c.files ?? {});
  if (c.defaultMedia !== false && !own.some((k) => k.startsWith('origin_files/x.'))) {
    files['origin_files/x.jpg'] = JPEG;
  }
  Object.assign(files, c.files ?? {});
  if (c.noMediaDir === true) {
    for (const k of Object.keys(files)) {
      if (k.startsWith('origin_files/')) {
        delete files[k];
      }
    }
  }
  for (const [path, value] of Object.entries(files)) {
    if (value === null || value === undefined) {
      continue;
    }
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), contents(value));
  }
  const spec = {
    title: c.title,
    why: c.why,
    ...(c.setup === undefined ? {} : { setup: c.setup }),
    exit: c.exit,
    ...(c.exitFor === undefined ? {} : { exitFor: c.exitFor }),
    ...(c.expect === undefined ? {} : { expect: c.expect }),
    ...(c.fatal === undefined ? {} : { fatal: c.fatal }),
    ...(c.asRoot === undefined ? {} : { asRoot: c.asRoot }),
    ...(c.contains === undefined ? {} : { contains: c.contains }),
    ...(c.count === undefined ? {} : { count: c.count }),
    ...(c.mediaPresent === undefined ? {} : { mediaPresent: c.mediaPresent }),
    ...(c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs }),
    mediaFormat: FORMATS[index % FORMATS.length],
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'case.json'), `${pretty(spec)}\n`);
});
// Directories git cannot hold empty are made by the test ("empty-dir").
process.stdout.write(`${cases.length} cases written to ${OUT}\n`);
