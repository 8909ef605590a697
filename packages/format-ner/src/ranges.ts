import { dmParagraphOf, type JsonValue } from '@synx/model';
import { insidePair } from './unicode.js';
import type { NerMessageId } from './messages.js';

/**
 * One range shape synx reads from DM v1 `annotationsData.text_N[i].ranges[j]`. To read another
 * shape, add an entry to {@link RANGE_SHAPES}: `match` returns the raw start and end (checked
 * by {@link parseRanges} afterwards), or undefined when the value is not of this shape.
 */
export interface RangeShape {
  readonly name: string;
  /** Field names of start and end, for messages (`start` → `ranges[0].start`). */
  readonly fields: readonly [string, string];
  /**
   * The start and end as offsets into the whole text (or the raw values when they are not
   * numbers, for the checks to name), a problem of this shape, or undefined when `value` is not
   * of this shape.
   */
  match(value: JsonValue, text: string): readonly [unknown, unknown] | RangeProblem | undefined;
}

const isRecord = (v: JsonValue): v is Record<string, JsonValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The lines of a text as Synapse's annotator shows them: one `<p>` per line (LF, CRLF, CR). */
function lineStarts(text: string): number[] {
  const starts = [0];
  const re = /\r\n|\n|\r/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    starts.push(m.index + m[0].length);
  }
  return starts;
}

/**
 * The offset into the whole text of a position given as a paragraph XPath and an offset within
 * that paragraph, or a problem naming the field.
 */
function paragraphOffset(
  text: string,
  starts: readonly number[],
  path: unknown,
  offset: unknown,
  side: 'start' | 'end',
): number | RangeProblem {
  const n = dmParagraphOf(path);
  if (n === undefined) {
    return { messageId: 'badXPath', sub: `.${side}`, data: { value: shapeOf(path) } };
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset)) {
    return { messageId: 'notInteger', sub: `.${side}Offset`, data: { value: shapeOf(offset) } };
  }
  const lineStart = starts[n - 1];
  if (n < 1 || lineStart === undefined) {
    return {
      messageId: 'noParagraph',
      sub: `.${side}`,
      data: { path: String(path), lines: starts.length },
    };
  }
  const next = starts[n];
  // The line's own length, without its line end.
  const lineEnd =
    next === undefined ? text.length : next - (text.slice(next - 2, next) === '\r\n' ? 2 : 1);
  if (offset < 0 || offset > lineEnd - lineStart) {
    return {
      messageId: 'outOfParagraph',
      sub: `.${side}Offset`,
      data: { offset, path: String(path), length: lineEnd - lineStart },
    };
  }
  return lineStart + offset;
}

/** The shapes read, in order: the first that matches wins. */
export const RANGE_SHAPES: readonly RangeShape[] = [
  {
    // What Synapse's text annotator stores (Annotator.js style): an XPath to the paragraph
    // (`/p[N]`, one per line of the text) and a UTF-16 offset within it, end exclusive.
    name: '{start: "/p[N]", startOffset, end: "/p[M]", endOffset}',
    fields: ['.startOffset', '.endOffset'],
    match: (v: JsonValue, text: string): ReturnType<RangeShape['match']> => {
      if (!isRecord(v) || !Object.hasOwn(v, 'startOffset') || !Object.hasOwn(v, 'endOffset')) {
        return undefined;
      }
      const starts = lineStarts(text);
      const s = paragraphOffset(text, starts, v['start'], v['startOffset'], 'start');
      if (typeof s !== 'number') {
        return s;
      }
      const e = paragraphOffset(text, starts, v['end'], v['endOffset'], 'end');
      return typeof e === 'number' ? [s, e] : e;
    },
  },
  {
    // {start, end}: plain character offsets, end exclusive.
    name: '{start, end}',
    fields: ['.start', '.end'],
    match: (v) =>
      isRecord(v) && Object.hasOwn(v, 'start') && Object.hasOwn(v, 'end')
        ? [v['start'], v['end']]
        : undefined,
  },
  {
    // [start, end]
    name: '[start, end]',
    fields: ['[0]', '[1]'],
    match: (v) => (Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : undefined),
  },
];

