import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileHead } from '../src/index.js';

describe('readFileHead', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synx-head-'));

  it('reads only the first bytes of a large file', async () => {
    const path = join(dir, 'big.json');
    writeFileSync(path, `{"info":{},"images":[${'0,'.repeat(1_000_000)}0]}`);
    expect(await readFileHead(path, 20)).toBe('{"info":{},"images":');
  });

  it('returns the whole of a shorter file, and UTF-8 text intact', async () => {
    const path = join(dir, 'small.txt');
    writeFileSync(path, 'straße → 渋谷');
    expect(await readFileHead(path, 4096)).toBe('straße → 渋谷');
  });

  it('throws the file system error for a missing file', async () => {
    await expect(readFileHead(join(dir, 'missing.json'), 10)).rejects.toThrow(/ENOENT/);
  });
});
