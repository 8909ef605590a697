import { analyse } from 'chardet';
import iconv from 'iconv-lite';

/** The largest text file synx reads for a text media (bytes); larger ones are reported. */
export const MAX_TEXT_BYTES: number = 32 * 1024 * 1024;

/** A text file's content as decoded, and how. */
export interface DecodedText {
  /** The text, without a byte-order mark. */
  readonly text: string;
  /** The encoding it was decoded from, as a WHATWG label (`utf-8`, `utf-16le`, `shift_jis`, …). */
  readonly encoding: string;
  /**
   * How the encoding was found: a byte-order mark, strict UTF-8, UTF-8 with a few invalid
   * sequences replaced by U+FFFD (`utf-8-repaired`, `replaced` says how many), or detected.
   */
  readonly by: 'bom' | 'utf-8' | 'utf-8-repaired' | 'detected';
  /** Invalid UTF-8 sequences read as U+FFFD (`utf-8-repaired` only). */
  readonly replaced?: number;
}

/**
 * At most this share of a mostly-UTF-8 text may be invalid sequences for it to be read as UTF-8
 * (each one as U+FFFD) rather than as a legacy encoding: a single corrupt byte must not turn every
 * multi-byte character after it into two or three (and shift every offset).
 */
const REPAIRABLE_SHARE = 0.01;

const BOMS: readonly (readonly [readonly number[], string])[] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];

/**
 * Decodes a data unit's text file: a byte-order mark decides (UTF-8, UTF-16 LE/BE) and is
 * removed; else the bytes are UTF-8 when they decode strictly as UTF-8 (ASCII included), or when
 * they hold valid multi-byte UTF-8 and at most 1 % invalid sequences (read as U+FFFD, so one
 * corrupt byte cannot shift every offset after it); else
 * the encoding is detected (`chardet`'s statistics over the bytes: the legacy single- and
 * multi-byte encodings — windows-125x, ISO-8859-x, Shift_JIS, EUC-JP/KR, GB18030, Big5,
 * KOI8-R) and the most likely one that decodes every byte is used, through `iconv-lite` (Node's
 * own TextDecoder reads windows-1252 as Latin-1). Line ends are kept as they are (a CR counts as a
 * character, as in the annotator). Never throws: as a last resort windows-1252, which decodes
 * any bytes.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  for (const [bom, encoding] of BOMS) {
    if (bom.every((b, i) => bytes[i] === b)) {
      return {
        text: new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(bom.length)),
        encoding,
        by: 'bom',
      };
    }
  }
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes),
      encoding: 'utf-8',
      by: 'utf-8',
    };
  } catch {
    // not strictly UTF-8: a few bad bytes in UTF-8 text, or another encoding (below)
  }
  const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let replaced = 0;
  let multiByte = 0;
  for (const c of lenient) {
    if (c === '\uFFFD') {
      replaced++;
    } else if ((c.codePointAt(0) ?? 0) > 0x7f) {
      multiByte++;
    }
  }
  // UTF-8 that holds multi-byte characters and only a few invalid sequences: keep it UTF-8.
  if (
    multiByte > 0 &&
    replaced <= Math.max(1, lenient.length * REPAIRABLE_SHARE) &&
    multiByte >= replaced
  ) {
    return { text: lenient, encoding: 'utf-8', by: 'utf-8-repaired', replaced };
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const match of analyse(bytes)) {
    // Latin-1 as the web reads it: windows-1252 (0x80–0x9f are letters, not C1 controls).
    const name = match.name === 'ISO-8859-1' ? 'windows-1252' : match.name;
    if (name === 'UTF-8' || !iconv.encodingExists(name)) {
      continue;
    }
    const text = iconv.decode(buffer, name, { stripBOM: false });
    if (!text.includes('\uFFFD')) {
      return { text, encoding: name.toLowerCase(), by: 'detected' };
    }
    // this candidate does not decode every byte; try the next
  }
  return {
    text: iconv.decode(buffer, 'windows-1252', { stripBOM: false }),
    encoding: 'windows-1252',
    by: 'detected',
  };
}
