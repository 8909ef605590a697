/**
 * FNV-1a 32-bit with a murmur finaliser: a fast, well-mixed, seeded string hash for repeatable
 * "random" choices (fault injection, backoff jitter). Not for security, not for splits (those use
 * SHA-256 so they can be reproduced anywhere).
 */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
