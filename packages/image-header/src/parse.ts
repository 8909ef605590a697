import { prefixSource } from './internal/core.js';
import { parseCore } from './internal/sniff.js';
import type { ParseResult } from './types.js';

/**
 * Parses an image header from a prefix of the file (any length; the whole file works too).
 * Never throws and never decodes pixels.
 *
 * Recognises JPEG, PNG, GIF, BMP, WebP and TIFF. `width`/`height` are the size a browser displays:
 * EXIF orientation applied.
 *
 * @returns `ok` with the header; `need-more` when the prefix ends too early (call again with at
 * least `atLeast` bytes); `unknown` when the bytes are not a recognised image; `invalid` when they
 * are, but the header is malformed.
 *
 * @example
 * const r = parseImageHeader(firstBytes);
 * const size = r.kind === 'ok' ? [r.header.width, r.header.height] : undefined;
 */
export function parseImageHeader(bytes: Uint8Array): ParseResult {
  const r = parseCore(prefixSource(bytes));
  switch (r.kind) {
    case 'need':
      return { kind: 'need-more', atLeast: Math.max(r.offset + r.length, bytes.length + 1) };
    case 'invalid':
      return { kind: 'invalid', format: r.format, reason: r.reason };
    default:
      return r;
  }
}
