#!/usr/bin/env node
// Generates the bundled demo: a Synapse raw export folder of 30 items with generated media.
// Deterministic (seeded); a test checks the committed folder equals this script's output.
// Usage (after `npm run build`): node tools/make-demo.mjs [outDir]
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { encodeJpeg, encodePng } from '@synx/image-header';
import { SynapseFolderWriter } from '@synx/synapse-folder';
import { mulberry32 } from '@synx/fake-synapse';

const out =
  process.argv[2] ?? join(import.meta.dirname, '..', 'apps', 'synx', 'demo', 'synapse-demo');
const rand = mulberry32(2026);
const pick = (list) => list[Math.floor(rand() * list.length)];
const r2 = (v) => Math.round(v * 100) / 100;

const cls = (code, name, attributes = []) => ({
  id: `cls-${code}`,
  code,
  name,
  value: '#3366cc',
  is_default: false,
  customFields: {},
  attributes,
});
const boxClasses = [
  cls('person', 'Person', [
    { name: 'occluded', code: 'occluded', type: 'radio', options: ['no', 'partly', 'mostly'] },
  ]),
  cls('car', 'Car', [
    { name: 'color', code: 'color', type: 'select', options: ['red', 'blue', 'white', 'black'] },
    { name: 'parts', code: 'parts', type: 'multi_select', options: ['door', 'wheel', 'mirror'] },
  ]),
  cls('bicycle', 'Bicycle'),
  cls('traffic_sign', 'Traffic sign', [{ name: 'text', code: 'text', type: 'text' }]),
  cls('dog', 'Dog'),
];
const keypoints = [
  'nose',
  'left_eye',
  'right_eye',
  'left_shoulder',
  'right_shoulder',
  'left_hip',
  'right_hip',
];
const project = {
  id: 42,
  title: 'Street scenes demo',
  category: 'image',
  description: 'Generated demo project for synx',
  configuration: {
    schema_type: 'dm_schema',
    classification: {
      bounding_box: { classification_schema: boxClasses },
      polygon: {
        classification_schema: [
          cls('road', 'Road'),
          cls('building', 'Building'),
          cls('person', 'Person'),
        ],
      },
      polyline: { classification_schema: [cls('lane', 'Lane marking')] },
      keypoint: { classification_schema: keypoints.map((k) => cls(k, k.replace('_', ' '))) },
      annotationGroup: { classification_schema: [cls('person', 'Person')] },
      relation: { classification_schema: [cls('next_to', 'Next to')] },
      classification: {
        classification_schema: [
          cls('daytime', 'Daytime', [
            {
              name: 'weather',
              code: 'weather',
              type: 'multi_select',
              options: ['sunny', 'rain', 'fog'],
            },
          ]),
          cls('night', 'Night'),
        ],
      },
    },
  },
};

rmSync(out, { recursive: true, force: true });
const writer = new SynapseFolderWriter(out);
await writer.writeProject(project);

let seq = 0;
const nextId = (p) => `${p}${String(++seq).padStart(9 - p.length + 1, '0')}`.slice(0, 10);
const flags = { isLocked: false, isVisible: true, isValid: true, isDrawCompleted: true };

