import { describe, expect, it } from 'vitest';
import { jsonMemberSpan, rawArrayMember, rawMember } from '../src/index.js';

describe('raw JSON spans', () => {
  const text =
    '{"count":2, "next":null,\n "results":[ {"id":1,"data":{\n    "a": "x,}]\\"y",\n    "b": [1, {"c": null}]\n}}, {"id":2,"data" :null} ] }';

  it("finds each result's text and its data member byte-for-byte", () => {
    const results = rawArrayMember(text, 'results');
    expect(results).toHaveLength(2);
    expect(JSON.parse(results![0]!)).toEqual({ id: 1, data: { a: 'x,}]"y', b: [1, { c: null }] } });
    expect(rawMember(results![0]!, 'data')).toBe(
      '{\n    "a": "x,}]\\"y",\n    "b": [1, {"c": null}]\n}',
    );
    expect(rawMember(results![1]!, 'data')).toBe('null');
    expect(rawMember(results![1]!, 'nope')).toBeUndefined();
  });

  it('handles escaped keys, empty arrays and non-objects', () => {
    expect(rawArrayMember('{"results":[]}', 'results')).toEqual([]);
    expect(jsonMemberSpan('[1]', 'a')).toBeUndefined();
    expect(rawMember('{"d\\u0061ta": 5}', 'data')).toBe('5');
  });

  it('agrees with JSON.parse on generated documents', () => {
    for (let seed = 1; seed < 200; seed++) {
      const value = {
        results: Array.from({ length: seed % 7 }, (_, i) => ({
          id: i,
          data: { s: `q"${'\\'.repeat(seed % 3)}${seed}`, n: [seed, i / 3 - 1, true, null] },
        })),
      };
      const t = JSON.stringify(value, null, seed % 2 === 0 ? 2 : 0);
      const raws = rawArrayMember(t, 'results') ?? [];
      expect(raws.map((r) => JSON.parse(r) as unknown)).toEqual(value.results);
      for (const r of raws) {
        expect(JSON.parse(rawMember(r, 'data')!)).toEqual(
          (JSON.parse(r) as { data: unknown }).data,
        );
      }
    }
  });
});
