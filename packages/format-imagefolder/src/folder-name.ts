import { createHash } from 'node:crypto';
import { isHostFileName } from '@synx/plugin-api';

/** Characters no folder name may hold on some file system (Windows), plus `%`, the escape. */
const UNSAFE = new Set(['/', '\\', ':', '*', '?', '"', '<', '>', '|', '%']);
/** Device names Windows reserves, with or without an extension (`CON`, `com1.txt`, `LPT¹`). */
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;
/**
 * File names the writer puts beside unsplit class folders. A class folder never takes one of
 * them, nor one of synx's own (`isHostFileName`: `synx-…`, `report.html`, `….partial`): a rerun
 * removes those, and the class's images with them.
 */
export const OWN_FILES: readonly string[] = ['classes.txt', 'labels.csv', 'counts.csv'];

/** True for a name synx or the writer keeps at the output folder's root. */
function ownName(lower: string): boolean {
  return OWN_FILES.includes(lower) || isHostFileName(lower);
}
/** Longest folder name in UTF-8 bytes (file systems allow 255; room left for tools' suffixes). */
export const MAX_FOLDER_BYTES = 200;

function pct(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp >= 0xd800 && cp <= 0xdfff) {
    // A lone surrogate has no UTF-8 form: `%uXXXX` keeps the name unique and reversible.
    return `%u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return [...Buffer.from(ch, 'utf8')]
    .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

function unsafe(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return (
    cp < 0x20 ||
    cp === 0x7f ||
    (cp >= 0x80 && cp < 0xa0) ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    UNSAFE.has(ch)
  );
}

/**
 * The folder name of a class: its code, with every character some file system refuses (or a
 * tool hides or trims) written as `%XX` (its UTF-8 bytes, as in URLs; `%` itself is `%25`):
 * `/ \ : * ? " < > |`, control characters, a leading `.` or space, a trailing `.` or space, the
 * first letter of a Windows device name (`CON` → `%43ON`) or of a file the writer puts beside the
 * folders. Names longer than {@link MAX_FOLDER_BYTES} are cut and end in `~` and 16 hex digits of
 * the code's SHA-256. Pure and injective: distinct codes get distinct names (only letter case can
 * meet on a case-insensitive file system, which the writer reports), whatever else is exported,
 * so the place of an image never depends on other items.
 */
export function classFolderName(code: string): string {
  const chars: string[] = [];
  for (const ch of code) {
    // By code point: each is escaped alone (a combining mark stays beside its letter).
    chars.push(ch);
  }
  const out = chars.map((ch) => (unsafe(ch) ? pct(ch) : ch));
  const first = chars[0];
  if (first === '.' || first === ' ') {
    out[0] = pct(first);
  }
  const last = chars.length - 1;
  const lastCh = chars[last];
  if (last > 0 && (lastCh === '.' || lastCh === ' ')) {
    out[last] = pct(lastCh);
  }
  const lower = code.toLowerCase();
  if (first !== undefined && (RESERVED.test(code) || ownName(lower))) {
    out[0] = pct(first);
  }
  const name = out.join('');
  if (Buffer.byteLength(name, 'utf8') <= MAX_FOLDER_BYTES) {
    return name;
  }
  const hash = createHash('sha256').update(code, 'utf8').digest('hex').slice(0, 16);
  let cut = '';
  let bytes = 0;
  for (const part of out) {
    const b = Buffer.byteLength(part, 'utf8');
    if (bytes + b > MAX_FOLDER_BYTES - 17) {
      break;
    }
    cut += part;
    bytes += b;
  }
  // A cut that ends in a dot or a space would be trimmed by Windows.
  return `${cut.replace(/[. ]+$/, '')}~${hash}`;
}

/**
 * The class code a folder name stands for, undoing {@link classFolderName}'s escapes (a cut
 * name, ending in `~` and a hash, gives its cut text: synx's own `labels.csv` maps it exactly).
 */
export function classOfFolderName(name: string): string {
  return name.replace(/%u([0-9A-Fa-f]{4})|(?:%[0-9A-Fa-f]{2})+/g, (run, u?: string) => {
    if (u !== undefined) {
      return String.fromCharCode(parseInt(u, 16));
    }
    const bytes = Buffer.from(run.replaceAll('%', ''), 'hex');
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    return text;
  });
}

/**
 * Compares strings by Unicode code point, as Python's `sorted()` does (torchvision's and
 * ultralytics' class order); JavaScript's default sort compares UTF-16 units, which differs for
 * characters beyond U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(i) ?? 0;
    if (ca !== cb) {
      return ca < cb ? -1 : 1;
    }
    if (ca > 0xffff) {
      i++;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