for (let i = 0; i < 30; i++) {
  const landscape = i % 7 !== 3;
  const [w, h] = landscape
    ? pick([
        [640, 480],
        [800, 600],
        [1024, 576],
      ])
    : [480, 640];
  const anns = [];
  const datas = [];
  const rects = [];
  const add = (tool, classification, data) => {
    const id = nextId(tool[0].toUpperCase());
    anns.push({
      id,
      tool,
      ...flags,
      classification,
      label: classification?.class === undefined ? [] : [classification.class],
    });
    datas.push({ id, ...data });
    return id;
  };
  const empty = i === 5;
  if (!empty) {
    // item classification with a multi-select attribute
    if (i % 3 === 0) {
      add(
        'classification',
        {
          class: i % 2 === 0 ? 'daytime' : 'night',
          ...(i % 2 === 0 ? { weather: ['sunny', ...(i % 4 === 0 ? ['fog'] : [])] } : {}),
        },
        {},
      );
    }
    const boxes = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < boxes; k++) {
      const c = pick(['car', 'bicycle', 'traffic_sign', 'dog', 'car']);
      const bw = r2(40 + rand() * (w / 3));
      const bh = r2(30 + rand() * (h / 3));
      const x = r2(rand() * (w - bw));
      const y = r2(rand() * (h - bh));
      const rotated = c === 'traffic_sign' && rand() < 0.7;
      const attrs =
        c === 'car'
          ? {
              color: pick(['red', 'blue', 'white']),
              parts: ['wheel', ...(rand() < 0.5 ? ['door'] : [])],
            }
          : c === 'traffic_sign'
            ? { text: pick(['STOP', 'ONE WAY', '30']) }
            : {};
      add(
        'bounding_box',
        { class: c, ...attrs },
        {
          coordinate: {
            x,
            y,
            width: bw,
            height: bh,
            ...(rotated ? { rotation: r2(rand() * 0.8 - 0.4) } : {}),
          },
        },
      );
      rects.push([x, y, bw, bh]);
    }
    if (i % 4 === 1) {
      const cx = w * (0.3 + rand() * 0.4);
      const cy = h * 0.8;
      const n = 6 + Math.floor(rand() * 5);
      const coordinate = Array.from({ length: n }, (_, v) => {
        const a = (2 * Math.PI * v) / n;
        return {
          x: r2(cx + Math.cos(a) * w * 0.2),
          y: r2(cy + Math.sin(a) * h * 0.1),
          id: `v${i}_${v}`,
        };
      });
      add('polygon', { class: i % 8 === 1 ? 'road' : 'building' }, { coordinate });
    }
    if (i % 5 === 2) {
      add(
        'polyline',
        { class: 'lane' },
        {
          coordinate: [
            { x: r2(w * 0.1), y: h - 1, id: 'l1' },
            { x: r2(w * 0.45), y: r2(h * 0.55), id: 'l2' },
          ],
        },
      );
    }
    if (i % 3 === 1) {
      // a person: a box, a polygon and seven keypoints grouped into one instance
      const px = r2(w * 0.55);
      const py = r2(h * 0.2);
      const pw = r2(w * 0.15);
      const ph = r2(h * 0.6);
      const members = [
        add(
          'bounding_box',
          { class: 'person', occluded: pick(['no', 'partly']) },
          { coordinate: { x: px, y: py, width: pw, height: ph } },
        ),
        add(
          'polygon',
          { class: 'person' },
          {
            coordinate: [
              { x: px, y: r2(py + ph * 0.1), id: 'p1' },
              { x: r2(px + pw), y: r2(py + ph * 0.1), id: 'p2' },
              { x: r2(px + pw * 0.8), y: r2(py + ph), id: 'p3' },
              { x: r2(px + pw * 0.2), y: r2(py + ph), id: 'p4' },
            ],
          },
        ),
      ];
      const spots = {
        nose: [0.5, 0.08],
        left_eye: [0.6, 0.05],
        right_eye: [0.4, 0.05],
        left_shoulder: [0.8, 0.25],
        right_shoulder: [0.2, 0.25],
        left_hip: [0.7, 0.6],
        right_hip: [0.3, 0.6],
      };
      for (const k of keypoints) {
        if (k === 'left_eye' && i % 2 === 0) continue; // a hidden keypoint
        const [fx, fy] = spots[k];
        members.push(
          add(
            'keypoint',
            { class: k, ...(k === 'right_hip' ? { visibility: 1 } : {}) },
            { coordinate: { x: r2(px + pw * fx), y: r2(py + ph * fy) } },
          ),
        );
      }
      add(
        'annotationGroup',
        { class: 'person' },
        { annotationList: members.map((m) => ({ annotationId: m, children: [] })) },
      );
      rects.push([px, py, pw, ph]);
    }
    if (i === 9) {
      // a relation between the first two annotations (kept in JSON, dropped in COCO with a reason)
      const [a, b] = anns.filter((x) => x.tool === 'bounding_box');
      if (a && b)
        add('relation', { class: 'next_to' }, { annotationId: a.id, targetAnnotationId: b.id });
    }
  }
  const data = {
    extra: { image_1: {} },
    annotations: { image_1: anns },
    annotationsData: { image_1: datas },
    relations: {},
    annotationGroups: {},
    assignmentId: 1000 + i,
  };
  const inRect = (x, y) =>
    rects.some(([rx, ry, rw, rh]) => x >= rx && x < rx + rw && y >= ry && y < ry + rh);
  const shade = (x, y) =>
    inRect(x, y) ? 220 : 40 + Math.round((y / h) * 90) + ((x >> 6) % 2) * 12;
  const names = { 0: '00_street.jpg', 7: '渋谷の交差点_café.jpg', 12: 'crossing (copy).png' };
  const name = names[i] ?? `street_${String(i).padStart(3, '0')}.jpg`;
  let bytes;
  if (name.endsWith('.png')) {
    bytes = encodePng({ width: w, height: h, channels: 3, shade });
  } else if (i === 20) {
    // EXIF orientation 6: stored rotated, displayed as w×h (annotations are in displayed pixels)
    bytes = encodeJpeg({
      width: h,
      height: w,
      orientation: 6,
      shade: (x, y) => shade(w - 1 - y, x),
    });
  } else {
    bytes = encodeJpeg({ width: w, height: h, shade });
  }
  await writer.write({ stem: name.replace(/\.[^.]+$/, ''), data, media: { name, bytes } });
}
console.log(`demo written to ${out}`);
