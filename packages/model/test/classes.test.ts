import { describe, expect, it } from 'vitest';
import {
  classMapFromDiscovered,
  classMapFromJsonValue,
  classMapFromProjectConfiguration,
  parseClassMapFile,
  SynxError,
} from '../src/index.js';

const configuration = {
  schema_type: 'dm_schema',
  classification: {
    bounding_box: {
      id: 'x',
      classification_schema: [
        {
          id: '1',
          code: 'car',
          name: 'Car',
          value: '#FF0000',
          attributes: [{ name: 'color', type: 'radio', options: ['red'] }],
        },
        { id: '2', code: 'person', name: 'Person' },
      ],
    },
    polygon: {
      classification_schema: [
        { code: 'road', name: 'Road' },
        { code: 'car', name: 'Car' },
      ],
    },
    keypoint: {
      classification_schema: [
        { code: 'nose', name: 'Nose' },
        { code: 'left_eye', name: 'Left eye' },
      ],
    },
    classification: { classification_schema: [{ code: 'daytime', name: 'Daytime' }] },
    annotationGroup: { classification_schema: [{ code: 'person', name: 'Person' }] },
  },
};

describe('class map from the project configuration', () => {
  const map = classMapFromProjectConfiguration(configuration);

  it('keeps configured order: tools in key order, classes in list order, each code once', () => {
    expect(map.entries.map((e) => [e.index, e.code, e.tools])).toEqual([
      [0, 'car', ['bounding_box', 'polygon']],
      [1, 'person', ['bounding_box', 'annotationGroup']],
      [2, 'road', ['polygon']],
      [3, 'nose', ['keypoint']],
      [4, 'left_eye', ['keypoint']],
      [5, 'daytime', ['classification']],
    ]);
    expect(map.get('car')).toMatchObject({
      name: 'Car',
      color: '#FF0000',
      attributes: [{ name: 'color' }],
    });
  });

  it('object classes leave out keypoint names and item-level classifications', () => {
    expect(map.objectClasses().entries.map((e) => [e.index, e.code])).toEqual([
      [0, 'car'],
      [1, 'person'],
      [2, 'road'],
    ]);
    expect(map.keypointNames()).toEqual(['nose', 'left_eye']);
  });

  it('is deterministic whatever the data holds', () => {
    const again = classMapFromProjectConfiguration(JSON.parse(JSON.stringify(configuration)));
    expect(again.toJSON()).toEqual(map.toJSON());
  });

  it('looks classes up by code, then by display name', () => {
    expect(map.get('Road')?.code).toBe('road');
    expect(map.get('bus')).toBeUndefined();
  });
});

describe('user class maps', () => {
  it('reads one name per line from .txt / .names', () => {
    const m = parseClassMapFile('person\nbicycle\ntraffic light\n\n', 'coco.names');
    expect(m.origin).toBe('class-map');
    expect(m.entries.map((e) => [e.index, e.code])).toEqual([
      [0, 'person'],
      [1, 'bicycle'],
      [2, 'traffic light'],
    ]);
  });

  it('reads JSON lists, name→id and id→name objects, and COCO categories (ordered by id)', () => {
    expect(parseClassMapFile('["b","a"]', 'm.json').entries.map((e) => e.code)).toEqual(['b', 'a']);
    expect(
      parseClassMapFile('{"car": 3, "bus": 1}', 'm.json').entries.map((e) => [e.code, e.id]),
    ).toEqual([
      ['bus', 1],
      ['car', 3],
    ]);
    expect(
      parseClassMapFile('{"0": "x", "1": "y"}', 'm.json').entries.map((e) => [e.code, e.id]),
    ).toEqual([
      ['x', 0],
      ['y', 1],
    ]);
    const coco = parseClassMapFile(
      JSON.stringify({
        categories: [
          { id: 90, name: 'toothbrush' },
          { id: 1, name: 'person' },
        ],
      }),
      'instances.json',
    );
    expect(coco.entries.map((e) => [e.index, e.id, e.code])).toEqual([
      [0, 1, 'person'],
      [1, 90, 'toothbrush'],
    ]);
    expect(
      classMapFromJsonValue({ names: { 0: 'a', 1: 'b' } }, 'data.yaml').entries.map((e) => e.code),
    ).toEqual(['a', 'b']);
  });

  it('rejects duplicates, blank lines and junk with SYNX_INVALID_INPUT naming the file', () => {
    expect(() => parseClassMapFile('a\na\n', 'x.txt')).toThrow(/"a" twice/);
    expect(() => parseClassMapFile('a\n\nb\n', 'x.txt')).toThrow(/line 2 is empty/);
    expect(() => parseClassMapFile('{"a": 1, "b": 1}', 'x.json')).toThrow(/id 1 to two classes/);
    try {
      parseClassMapFile('{oops', 'bad.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SynxError);
      expect((err as SynxError).code).toBe('SYNX_INVALID_INPUT');
      expect((err as SynxError).message).toContain('bad.json');
    }
  });
});

describe('discovered class map', () => {
  it('is sorted by code and says it was discovered', () => {
    const m = classMapFromDiscovered(
      new Map([
        ['zebra', new Set(['bounding_box'])],
        ['ant', new Set(['polygon', 'bounding_box'])],
      ]),
    );
    expect(m.origin).toBe('discovered');
    expect(m.entries.map((e) => [e.index, e.code, e.tools])).toEqual([
      [0, 'ant', ['bounding_box', 'polygon']],
      [1, 'zebra', ['bounding_box']],
    ]);
  });
});
