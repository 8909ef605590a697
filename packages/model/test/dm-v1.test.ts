import { describe, expect, it } from 'vitest';
import {
  type ClassMap,
  IssueCollector,
  classMapFromProjectConfiguration,
  convertDmV1,
  parseDmJson,
  toDmV1,
  type Annotation,
  type Issue,
  type JsonObject,
} from '../src/index.js';

/** A DM v1 payload with one annotation per tool, shaped as reference §4.1 describes. */
function fullPayload(): JsonObject {
  return {
    assignmentId: 98765,
    extra: { image_1: { note: 'kept' } },
    annotations: {
      image_1: [
        {
          id: 'Cd1qfFQFI4',
          tool: 'bounding_box',
          isLocked: false,
          isVisible: true,
          isValid: true,
          isDrawCompleted: true,
          classification: { class: 'car', color: 'red', tags: ['a', 'b'] },
          label: ['car'],
        },
        { id: 'BoxNoRot01', tool: 'bounding_box', classification: { class: 'car' } },
        { id: 'Pq81LmZx0a', tool: 'polygon', classification: { class: 'road' } },
        { id: 'Ln00000001', tool: 'polyline', classification: { class: 'lane' } },
        { id: 'Kp00000001', tool: 'keypoint', classification: { class: 'nose' } },
        { id: 'Kp00000002', tool: 'keypoint', classification: { class: 'left_eye' } },
        {
          id: 'ClsAbc1234',
          tool: 'classification',
          classification: { class: 'daytime', weather: ['sunny'] },
        },
        { id: 'Seg0000001', tool: 'segmentation', classification: { class: 'sky' } },
        { id: 'RelAbc123x', tool: 'relation', classification: { class: 'belongs_to' } },
        { id: 'Grp0000001', tool: 'annotationGroup', classification: { class: 'person' } },
      ],
      video_1: [{ id: 'VSeg000001', tool: 'segmentation', classification: { class: 'action' } }],
      text_1: [{ id: 'Ner0000001', tool: 'named_entity', classification: { class: 'PER' } }],
      pcd_1: [
        { id: 'Cub0000001', tool: '3d_bounding_box', classification: { class: 'car' } },
        { id: 'PSeg000001', tool: '3d_segmentation', classification: { class: 'ground' } },
      ],
      prompt_1: [
        { id: 'Prm0000001', tool: 'prompt', classification: null },
        { id: 'Ans0000001', tool: 'answer' },
      ],
    },
    annotationsData: {
      image_1: [
        {
          id: 'Cd1qfFQFI4',
          coordinate: { x: 100.25, y: 200.5, width: 150, height: 100, rotation: 0.5236 },
        },
        { id: 'BoxNoRot01', coordinate: { x: 1, y: 2, width: 3, height: 4 } },
        {
          id: 'Pq81LmZx0a',
          coordinate: [
            { x: 10, y: 20, id: 'a1' },
            { x: 30, y: 40, id: 'a2' },
            { x: 5, y: 60, id: 'a3' },
          ],
        },
        {
          id: 'Ln00000001',
          coordinate: [
            { x: 0, y: 0, id: 'l1' },
            { x: 9.5, y: 9.75, id: 'l2' },
          ],
        },
        { id: 'Kp00000001', coordinate: { x: 321.5, y: 88.0 } },
        { id: 'Kp00000002', coordinate: { x: 300, y: 80 } },
        { id: 'ClsAbc1234' },
        { id: 'Seg0000001', pixel_indices: [0, 1, 2, 640, 641] },
        { id: 'RelAbc123x', annotationId: 'Cd1qfFQFI4', targetAnnotationId: 'Pq81LmZx0a' },
        {
          id: 'Grp0000001',
          annotationList: [
            { annotationId: 'Kp00000001', children: [] },
            {
              annotationId: 'Kp00000002',
              children: [{ annotationId: 'BoxNoRot01', children: [] }],
            },
          ],
        },
      ],
      video_1: [{ id: 'VSeg000001', section: { startFrame: 10, endFrame: 42 } }],
      text_1: [{ id: 'Ner0000001', ranges: [{ start: 0, end: 5 }], content: 'Alice' }],
      pcd_1: [
        {
          id: 'Cub0000001',
          psr: {
            position: { x: 1, y: 2, z: 3 },
            scale: { x: 4, y: 5, z: 6 },
            rotation: { x: 0, y: 0, z: 1.57 },
          },
        },
        { id: 'PSeg000001', points: [5, 6, 7] },
      ],
      prompt_1: [
        {
          id: 'Prm0000001',
          input: [{ type: 'text', value: 'Describe', changeHistory: [] }],
          model: 'gpt',
          displayName: 'Q',
        },
        {
          id: 'Ans0000001',
          output: [{ type: 'text', value: 'A cat', primaryKey: 'k', changeHistory: [] }],
          model: 'gpt',
          displayName: 'A',
          generatedBy: 'ai',
          promptAnnotationId: 'Prm0000001',
        },
      ],
    },
    relations: {
      image_1: [
        {
          id: 'RelSec0001',
          annotationId: 'Kp00000001',
          targetAnnotationId: 'Kp00000002',
          classification: { class: 'linked' },
        },
      ],
    },
    annotationGroups: {
      image_1: [
        {
          id: 'GrpSec0001',
          tool: 'annotationGroup',
          classification: { class: 'person' },
          annotationList: [{ annotationId: 'Kp00000001', children: [] }],
        },
      ],
    },
  };
}

