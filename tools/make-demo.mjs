#!/usr/bin/env node
// Generates the bundled demos: three Synapse raw export folders with generated media.
//   synapse-demo                 street scenes: 30 images, boxes, polygons, keypoints, groups, …
//   synapse-demo-classification  pet photos: 24 images, one class label each
//   synapse-demo-text            news paragraphs: 12 text files, named entities and relations
// Deterministic (seeded); a test checks the committed folders equal this script's output.
// Usage (after `npm run build`): node tools/make-demo.mjs [demoDir]   (default apps/synx/demo)
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { encodeJpeg, encodePng } from '@synx/image-header';
import { SynapseFolderWriter } from '@synx/synapse-folder';
import { mulberry32 } from '@synx/fake-synapse';

const root = process.argv[2] ?? join(import.meta.dirname, '..', 'apps', 'synx', 'demo');

const cls = (code, name, attributes = []) => ({
  id: `cls-${code}`,
  code,
  name,
  value: '#3366cc',
  is_default: false,
  customFields: {},
  attributes,
});

/** A fresh folder writer for `out` (its old content removed). */
function freshWriter(out) {
  rmSync(out, { recursive: true, force: true });
  return new SynapseFolderWriter(out);
}

/** The street-scenes demo (project 42). Its output must stay byte-identical. */
async function streetDemo(out) {
  const rand = mulberry32(2026);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const r2 = (v) => Math.round(v * 100) / 100;

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

  const writer = freshWriter(out);
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
}

/** Seeded 10-character annotation ids, like Synapse's (`Ab3xK9pQ2z`). */
function idMaker(rand) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const seen = new Set();
  return () => {
    for (;;) {
      let id = '';
      for (let k = 0; k < 10; k++) id += alphabet[Math.floor(rand() * alphabet.length)];
      if (!seen.has(id)) {
        seen.add(id);
        return id;
      }
    }
  };
}

/**
 * The pet-photos demo (project 43): image classification. 24 images, each with one
 * `classification` annotation (a class and a `pose`), except one with no class; one image also has
 * a bounding box, which a classification format cannot hold.
 */
async function petsDemo(out) {
  const rand = mulberry32(4343);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const nextId = idMaker(rand);
  const pose = (extra = []) => [
    {
      name: 'pose',
      code: 'pose',
      type: 'radio',
      options: ['sitting', 'standing', 'lying', ...extra],
    },
  ];
  const writer = freshWriter(out);
  await writer.writeProject({
    id: 43,
    title: 'Pet photos demo',
    category: 'image',
    description: 'Generated demo project for synx: one class label per photo',
    configuration: {
      schema_type: 'dm_schema',
      classification: {
        classification: {
          classification_schema: [
            cls('cat', 'Cat', pose()),
            cls('dog', 'Dog', pose()),
            cls('bird', 'Bird', pose(['flying'])),
            cls('rabbit', 'Rabbit', pose()),
          ],
        },
      },
    },
  });
  // 7 cats, 7 dogs, 5 birds, 4 rabbits and one photo nobody labelled, in a seeded order.
  const plan = [
    ...Array(7).fill('cat'),
    ...Array(7).fill('dog'),
    ...Array(5).fill('bird'),
    ...Array(4).fill('rabbit'),
    null,
  ];
  for (let k = plan.length - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    [plan[k], plan[j]] = [plan[j], plan[k]];
  }
  const flags = { isLocked: false, isVisible: true };
  let boxed = false;
  for (let i = 0; i < plan.length; i++) {
    const c = plan[i];
    const [w, h] = pick([
      [320, 240],
      [240, 320],
      [256, 256],
      [400, 300],
      [300, 225],
      [200, 150],
    ]);
    const anns = [];
    const datas = [];
    const id = nextId();
    const p =
      c === null
        ? 'sitting'
        : pick(c === 'bird' ? ['sitting', 'flying'] : ['sitting', 'standing', 'lying']);
    // The unlabelled photo has a pose but no class.
    anns.push({
      id,
      tool: 'classification',
      ...flags,
      classification: c === null ? { pose: p } : { class: c, pose: p },
    });
    datas.push({ id });
    let box;
    if (c === 'dog' && !boxed) {
      // One photo also has a box around the dog: kept in JSON, dropped by classification formats.
      boxed = true;
      const bid = nextId();
      box = [Math.round(w * 0.2), Math.round(h * 0.25), Math.round(w * 0.5), Math.round(h * 0.6)];
      anns.push({ id: bid, tool: 'bounding_box', ...flags, classification: { class: 'dog' } });
      datas.push({ id: bid, coordinate: { x: box[0], y: box[1], width: box[2], height: box[3] } });
    }
    const data = {
      extra: { image_1: {} },
      annotations: { image_1: anns },
      annotationsData: { image_1: datas },
      relations: {},
      annotationGroups: {},
      assignmentId: 2000 + i,
    };
    const base = 30 + Math.floor(rand() * 60);
    const pattern = {
      cat: (x, y) => (((x + y) >> 4) % 2) * 90, // diagonal stripes
      dog: (x, y) => (((x >> 5) + (y >> 5)) % 2) * 90, // checkerboard
      bird: (x, y) => Math.min(150, Math.hypot(x - w / 2, y - h / 2) / 2), // rings
      rabbit: (x, y) => ((y >> 4) % 2) * 70 + (x / w) * 40, // bands
    }[c ?? 'cat'];
    const inBox = (x, y) =>
      box !== undefined && x >= box[0] && x < box[0] + box[2] && y >= box[1] && y < box[1] + box[3];
    const shade = (x, y) => (inBox(x, y) ? 230 : Math.round(base + pattern(x, y)));
    const name = `pet_${String(i + 1).padStart(3, '0')}.jpg`;
    await writer.write({
      stem: name.replace(/\.jpg$/, ''),
      data,
      media: { name, bytes: encodeJpeg({ width: w, height: h, shade }) },
    });
  }
}

