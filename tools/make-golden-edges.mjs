#!/usr/bin/env node
// Generates apps/synx/test/golden/inputs/edges: a small Synapse raw export folder with every
// annotation feature and edge case the format writers branch on (see apps/synx/test/golden.test.ts).
// Deterministic. Usage (after `npm run build`): node tools/make-golden-edges.mjs [outDir]
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { SynapseFolderWriter } from '@synx/synapse-folder';
import { encodeJpeg } from '@synx/image-header';
const dir =
  process.argv[2] ??
  join(import.meta.dirname, '..', 'apps', 'synx', 'test', 'golden', 'inputs', 'edges');
rmSync(dir, { recursive: true, force: true });
const w = new SynapseFolderWriter(dir);
const LONG =
  'a_very_long_class_name_that_keeps_going_and_going_past_any_reasonable_column_width_0123456789';
const schema = (codes) => ({
  classification_schema: codes.map((c) => ({
    code: c,
    name: c === 'car' ? 'Car (ünïcødé 車)' : c.toUpperCase(),
  })),
});
await w.writeProject({
  id: 7,
  title: 'golden edges',
  category: 'image',
  configuration: {
    classification: {
      bounding_box: schema(['car', 'person', LONG, '歩行者']),
      polygon: schema(['road', 'person']),
      polyline: schema(['lane']),
      segmentation: schema(['sky', 'person']),
      keypoint: schema(['nose', 'left_eye', 'right_eye']),
      annotationGroup: schema(['person']),
      classification: schema(['day', 'night']),
      relation: schema(['near']),
    },
  },
});
const A = (id, tool, cls, extra = {}) => ({
  id,
  tool,
  classification: cls === undefined ? { ...extra } : { class: cls, ...extra },
});
const box = (id, x, y, width, height, rotation) => ({
  id,
  coordinate: rotation === undefined ? { x, y, width, height } : { x, y, width, height, rotation },
});
const pts = (id, list) => ({ id, coordinate: list.map(([x, y]) => ({ x, y })) });
const kp = (id, x, y) => ({ id, coordinate: { x, y } });
const grp = (id, members) => ({
  id,
  annotationList: members.map((m) =>
    typeof m === 'string' ? { annotationId: m, children: [] } : m,
  ),
});
const jpeg = (wd, ht) => encodeJpeg({ width: wd, height: ht });
const items = [
  {
    stem: 'boxes',
    media: ['boxes.jpg', jpeg(200, 100)],
    anns: [
      A('b1', 'bounding_box', 'car', {
        color: 'red',
        occluded: true,
        truncated: 'no',
        difficult: 1,
      }),
      A('b2', 'bounding_box', 'person'),
      A('b3', 'bounding_box', 'car'),
      A('b4', 'bounding_box', 'car'),
      A('b5', 'bounding_box', 'person'),
      A('b6', 'bounding_box', LONG),
      A('b7', 'bounding_box', '歩行者', { hard: 'yes' }),
      A('b8', 'bounding_box', 'ghost'),
      A('b9', 'bounding_box', undefined),
      A('b10', 'bounding_box', 'car', { iscrowd: 1 }),
      A('b11', 'bounding_box', 'person', { iscrowd: 0 }),
    ],
    datas: [
      box('b1', 10.5, 20.25, 50, 40),
      box('b2', 120, 10, 30, 60, 0.3),
      box('b3', 195, 50, 10, 10),
      box('b4', -5, -5, 20, 20),
      box('b5', 30, 30, 0, 0),
      box('b6', 60, 60, 10, 5),
      box('b7', 1, 1, 5, 5),
      box('b8', 2, 2, 8, 8),
      box('b9', 3, 3, 9, 9),
      box('b10', 100, 50, 40, 30),
      box('b11', 150, 70, 20, 0),
    ],
  },
  {
    stem: 'shapes',
    media: ['shapes.png', null],
    size: [120, 80],
    anns: [
      A('p1', 'polygon', 'road'),
      A('p2', 'polygon', 'road'),
      A('p3', 'polygon', 'person', { iscrowd: 1 }),
      A('p4', 'polygon', 'road'),
      A('l1', 'polyline', 'lane'),
      A('r1', 'relation', 'near'),
    ],
    datas: [
      pts('p1', [
        [10, 60],
        [100, 60],
        [90, 75],
        [20, 75],
      ]),
      pts('p2', [
        [5, 5],
        [50, 5],
      ]),
      pts('p3', [
        [0, 0],
        [130, 0],
        [130, 90],
        [0, 90],
      ]),
      pts('p4', [[7, 7]]),
      pts('l1', [
        [0, 0],
        [50, 50],
        [60, 20],
      ]),
      { id: 'r1', annotationId: 'p1', targetAnnotationId: 'l1' },
    ],
  },
  {
    stem: 'masks',
    media: ['masks.jpg', jpeg(16, 12)],
    anns: [
      A('m1', 'segmentation', 'sky'),
      A('m2', 'segmentation', 'person'),
      A('m3', 'segmentation', 'person', { iscrowd: 0 }),
      A('g1', 'annotationGroup', 'person'),
    ],
    datas: [
      { id: 'm1', pixel_indices: [0, 1, 2, 16, 17, 18] },
      { id: 'm2', pixel_indices: [100, 101, 116, 117] },
      { id: 'm3', pixel_indices: [150, 151, 166, 167, 182] },
      grp('g1', ['m2', 'm3']),
    ],
  },
  {
    stem: 'no-size',
    anns: [
      A('m1', 'segmentation', 'sky'),
      A('b1', 'bounding_box', 'car'),
      A('k1', 'keypoint', 'nose'),
      A('p1', 'polygon', 'road'),
    ],
    datas: [
      { id: 'm1', pixel_indices: [0, 1, 2, 3] },
      box('b1', 1, 2, 3, 4),
      kp('k1', 5, 6),
      pts('p1', [
        [0, 0],
        [4, 0],
        [4, 4],
      ]),
    ],
  },
  {
    stem: 'people',
    media: ['people.jpg', jpeg(100, 100)],
    anns: [
      A('pb', 'bounding_box', 'person'),
      A('pp', 'polygon', 'person'),
      A('pm', 'segmentation', 'person'),
      A('k1', 'keypoint', 'nose'),
      A('k2', 'keypoint', 'left_eye', { visibility: 1 }),
      A('k3', 'keypoint', 'right_eye', { visible: false }),
      A('g1', 'annotationGroup', 'person'),
      A('k4', 'keypoint', 'nose'),
      A('k5', 'keypoint', 'tail'),
      A('q1', 'bounding_box', 'person'),
      A('q2', 'bounding_box', 'person'),
      A('g2', 'annotationGroup', 'person'),
      A('n1', 'bounding_box', 'person'),
      A('nk', 'keypoint', 'nose'),
      A('nk2', 'keypoint', 'nose'),
      A('nk3', 'keypoint', 'tail'),
      A('g3', 'annotationGroup', 'person'),
      A('g4', 'annotationGroup', 'person'),
      A('g5', 'annotationGroup', 'person'),
      A('g6', 'annotationGroup', undefined),
    ],
    datas: [
      box('pb', 20, 10, 40, 80),
      pts('pp', [
        [20, 10],
        [60, 10],
        [40, 90],
      ]),
      { id: 'pm', pixel_indices: [2020, 2021, 2120, 2121] },
      kp('k1', 40, 20),
      kp('k2', 45, 18),
      kp('k3', 35, 18),
      grp('g1', ['pb', 'pp', 'pm', 'k1', 'k2', 'k3']),
      kp('k4', 5, 5),
      kp('k5', 6, 6),
      box('q1', 70, 70, 10, 10),
      box('q2', 75, 75, 20, 20),
      grp('g2', ['q1', 'q2']),
      box('n1', 1, 50, 30, 40),
      kp('nk', 10, 60),
      kp('nk2', 12, 61),
      kp('nk3', 11, 62),
      grp('g3', [
        'n1',
        {
          annotationId: 'g4',
          children: [
            { annotationId: 'nk', children: [] },
            { annotationId: 'nk2', children: [] },
          ],
        },
      ]),
      grp('g4', ['nk', 'nk2', 'nk3']),
      grp('g5', []),
      grp('g6', ['q1']),
    ],
  },
  {
    stem: 'classify',
    media: ['classify.jpg', jpeg(32, 32)],
    anns: [
      A('c1', 'classification', 'day', { weather: 'sunny', tags: ['a', 'b'] }),
      A('c2', 'classification', undefined, { mood: 'calm' }),
      A('c3', 'classification', 'night'),
    ],
    datas: [{ id: 'c1' }, { id: 'c2' }, { id: 'c3' }],
  },
  {
    stem: 'classify-only',
    media: ['classify-only.jpg', jpeg(20, 10)],
    anns: [A('c1', 'classification', 'night')],
    datas: [{ id: 'c1' }],
  },
  { stem: 'multi', media: ['multi.jpg', jpeg(50, 40)], multi: true },
  { stem: 'empty', media: ['empty.jpg', jpeg(64, 48)], anns: [], datas: [] },
  {
    stem: 'ünï 形 name',
    media: ['ünï 形 name.jpg', jpeg(40, 30)],
    anns: [A('b1', 'bounding_box', 'car')],
    datas: [box('b1', 1, 1, 38, 28)],
  },
  { stem: 'clip', media: ['clip.mp4', Buffer.from('not really a video\n')], video: true },
  { stem: 'no-media-empty', anns: [], datas: [] },
];
for (const it of items) {
  let data;
  if (it.multi) {
    data = {
      annotations: {
        image_1: [A('b1', 'bounding_box', 'car')],
        image_2: [A('b2', 'bounding_box', 'person'), A('c1', 'classification', 'day')],
      },
      annotationsData: {
        image_1: [box('b1', 1, 1, 10, 10)],
        image_2: [box('b2', 2, 2, 5, 5), { id: 'c1' }],
      },
    };
  } else if (it.video) {
    data = {
      annotations: { video_1: [A('c1', 'classification', 'day')] },
      annotationsData: { video_1: [{ id: 'c1' }] },
    };
  } else {
    data = { annotations: { image_1: it.anns }, annotationsData: { image_1: it.datas } };
  }
  let media;
  if (it.media !== undefined) {
    let bytes = it.media[1];
    if (bytes === null) bytes = jpeg(...it.size);
    media = { name: it.media[0].replace(/\.png$/, '.jpg'), bytes };
  }
  await w.write({ stem: it.stem, data, ...(media === undefined ? {} : { media }) });
}