function convert(data: unknown, classes?: ClassMap) {
  const issues = new IssueCollector();
  const result = convertDmV1(data, {
    itemId: 'item-1',
    reporter: issues,
    ...(classes === undefined ? {} : { isKnownClass: (c: string) => classes.has(c) }),
  });
  return { ...result, issues: issues.kept };
}

function find(media: { annotations: Annotation[] }[], id: string): Annotation {
  for (const m of media) {
    const a = m.annotations.find((x) => x.id === id);
    if (a) {
      return a;
    }
  }
  throw new Error(`no annotation ${id}`);
}

describe('DM v1 → canonical, one test per tool', () => {
  const { media, issues } = convert(fullPayload());

  it('reports nothing for a well-formed payload', () => {
    expect(issues).toEqual([]);
  });

  it('bounding_box keeps coordinates, rotation in radians, class, attributes, label and state', () => {
    expect(find(media, 'Cd1qfFQFI4')).toMatchObject({
      kind: 'bbox',
      tool: 'bounding_box',
      x: 100.25,
      y: 200.5,
      width: 150,
      height: 100,
      rotation: 0.5236,
      classCode: 'car',
      attributes: { color: 'red', tags: ['a', 'b'] },
      label: ['car'],
      state: { isLocked: false, isVisible: true, isValid: true, isDrawCompleted: true },
    });
    const plain = find(media, 'BoxNoRot01');
    expect(plain).toMatchObject({ kind: 'bbox', x: 1, y: 2, width: 3, height: 4 });
    expect(plain).not.toHaveProperty('rotation');
  });

  it('polygon and polyline keep every vertex and vertex id', () => {
    expect(find(media, 'Pq81LmZx0a')).toMatchObject({
      kind: 'polygon',
      classCode: 'road',
      points: [
        { x: 10, y: 20, id: 'a1' },
        { x: 30, y: 40, id: 'a2' },
        { x: 5, y: 60, id: 'a3' },
      ],
    });
    expect(find(media, 'Ln00000001')).toMatchObject({
      kind: 'polyline',
      points: [
        { x: 0, y: 0 },
        { x: 9.5, y: 9.75 },
      ],
    });
  });

  it('keypoint is one point per annotation', () => {
    expect(find(media, 'Kp00000001')).toMatchObject({
      kind: 'keypoint',
      x: 321.5,
      y: 88,
      classCode: 'nose',
    });
  });

  it('classification carries its class and multi-select attribute', () => {
    expect(find(media, 'ClsAbc1234')).toMatchObject({
      kind: 'classification',
      classCode: 'daytime',
      attributes: { weather: ['sunny'] },
    });
  });

  it('image segmentation keeps pixel indices; video segmentation keeps the frame section', () => {
    expect(find(media, 'Seg0000001')).toMatchObject({
      kind: 'mask',
      pixelIndices: [0, 1, 2, 640, 641],
    });
    expect(find(media, 'VSeg000001')).toMatchObject({
      kind: 'video-segment',
      startFrame: 10,
      endFrame: 42,
    });
  });

  it('relations in annotations and in the relations section', () => {
    expect(find(media, 'RelAbc123x')).toMatchObject({
      kind: 'relation',
      from: 'Cd1qfFQFI4',
      to: 'Pq81LmZx0a',
    });
    expect(find(media, 'RelSec0001')).toMatchObject({
      kind: 'relation',
      section: 'relations',
      from: 'Kp00000001',
      to: 'Kp00000002',
      classCode: 'linked',
    });
  });

  it('annotation groups keep nested members, in both places DM puts them', () => {
    expect(find(media, 'Grp0000001')).toMatchObject({
      kind: 'group',
      classCode: 'person',
      members: [
        { annotationId: 'Kp00000001', children: [] },
        { annotationId: 'Kp00000002', children: [{ annotationId: 'BoxNoRot01', children: [] }] },
      ],
    });
    expect(find(media, 'GrpSec0001')).toMatchObject({
      kind: 'group',
      section: 'annotationGroups',
      classCode: 'person',
    });
  });

  it('named entities, 3D boxes, 3D segmentation, prompts and answers', () => {
    expect(find(media, 'Ner0000001')).toMatchObject({
      kind: 'named-entity',
      content: 'Alice',
      ranges: [{ start: 0, end: 5 }],
    });
    expect(find(media, 'Cub0000001')).toMatchObject({
      kind: 'cuboid',
      position: { x: 1, y: 2, z: 3 },
      scale: { x: 4, y: 5, z: 6 },
      rotation: { x: 0, y: 0, z: 1.57 },
    });
    expect(find(media, 'PSeg000001')).toMatchObject({
      kind: 'point-segmentation',
      points: [5, 6, 7],
    });
    expect(find(media, 'Prm0000001')).toMatchObject({
      kind: 'prompt',
      classCode: null,
      classification: 'null',
    });
    expect(find(media, 'Ans0000001')).toMatchObject({
      kind: 'answer',
      promptAnnotationId: 'Prm0000001',
    });
  });

  it('multi-media items: one media per media id with its kind', () => {
    expect(media.map((m) => [m.id, m.kind])).toEqual([
      ['image_1', 'image'],
      ['video_1', 'video'],
      ['text_1', 'text'],
      ['pcd_1', 'pcd'],
      ['prompt_1', 'prompt'],
    ]);
    expect(media[0]?.extra).toEqual({ note: 'kept' });
  });

  it('round-trips to DM v1 without loss', () => {
    const result = convert(fullPayload());
    expect(toDmV1(result)).toEqual(fullPayload());
  });
});

