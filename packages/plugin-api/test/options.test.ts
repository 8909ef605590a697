import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defineFormat,
  parseFormatOptions,
  parseOptionPairs,
  TextFileWriter,
} from '../src/index.js';

const base = {
  apiVersion: 1 as const,
  id: 'x',
  title: 'X',
  describe: () => ({ kinds: {}, splits: false, layout: () => [], owns: [] }),
};

describe('format options', () => {
  it('parses key=value pairs; repeated keys become lists', () => {
    expect(parseOptionPairs(['a=1', 'b=x=y', 'a=2'])).toEqual({ a: ['1', '2'], b: 'x=y' });
    expect(() => parseOptionPairs(['nope'])).toThrow(/not key=value/);
  });

  it("validates with the format's Standard Schema, applying defaults", async () => {
    const f = defineFormat({
      ...base,
      options: z.object({
        task: z.enum(['detect', 'segment']).default('detect'),
        n: z.coerce.number().int().default(6),
      }),
    });
    expect(await parseFormatOptions(f, {})).toEqual({ task: 'detect', n: 6 });
    expect(await parseFormatOptions(f, { n: '3' })).toEqual({ task: 'detect', n: 3 });
    await expect(parseFormatOptions(f, { task: 'pose' })).rejects.toMatchObject({
      code: 'SYNX_INVALID_INPUT',
      message: expect.stringMatching(/^invalid options for format x: task: /) as string,
    });
  });

  it('a format without options refuses any', async () => {
    await expect(parseFormatOptions(defineFormat(base), { a: '1' })).rejects.toThrow(
      'format x takes no options (got a)',
    );
    expect(await parseFormatOptions(defineFormat(base), {})).toEqual({});
  });
});

describe('TextFileWriter', () => {
  it('buffers, flushes and counts bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synx-tw-'));
    try {
      const w = await TextFileWriter.open(join(dir, 'sub', 'a.txt'), { flushAt: 8 });
      await w.write('héllo ');
      await w.write('wörld');
      await w.close();
      expect(readFileSync(join(dir, 'sub', 'a.txt'), 'utf8')).toBe('héllo wörld');
      expect(w.bytes).toBe(Buffer.byteLength('héllo wörld'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