/**
 * The news texts of the NER demo, written for it (fictional people and companies). Markup:
 * `[text](TYPE)` or `[text](TYPE#ref)` marks an entity; `ref` names it for `relations`. Lines are
 * separated by `\n` here; `crlf` writes them with CRLF. `overlap` adds entities found by text
 * (they may cross marked ones).
 */
const NEWS = [
  {
    text: '[Zoë Okafor](PER#z) was named chief executive of [Brightwater Energy](ORG#b) on [3 March 2025](DATE), the company said at its headquarters in [Lagos](LOC#l).',
    relations: [
      ['z', 'b', 'works_for'],
      ['b', 'l', 'located_in'],
    ],
  },
  {
    // "Münch" of "München": an entity that cuts a word.
    text: '[Kestrel Robotics](ORG#k) opened a research lab in [Münch](LOC)en on [Tuesday](DATE), hiring forty engineers from the region.',
  },
  {
    text: '[Søren Madsen](PER#s) joins [Nordlys Shipping](ORG#n) as chief pilot.\nThe move was announced in [Aarhus](LOC) on [12 May](DATE).',
    relations: [['s', 'n', 'works_for']],
  },
  {
    text: '🎉 [Riverside Bakers](ORG#r) won the regional bread prize in [Kraków](LOC) on [Saturday](DATE), said head baker [Ana Lima](PER#a).',
    relations: [['a', 'r', 'works_for']],
  },
  {
    crlf: true,
    text: '[Mariana Costa](PER#m), spokesperson for [Metrô Verde](ORG#v), said tunnelling begins in [June 2026](DATE).\nThe line will link [Pinheiros](LOC) and [Lapa](LOC) in [São Paulo](LOC#sp).\nResidents were invited to a public meeting.',
    relations: [
      ['m', 'v', 'works_for'],
      ['v', 'sp', 'located_in'],
    ],
  },
  {
    bom: true,
    text: '[Aurora Labs](ORG#a) and [Tidewell University](ORG) will share a supercomputer in [Reykjavík](LOC#r) from [1 October](DATE).',
    relations: [['a', 'r', 'located_in']],
  },
  {
    // "New York Times" (ORG) and "Times Square" (LOC) overlap on "Times".
    text: 'Two reporters from the [New York Times](ORG#t) Square bureau, [Priya Nair](PER#p) and [Tom Becker](PER), covered the parade on [4 July](DATE).',
    overlap: [['Times Square', 'LOC']],
    relations: [['p', 't', 'works_for']],
  },
  {
    text: '[İlkay Demir](PER#i), the new finance chief of [Halvorsen Foods](ORG#h), said sales in [Istanbul](LOC) doubled in [2024](DATE).',
    relations: [['i', 'h', 'works_for']],
  },
  {
    // No entities at all.
    text: 'Heavy rain is expected across the coast tonight, and forecasters advise drivers to stay home.',
  },
  {
    text: '[Amara Singh](PER#a), a surgeon at [Kingsfield Hospital](ORG#k) in [Leeds](LOC#l), performed the first robotic knee operation in the north on [Friday](DATE).',
    relations: [
      ['a', 'k', 'works_for'],
      ['k', 'l', 'located_in'],
    ],
  },
  {
    text: 'Die [Stadtwerke Köln](ORG#s) eröffnen am [2. Juni](DATE) ein Solarfeld bei [Bergheim](LOC#b), sagte Sprecherin [Jana Wolff](PER).',
    relations: [['s', 'b', 'located_in']],
  },
  {
    text: '[Kenji Watanabe](PER#k) of [Sakura Rail](ORG#s) said the new line from [東京](LOC) to [Sendai](LOC) opens in [April](DATE).',
    relations: [['k', 's', 'works_for']],
  },
];

