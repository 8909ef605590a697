// Recognises the format from the first bytes and hands over to its parser.
import { type ByteSource, type CoreResult, need, u32le } from './core.js';
import { parseJpeg } from './jpeg.js';
import { parsePng } from './png.js';
import { BMP_DIB_SIZES, parseBmp, parseGif, parseWebp } from './simple.js';
import { parseTiff } from './tiff.js';

type Parser = (src: ByteSource) => CoreResult;

/** A signature: bytes at offset 0 (`undefined` = any byte), and an extra check on the first bytes. */
interface Signature {
  bytes: readonly (number | undefined)[];
  parse: Parser;
  check?: (head: Uint8Array) => boolean;
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const _ = undefined;

const SIGNATURES: readonly Signature[] = [
  { bytes: [0xff, 0xd8, 0xff], parse: parseJpeg },
  { bytes: [0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a], parse: parsePng },
  { bytes: ascii('GIF87a'), parse: parseGif },
  { bytes: ascii('GIF89a'), parse: parseGif },
  { bytes: [...ascii('RIFF'), _, _, _, _, ...ascii('WEBP')], parse: parseWebp },
  { bytes: [...ascii('II'), 42, 0], parse: parseTiff },
  { bytes: [...ascii('MM'), 0, 42], parse: parseTiff },
  { bytes: [...ascii('II'), 43, 0], parse: parseTiff },
  { bytes: [...ascii('MM'), 0, 43], parse: parseTiff },
  // "BM" alone is too weak (text files start with it): also require a known DIB header size.
  {
    bytes: [...ascii('BM'), _, _, _, _, _, _, _, _, _, _, _, _, _, _, _, _],
    parse: parseBmp,
    check: (h) => BMP_DIB_SIZES.includes(u32le(h, 14)),
  },
];

const LONGEST = Math.max(...SIGNATURES.map((s) => s.bytes.length));

/** Identifies the format and parses its header. */
export function parseCore(src: ByteSource): CoreResult {
  const head = src.peek(0, LONGEST);
  let shortest = Infinity;
  for (const sig of SIGNATURES) {
    const n = Math.min(head.length, sig.bytes.length);
    let same = true;
    for (let i = 0; i < n && same; i++) {
      const want = sig.bytes[i];
      same = want === undefined || head[i] === want;
    }
    if (!same) {
      continue;
    }
    if (head.length < sig.bytes.length) {
      shortest = Math.min(shortest, sig.bytes.length); // could still be this format
      continue;
    }
    if (sig.check === undefined || sig.check(head)) {
      return sig.parse(src);
    }
  }
  return shortest === Infinity ? { kind: 'unknown' } : need(0, shortest, 'the file signature');
}
