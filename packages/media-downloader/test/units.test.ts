import { describe, expect, it } from 'vitest';
import { decodeDataUri, normalizeChecksum, resolveInside } from '../src/index.js';

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
