/**
 * The tokenizer of the token-level formats (`conll`, `hf-ner`), written once:
 *
 * - lines end at CRLF, LF, CR, NEL (U+0085), LS (U+2028) and PS (U+2029); each line with a
 *   token is one sentence (CoNLL: a blank line after it); lines without a token are skipped;
 * - within a line, whitespace is JavaScript's `\s` plus U+001C–U+001F (which Python's
 *   `str.split()` also splits on), so no token holds a character a reader splits on;
 * - a token is a run of characters that are neither whitespace nor punctuation (`\p{P}`), or one
 *   punctuation character with the combining marks after it: `U.S.` → `U` `.` `S` `.`,
 *   `don't` → `don` `'` `t`; symbols (`$`, `+`, emoji with their ZWJ sequences) stay inside words.
 *
 * Offsets are UTF-16 code units of the text, end exclusive.
 */
export interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** 0-based index of the sentence (line with tokens) it belongs to. */
  readonly sentence: number;
}

const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/g;
// eslint-disable-next-line no-control-regex -- U+001C–U+001F are whitespace to Python
const SPLIT_ON = /[\s\u001c-\u001f\u0085]/u;

/** True when `s` holds a character a token never holds: `\s`, U+001C–U+001F or NEL (Python's `str.split()` set). */
export function holdsWhitespace(s: string): boolean {
  return SPLIT_ON.test(s);
}
// eslint-disable-next-line no-control-regex -- as SPLIT_ON
const TOKEN = /[^\s\u001c-\u001f\u0085\p{P}]+|\p{P}\p{M}*/gu;

/** The tokens of `text`, in order. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let sentence = 0;
  let lineStart = 0;
  const line = (end: number): void => {
    const part = text.slice(lineStart, end);
    let found = false;
    for (const m of part.matchAll(TOKEN)) {
      const start = lineStart + m.index;
      tokens.push({ text: m[0], start, end: start + m[0].length, sentence });
      found = true;
    }
    if (found) {
      sentence++;
    }
  };
  for (const m of text.matchAll(LINE_BREAK)) {
    line(m.index);
    lineStart = m.index + m[0].length;
  }
  line(text.length);
  return tokens;
}