describe('DM v1 → canonical, malformed input', () => {
  function issueFields(issues: Issue[]) {
    return issues.map((i) => ({
      code: i.code,
      itemId: i.itemId,
      mediaId: i.mediaId,
      annotationId: i.annotationId,
      field: i.field,
    }));
  }

  it('a missing annotationsData entry is reported with item, media, annotation and field; the rest converts', () => {
    const data = fullPayload();
    const list = (data['annotationsData'] as Record<string, JsonObject[]>)['image_1']!;
    list.splice(2, 1); // drop the polygon's geometry
    const { media, issues } = convert(data);
    expect(issueFields(issues)).toEqual([
      {
        code: 'SYNX_DM_MISSING_DATA',
        itemId: 'item-1',
        mediaId: 'image_1',
        annotationId: 'Pq81LmZx0a',
        field: 'annotationsData.image_1',
      },
    ]);
    expect(find(media, 'Pq81LmZx0a')).toMatchObject({ kind: 'other', reason: 'missing-data' });
    expect(find(media, 'Cd1qfFQFI4').kind).toBe('bbox');
    expect(toDmV1(convert(data))).toEqual(data);
  });

  it('an unknown tool is reported and kept verbatim', () => {
    const data = fullPayload();
    (data['annotations'] as Record<string, JsonObject[]>)['image_1']!.push({
      id: 'Zzz0000001',
      tool: 'magic_wand',
      classification: { class: 'car' },
    });
    (data['annotationsData'] as Record<string, JsonObject[]>)['image_1']!.push({
      id: 'Zzz0000001',
      blob: [1, 2],
    });
    const { media, issues } = convert(data);
    expect(issueFields(issues)).toEqual([
      {
        code: 'SYNX_DM_UNKNOWN_TOOL',
        itemId: 'item-1',
        mediaId: 'image_1',
        annotationId: 'Zzz0000001',
        field: 'annotations.image_1[10].tool',
      },
    ]);
    expect(find(media, 'Zzz0000001')).toMatchObject({
      kind: 'other',
      reason: 'unknown-tool',
      data: { blob: [1, 2] },
    });
    expect(toDmV1(convert(data))).toEqual(data);
  });

  it('a class absent from the project configuration is reported, never given an id', () => {
    const classes = classMapFromProjectConfiguration({
      classification: {
        bounding_box: { classification_schema: [{ code: 'car', name: 'Car' }] },
      },
    });
    const data = {
      annotations: {
        image_1: [{ id: 'A000000001', tool: 'bounding_box', classification: { class: 'truck' } }],
      },
      annotationsData: {
        image_1: [{ id: 'A000000001', coordinate: { x: 1, y: 1, width: 2, height: 2 } }],
      },
    };
    const { media, issues } = convert(data, classes);
    expect(issueFields(issues)).toEqual([
      {
        code: 'SYNX_DM_UNKNOWN_CLASS',
        itemId: 'item-1',
        mediaId: 'image_1',
        annotationId: 'A000000001',
        field: 'annotations.image_1[0].classification.class',
      },
    ]);
    expect(issues[0]?.message).toContain('"truck"');
    expect(classes.get('truck')).toBeUndefined();
    expect(find(media, 'A000000001')).toMatchObject({ kind: 'bbox', classCode: 'truck' });
  });

  it('NaN and negative sizes are reported with the exact field', () => {
    // Python's json.dump writes NaN as a bare token; synx still reads the file.
    const text =
      '{"annotations":{"image_1":[{"id":"Nan0000001","tool":"bounding_box","classification":{"class":"car"}},' +
      '{"id":"Neg0000001","tool":"bounding_box","classification":{"class":"car"}},' +
      '{"id":"Ok00000001","tool":"bounding_box","classification":{"class":"car"}}]},' +
      '"annotationsData":{"image_1":[{"id":"Nan0000001","coordinate":{"x":1,"y":2,"width":NaN,"height":4}},' +
      '{"id":"Neg0000001","coordinate":{"x":1,"y":2,"width":3,"height":-4}},' +
      '{"id":"Ok00000001","coordinate":{"x":1,"y":2,"width":3,"height":4}}]}}';
    const { media, issues } = convert(parseDmJson(text, 'json/x.json'));
    expect(issueFields(issues)).toEqual([
      {
        code: 'SYNX_DM_INVALID_GEOMETRY',
        itemId: 'item-1',
        mediaId: 'image_1',
        annotationId: 'Nan0000001',
        field: 'annotationsData.image_1[0].coordinate.width',
      },
      {
        code: 'SYNX_DM_INVALID_GEOMETRY',
        itemId: 'item-1',
        mediaId: 'image_1',
        annotationId: 'Neg0000001',
        field: 'annotationsData.image_1[1].coordinate.height',
      },
    ]);
    expect(issues[0]?.message).toContain('"NaN"');
    expect(issues[1]?.message).toContain('negative (-4)');
    expect(find(media, 'Ok00000001').kind).toBe('bbox');
    expect(find(media, 'Nan0000001')).toMatchObject({ kind: 'other', reason: 'invalid-geometry' });
  });

  it('broken polygon vertices, pixel indices and relations name their field', () => {
    const data = {
      annotations: {
        image_1: [
          { id: 'P000000001', tool: 'polygon', classification: { class: 'a' } },
          { id: 'S000000001', tool: 'segmentation', classification: { class: 'a' } },
          { id: 'R000000001', tool: 'relation', classification: { class: 'a' } },
        ],
      },
      annotationsData: {
        image_1: [
          {
            id: 'P000000001',
            coordinate: [
              { x: 1, y: 2 },
              { x: 'a', y: 3 },
            ],
          },
          { id: 'S000000001', pixel_indices: [1, -2] },
          { id: 'R000000001', annotationId: 'P000000001' },
        ],
      },
    };
    const { issues } = convert(data);
    expect(issues.map((i) => i.field)).toEqual([
      'annotationsData.image_1[0].coordinate[1].x',
      'annotationsData.image_1[1].pixel_indices',
      'annotationsData.image_1[2].targetAnnotationId',
    ]);
    expect(toDmV1(convert(data))).toEqual(data);
  });

  it('orphan geometry, missing ids and a non-object payload are reported, not thrown', () => {
    const data = {
      annotations: { image_1: [{ tool: 'bounding_box' }] },
      annotationsData: {
        image_1: [{ id: 'Orphan0001', coordinate: { x: 0, y: 0, width: 1, height: 1 } }],
      },
    };
    const { issues, media } = convert(data);
    expect(issues.map((i) => i.code)).toEqual(['SYNX_DM_MISSING_ID', 'SYNX_DM_ORPHAN_DATA']);
    expect(media[0]?.orphanData).toEqual([
      { id: 'Orphan0001', coordinate: { x: 0, y: 0, width: 1, height: 1 } },
    ]);
    expect(convert('not json').issues.map((i) => i.code)).toEqual(['SYNX_DM_INVALID']);
    expect(convert({ annotations: [] }).issues.map((i) => [i.code, i.field])).toEqual([
      ['SYNX_DM_INVALID_SECTION', 'annotations'],
    ]);
  });

  it('keeps unknown keys and unusual shapes verbatim so the round trip is exact', () => {
    const data = {
      annotations: {
        image: [
          {
            id: 'X000000001',
            tool: 'bounding_box',
            classification: { class: 'a' },
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
    };
    const converted = convert(data);
    expect(converted.issues).toEqual([]);
    expect(find(converted.media, 'X000000001')).toMatchObject({
      kind: 'bbox',
      frameIndex: 3,
      extra: { custom: { z: 1 } },
    });
    expect(converted.extra).toEqual({ somethingNew: [1, 2, 3] });
    expect(toDmV1(converted)).toEqual(data);
  });
});

describe('media and files', () => {
  it('attaches data-unit files to media and adds media that have a file but no annotations', () => {
    const issues = new IssueCollector();
    const { media } = convertDmV1(
      { annotations: { image_1: [] }, annotationsData: { image_1: [] } },
      {
        itemId: '7',
        reporter: issues,
        files: {
          image_1: { name: 'a.jpg', url: 'https://x/a.jpg' },
          image_2: { name: 'b.jpg', url: 'https://x/b.jpg' },
          data_meta_1: { name: 'meta.json' },
        },
      },
    );
    expect(media.map((m) => [m.id, m.file?.name, m.annotations.length])).toEqual([
      ['image_1', 'a.jpg', 0],
      ['image_2', 'b.jpg', 0],
    ]);
  });

  it('pairs a media keyed "image" with the single image file "image_1"', () => {
    const { media } = convertDmV1(
      { annotations: { image: [] } },
      { itemId: '1', reporter: new IssueCollector(), files: { image_1: { name: 'a.jpg' } } },
    );
    expect(media.map((m) => [m.id, m.file?.name])).toEqual([['image', 'a.jpg']]);
  });
});
