import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  decodeDataUri,
  normalizeChecksum,
  parseRetryAfter,
  redactUrl,
  resolveInside,
  scrub,
} from '../src/index.js';

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates', () => {
    const now = Date.parse('Sun, 22 Nov 2026 10:00:00 GMT');
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 2.5 ', now)).toBe(2500);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['3', '4'], now)).toBe(3000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap with repeatable jitter in [step/2, step)', () => {
    for (let f = 1; f <= 8; f++) {
      const step = Math.min(10_000, 500 * 2 ** (f - 1));
      const d = backoffDelay('item/1', f, 500, 10_000);
      expect(d).toBeGreaterThanOrEqual(step / 2);
      expect(d).toBeLessThanOrEqual(step);
      expect(backoffDelay('item/1', f, 500, 10_000)).toBe(d);
    }
    // Different files spread out.
    const spread = new Set(
      Array.from({ length: 50 }, (_, i) => backoffDelay(`f${i}`, 3, 500, 1e5)),
    );
    expect(spread.size).toBeGreaterThan(40);
  });
});

describe('normalizeChecksum', () => {
  it('infers the algorithm from the hex length and accepts a prefix', () => {
    expect(normalizeChecksum('D41D8CD98F00B204E9800998ECF8427E', undefined)).toEqual({
      algorithm: 'md5',
      hex: 'd41d8cd98f00b204e9800998ecf8427e',
    });
    expect(normalizeChecksum('a'.repeat(40), undefined)).toMatchObject({ algorithm: 'sha1' });
    expect(normalizeChecksum('b'.repeat(64), undefined)).toMatchObject({ algorithm: 'sha256' });
    expect(normalizeChecksum(`sha256:${'c'.repeat(64)}`, undefined)).toMatchObject({
      algorithm: 'sha256',
      hex: 'c'.repeat(64),
    });
    expect(normalizeChecksum('a'.repeat(40), 'sha1')).toMatchObject({ algorithm: 'sha1' });
  });

  it('explains checksums it cannot use', () => {
    expect(normalizeChecksum('abc', undefined)).toEqual({
      error: 'cannot infer the checksum algorithm from 3 hex digits (32, 40 or 64 expected)',
    });
    expect(normalizeChecksum('a'.repeat(40), 'md5')).toEqual({
      error: 'a md5 checksum has 32 hex digits, got 40',
    });
    expect(normalizeChecksum('xyz!', undefined)).toEqual({
      error: 'the checksum is not hexadecimal',
    });
    expect(normalizeChecksum(`crc32:${'a'.repeat(8)}`, undefined)).toEqual({
      error: 'unsupported checksum algorithm "crc32"',
    });
  });
});

describe('redaction', () => {
  it('drops query strings, fragments and user-info from URLs', () => {
    expect(redactUrl('https://user:pw@bucket.s3.amazonaws.com/a/b.jpg?X-Amz-Signature=abc#x')).toBe(
      'https://bucket.s3.amazonaws.com/a/b.jpg?…',
    );
    expect(redactUrl('http://h/p')).toBe('http://h/p');
    expect(redactUrl('data:image/png;base64,AAAA')).toBe('data:image/png;base64,…');
    expect(redactUrl('not a url?token=x')).toBe('not a url?…');
  });

  it('scrubs URLs with query strings and known secrets from text', () => {
    expect(scrub('GET https://h/x.jpg?sig=123456 failed; see http://h/y')).toBe(
      'GET https://h/x.jpg?… failed; see http://h/y',
    );
    expect(scrub('signature was s3cr3tvalue', ['s3cr3tvalue'])).toBe('signature was ***');
  });
});

describe('resolveInside', () => {
  it('resolves relative destinations and refuses escapes', () => {
    expect(resolveInside('/data/out', 'a/b.jpg')).toBe('/data/out/a/b.jpg');
    expect(resolveInside('/data/out', '/data/out/x.jpg')).toBe('/data/out/x.jpg');
    expect(resolveInside('/data/out', '../x.jpg')).toBeUndefined();
    expect(resolveInside('/data/out', '/data/outside/x.jpg')).toBeUndefined();
    expect(resolveInside('/data/out', '/data/out')).toBeUndefined();
    expect(resolveInside('/data/out', 'a/../../x')).toBeUndefined();
    expect(resolveInside('/data/out', '..foo/x')).toBe('/data/out/..foo/x');
  });
});

describe('decodeDataUri', () => {
  it('decodes base64 (padded, unpadded, url-safe, with whitespace) and percent-encoding', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    const b64 = bytes.toString('base64');
    for (const uri of [
      `data:application/octet-stream;base64,${b64}`,
      `data:;base64,${b64.replace(/=+$/, '')}`,
      `data:;base64,${bytes.toString('base64url')}`,
      `data:;base64,${b64.slice(0, 4)}\n ${b64.slice(4)}`,
    ]) {
      const d = decodeDataUri(uri);
      expect('bytes' in d && d.bytes.equals(bytes), uri).toBe(true);
    }
    expect(decodeDataUri('data:text/plain;charset=utf-8,caf%C3%A9 ok')).toEqual({
      mediaType: 'text/plain;charset=utf-8',
      bytes: Buffer.from('café ok'),
    });
    expect(decodeDataUri('data:,é')).toMatchObject({ bytes: Buffer.from('é') });
    expect(decodeDataUri('data:image/png;base64')).toEqual({
      error: 'the data: URI has no comma before its data',
    });
    expect(decodeDataUri('data:;base64,a')).toEqual({ error: 'the data: URI is not valid base64' });
  });
});