/** A span of the text in UTF-16 code units, end exclusive. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/** Why the ranges of an entity cannot be used: a message id with its data and DM field. */
export interface RangeProblem {
  readonly messageId: NerMessageId;
  /** The sub-field of the annotation's data entry (`ranges`, `ranges[1].end`). */
  readonly sub: string;
  readonly data: Readonly<Record<string, string | number>>;
}

/** What {@link parseRanges} found: one contiguous span, or a problem. */
export type ParsedRanges =
  | { readonly ok: true; readonly range: TextRange; readonly pieces: number }
  | { readonly ok: false; readonly problem: RangeProblem };

/** A short description of a JSON value's shape, for messages (`{"from": 1, "to": 4}`). */
export function shapeOf(v: unknown): string {
  if (v === undefined) {
    return 'nothing';
  }
  const text = JSON.stringify(v);
  return text.length <= 60 ? text : `${text.slice(0, 59)}…`;
}

const problem = (
  messageId: NerMessageId,
  sub: string,
  data: Readonly<Record<string, string | number>> = {},
): ParsedRanges => ({ ok: false, problem: { messageId, sub, data } });

/**
 * The one span of a named entity: each range read by the first {@link RANGE_SHAPES} entry that
 * matches, its offsets checked against `text` (whole numbers, start < end, inside the text, not
 * between the halves of a surrogate pair). Several ranges that follow each other without a gap
 * (each starts where the previous ends) are one span; ranges with gaps are `discontinuous`.
 */
export function parseRanges(ranges: readonly JsonValue[], text: string): ParsedRanges {
  if (ranges.length === 0) {
    return problem('noRanges', 'ranges');
  }
  const parsed: TextRange[] = [];
  for (const [i, r] of ranges.entries()) {
    const at = ranges.length === 1 && i === 0 ? 'ranges[0]' : `ranges[${i}]`;
    let shape: RangeShape | undefined;
    let pair: ReturnType<RangeShape['match']>;
    for (const candidate of RANGE_SHAPES) {
      pair = candidate.match(r, text);
      if (pair !== undefined) {
        shape = candidate;
        break;
      }
    }
    if (shape === undefined || pair === undefined) {
      return problem('badShape', at, { shape: shapeOf(r) });
    }
    if (!Array.isArray(pair)) {
      const p = pair as RangeProblem;
      return problem(p.messageId, `${at}${p.sub}`, p.data);
    }
    const [start, end] = pair as readonly [unknown, unknown];
    for (const [k, v] of [start, end].entries()) {
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        return problem('notInteger', `${at}${shape.fields[k] ?? ''}`, { value: shapeOf(v) });
      }
    }
    const s = start as number;
    const e = end as number;
    if (e <= s) {
      return problem('emptySpan', at, { start: s, end: e });
    }
    if (s < 0 || e > text.length) {
      return problem('outOfText', at, { start: s, end: e, length: text.length });
    }
    for (const [k, offset] of [s, e].entries()) {
      if (insidePair(text, offset)) {
        return problem('splitsCharacter', `${at}${shape.fields[k] ?? ''}`, { offset });
      }
    }
    parsed.push({ start: s, end: e });
  }
  let first: TextRange | undefined;
  let last: TextRange | undefined;
  for (const r of parsed) {
    if (last !== undefined && r.start !== last.end) {
      return problem('discontinuous', 'ranges', {
        count: parsed.length,
        ranges: parsed.map((x) => `${x.start}..${x.end}`).join(', '),
      });
    }
    first ??= r;
    last = r;
  }
  if (first === undefined || last === undefined) {
    return problem('noRanges', 'ranges');
  }
  return { ok: true, range: { start: first.start, end: last.end }, pieces: parsed.length };
}
