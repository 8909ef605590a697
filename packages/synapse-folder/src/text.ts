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
  /** How the encoding was found. */
  readonly by: 'bom' | 'utf-8' | 'detected';
}

const BOMS: readonly (readonly [readonly number[], string])[] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];

/**
 * Decodes a data unit's text file: a byte-order mark decides (UTF-8, UTF-16 LE/BE) and is
 * removed; else the bytes are UTF-8 when they decode strictly as UTF-8 (ASCII included); else
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
    // not UTF-8: detect below
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
