/*
 * Locating the raw text of JSON values inside a response body, so a value (an assignment's DM v1
 * `data`) can be kept byte-for-byte as the server sent it. The scanner assumes the text is valid
 * JSON (it is called after JSON.parse succeeded) and only tracks strings and nesting.
 */

function skipWs(text: string, i: number): number {
  let j = i;
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      j++;
    } else {
      return j;
    }
  }
}

/** Index just past the string that starts at `i` (a quote). */
function skipString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const c = text.charCodeAt(j);
    if (Number.isNaN(c)) {
      return j;
    }
    if (c === 0x5c) {
      j += 2;
    } else if (c === 0x22) {
      return j + 1;
    } else {
      j++;
    }
  }
}

/** Index just past the JSON value that starts at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) {
    return skipString(text, i);
  }
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    let j = i;
    for (;;) {
      const d = text.charCodeAt(j);
      if (Number.isNaN(d)) {
        return j;
      }
      if (d === 0x22) {
        j = skipString(text, j);
        continue;
      }
      if (d === 0x7b || d === 0x5b) {
        depth++;
      } else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) {
          return j + 1;
        }
      }
      j++;
    }
  }
  // number, true, false, null
  let j = i;
  for (;;) {
    const d = text.charCodeAt(j);
    if (
      Number.isNaN(d) ||
      d === 0x2c ||
      d === 0x7d ||
      d === 0x5d ||
      d === 0x20 ||
      d === 0x0a ||
      d === 0x0d ||
      d === 0x09
    ) {
      return j;
    }
    j++;
  }
}

/** A `[start, end)` range of a JSON text. */
export interface JsonSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * The span of the value of `key` in the JSON object that starts at `objectStart` (default: the
 * first non-space character). Only direct members are considered.
 */
export function jsonMemberSpan(
  text: string,
  key: string,
  objectStart?: number,
): JsonSpan | undefined {
  let i = skipWs(text, objectStart ?? 0);
  if (text.charCodeAt(i) !== 0x7b) {
    return undefined;
  }
  i = skipWs(text, i + 1);
  if (text.charCodeAt(i) === 0x7d) {
    return undefined;
  }
  for (;;) {
    if (text.charCodeAt(i) !== 0x22) {
      return undefined;
    }
    const keyEnd = skipString(text, i);
    const rawKey = text.slice(i, keyEnd);
    const name = rawKey.includes('\\') ? (JSON.parse(rawKey) as string) : rawKey.slice(1, -1);
    i = skipWs(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a) {
      return undefined;
    }
    const valueStart = skipWs(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    if (name === key) {
      return { start: valueStart, end: valueEnd };
    }
    i = skipWs(text, valueEnd);
    if (text.charCodeAt(i) !== 0x2c) {
      return undefined;
    }
    i = skipWs(text, i + 1);
  }
}

/** Spans of the elements of the JSON array that starts at `arrayStart`. */
export function jsonArrayElementSpans(text: string, arrayStart: number): JsonSpan[] {
  const spans: JsonSpan[] = [];
  let i = skipWs(text, arrayStart);
  if (text.charCodeAt(i) !== 0x5b) {
    return spans;
  }
  i = skipWs(text, i + 1);
  if (text.charCodeAt(i) === 0x5d) {
    return spans;
  }
  for (;;) {
    const end = skipValue(text, i);
    spans.push({ start: i, end });
    i = skipWs(text, end);
    if (text.charCodeAt(i) !== 0x2c) {
      return spans;
    }
    i = skipWs(text, i + 1);
  }
}

/** Raw texts of the elements of the array member `key` of the top-level object (e.g. `results`). */
export function rawArrayMember(text: string, key: string): string[] | undefined {
  const span = jsonMemberSpan(text, key);
  if (span === undefined || text.charCodeAt(span.start) !== 0x5b) {
    return undefined;
  }
  return jsonArrayElementSpans(text, span.start).map((s) => text.slice(s.start, s.end));
}

/** Raw text of the member `key` of the object `objectText`, e.g. the `data` of one result. */
export function rawMember(objectText: string, key: string): string | undefined {
  const span = jsonMemberSpan(objectText, key);
  return span === undefined ? undefined : objectText.slice(span.start, span.end);
}
