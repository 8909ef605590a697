import { describe, expect, it } from 'vitest';
import { parseRanges } from '../src/index.js';

const TEXT = 'Zoë Brandt joined Acme.\r\nShe lives in München 🎉 now.\nLast line';

describe('ranges as Synapse stores them: a paragraph XPath and an offset in it', () => {
  it('/p[N] is the N-th line; offsets are UTF-16 units within it, end exclusive', () => {
    // The SDK's fixture shape: { end: '/p[1]', start: '/p[1]', endOffset: 33, startOffset: 22 }
    expect(
      parseRanges([{ end: '/p[1]', start: '/p[1]', endOffset: 10, startOffset: 0 }], TEXT),
    ).toEqual({ ok: true, range: { start: 0, end: 10 }, pieces: 1 });
    const second = TEXT.indexOf('She');
    const r = parseRanges([{ start: '/p[2]', startOffset: 13, end: '/p[2]', endOffset: 20 }], TEXT);
    expect(r).toEqual({ ok: true, range: { start: second + 13, end: second + 20 }, pieces: 1 });
    expect(TEXT.slice(second + 13, second + 20)).toBe('München');
    const third = TEXT.indexOf('Last');
    expect(
      parseRanges(
        [{ start: '/html/body/p[3]', startOffset: 5, end: '/html/body/p[3]', endOffset: 9 }],
        TEXT,
      ),
    ).toEqual({ ok: true, range: { start: third + 5, end: third + 9 }, pieces: 1 });
  });

  it('a range across paragraphs spans the line end between them', () => {
    const r = parseRanges([{ start: '/p[1]', startOffset: 18, end: '/p[2]', endOffset: 3 }], TEXT);
    expect(r.ok && TEXT.slice(r.range.start, r.range.end)).toBe('Acme.\r\nShe');
  });

  it('reports a path that is not a paragraph, a paragraph past the text, an offset past its line', () => {
    expect(
      parseRanges([{ start: '/div[1]', startOffset: 0, end: '/p[1]', endOffset: 2 }], TEXT),
    ).toEqual({
      ok: false,
      problem: { messageId: 'badXPath', sub: 'ranges[0].start', data: { value: '"/div[1]"' } },
    });
    expect(
      parseRanges([{ start: '/p[4]', startOffset: 0, end: '/p[4]', endOffset: 2 }], TEXT),
    ).toEqual({
      ok: false,
      problem: {
        messageId: 'noParagraph',
        sub: 'ranges[0].start',
        data: { path: '/p[4]', lines: 3 },
      },
    });
    expect(
      parseRanges([{ start: '/p[1]', startOffset: 0, end: '/p[1]', endOffset: 24 }], TEXT),
    ).toEqual({
      ok: false,
      problem: {
        messageId: 'outOfParagraph',
        sub: 'ranges[0].endOffset',
        data: { offset: 24, path: '/p[1]', length: 23 },
      },
    });
    expect(
      parseRanges([{ start: '/p[1]', startOffset: 1.5, end: '/p[1]', endOffset: 3 }], TEXT),
    ).toEqual({
      ok: false,
      problem: { messageId: 'notInteger', sub: 'ranges[0].startOffset', data: { value: '1.5' } },
    });
  });
});
