const hex = (c: number, digits: number): string =>
  c.toString(16).toUpperCase().padStart(digits, '0');

/**
 * A string as a YAML double-quoted scalar that YAML 1.1 readers (PyYAML's `safe_load`, which
 * ultralytics uses) and YAML 1.2 readers both load as exactly this string. Double quotes keep
 * every text a string (`yes`, `no`, `null`, `~`, `1:30`, `0b101`, `1_000`, `2001-12-14`, `=`,
 * `<<` … are otherwise booleans, nulls, numbers, dates, or rejected by YAML 1.1). Escaped, with
 * the `\xNN` / `\uNNNN` forms both versions share: `"` and `\`, C0 controls (tab, LF and CR
 * included, so the scalar stays on one line and nothing is folded), DEL, C1 controls (U+0085 is
 * a line break in YAML 1.1), U+2028 and U+2029 (line breaks in YAML 1.1), U+FEFF (a byte-order
 * mark), U+FFFE, U+FFFF and unpaired surrogates (not printable, and not encodable as UTF-8).
 * Everything else, emoji and other characters beyond the BMP included, is written as it is.
 */
export function yamlQuoted(text: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let escape: string | undefined;
    if (c === 0x22) {
      escape = '\\"';
    } else if (c === 0x5c) {
      escape = '\\\\';
    } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      escape = `\\x${hex(c, 2)}`;
    } else if (c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0xfffe || c === 0xffff) {
      escape = `\\u${hex(c, 4)}`;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++; // a pair: one character beyond the BMP, written as it is
      } else {
        escape = `\\u${hex(c, 4)}`;
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      escape = `\\u${hex(c, 4)}`;
    }
    if (escape !== undefined) {
      out += text.slice(from, i) + escape;
      from = i + 1;
    }
  }
  return `${out}${text.slice(from)}"`;
}