/** Plain lines and entities (line 1-based, UTF-16 offsets within the line, end exclusive). */
function parseNews(item) {
  const lines = [];
  const entities = [];
  item.text.split('\n').forEach((marked, n) => {
    let plain = '';
    let last = 0;
    for (const m of marked.matchAll(/\[([^\]]+)\]\(([A-Z]+)(?:#(\w+))?\)/g)) {
      plain += marked.slice(last, m.index);
      entities.push({ line: n + 1, start: plain.length, text: m[1], cls: m[2], ref: m[3] });
      plain += m[1];
      last = m.index + m[0].length;
    }
    plain += marked.slice(last);
    lines.push(plain);
  });
  for (const [text, c] of item.overlap ?? []) {
    const n = lines.findIndex((l) => l.includes(text));
    entities.push({ line: n + 1, start: lines[n].indexOf(text), text, cls: c });
  }
  return { lines, entities };
}

/**
 * The news demo (project 44): named entities in text. 12 short paragraphs as UTF-8 `.txt` files
 * (one with a BOM, one with CRLF line ends, two with several lines, one with an emoji, one
 * without entities), entities as DM v1 `named_entity` ranges (`/p[N]` is the N-th line; offsets
 * in UTF-16 units within it, the BOM not counted), and `works_for` / `located_in` relations.
 */
async function newsDemo(out) {
  const rand = mulberry32(4444);
  const nextId = idMaker(rand);
  const writer = freshWriter(out);
  await writer.writeProject({
    id: 44,
    title: 'News entities demo',
    category: 'text',
    description: 'Generated demo project for synx: named entities in news paragraphs',
    configuration: {
      schema_type: 'dm_schema',
      classification: {
        named_entity: {
          classification_schema: [
            cls('PER', 'Person'),
            cls('ORG', 'Organisation'),
            cls('LOC', 'Location'),
            cls('DATE', 'Date'),
          ],
        },
        relation: {
          classification_schema: [cls('works_for', 'Works for'), cls('located_in', 'Located in')],
        },
      },
    },
  });
  const flags = { isLocked: false, isVisible: true };
  for (const [i, item] of NEWS.entries()) {
    const { lines, entities } = parseNews(item);
    const anns = [];
    const datas = [];
    const refs = new Map();
    for (const e of entities) {
      const id = nextId();
      if (e.ref !== undefined) refs.set(e.ref, id);
      const content = lines[e.line - 1].slice(e.start, e.start + e.text.length);
      if (content !== e.text) throw new Error(`news ${i + 1}: "${e.text}" is not at its range`);
      anns.push({ id, tool: 'named_entity', ...flags, classification: { class: e.cls } });
      datas.push({
        id,
        ranges: [
          {
            start: `/p[${e.line}]`,
            startOffset: e.start,
            end: `/p[${e.line}]`,
            endOffset: e.start + e.text.length,
          },
        ],
        content,
      });
    }
    for (const [from, to, c] of item.relations ?? []) {
      const id = nextId();
      anns.push({ id, tool: 'relation', ...flags, classification: { class: c } });
      datas.push({ id, annotationId: refs.get(from), targetAnnotationId: refs.get(to) });
    }
    const data = {
      extra: { text_1: {} },
      annotations: { text_1: anns },
      annotationsData: { text_1: datas },
      relations: {},
      annotationGroups: {},
      assignmentId: 3000 + i,
    };
    const eol = item.crlf === true ? '\r\n' : '\n';
    const text = `${item.bom === true ? '\ufeff' : ''}${lines.join(eol)}${eol}`;
    const stem = `news_${String(i + 1).padStart(3, '0')}`;
    await writer.write({
      stem,
      data,
      media: { name: `${stem}.txt`, bytes: Buffer.from(text, 'utf8') },
    });
  }
}

await streetDemo(join(root, 'synapse-demo'));
await petsDemo(join(root, 'synapse-demo-classification'));
await newsDemo(join(root, 'synapse-demo-text'));
console.log(`demos written to ${root}`);
