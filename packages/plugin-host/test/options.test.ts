import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineFormat, type StandardSchemaV1 } from '@synx/plugin-api';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  FormatRegistry,
  optionKeys,
  optionsJsonSchema,
  parseFormatOptions,
  parseOptionPairs,
  translateFormatFlags,
} from '../src/index.js';

const base = {
  apiVersion: 1 as const,
  id: 'x',
  title: 'X',
  describe: () => ({ kinds: {}, splits: false, layout: () => [], owns: [] }),
};

const withOptions = defineFormat({
  ...base,
  options: z.object({
    task: z.enum(['detect', 'segment']).default('detect'),
    n: z.coerce.number().int().default(6),
  }),
});

describe('format options', () => {
  it('parses key=value pairs; repeated keys become lists', () => {
    expect(parseOptionPairs(['a=1', 'b=x=y', 'a=2'])).toEqual({ a: ['1', '2'], b: 'x=y' });
    expect(() => parseOptionPairs(['nope'])).toThrow(/not key=value/);
  });

  it("validates with the format's Standard Schema, applying defaults", async () => {
    expect(await parseFormatOptions(withOptions, {})).toEqual({ task: 'detect', n: 6 });
    expect(await parseFormatOptions(withOptions, { n: '3' })).toEqual({ task: 'detect', n: 3 });
    await expect(parseFormatOptions(withOptions, { task: 'pose' })).rejects.toMatchObject({
      code: 'SYNX_INVALID_INPUT',
      message: expect.stringMatching(/^invalid options for format x: task: /) as string,
      hint: '`synx formats show x` lists its options and their values',
    });
  });

  it('is strict: an unknown key names the format, the key and the valid keys', async () => {
    await expect(parseFormatOptions(withOptions, { colour: 'red' })).rejects.toMatchObject({
      code: 'SYNX_INVALID_INPUT',
      message: 'format x has no option "colour"; its options are task, n',
      hint: '`synx formats show x` lists its options, their values and flags',
      details: { format: 'x', unknown: ['colour'], valid: ['task', 'n'] },
    });
  });

  it('without a JSON Schema, the keys of the validated output are the valid ones', async () => {
    // A bare Standard Schema (no ~standard.jsonSchema): strips unknown keys like zod does.
    const bare: StandardSchemaV1<Record<string, unknown>, { size: number }> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (v) => ({ value: { size: Number((v as { size?: string }).size ?? 1) } }),
      },
    };
    const f = defineFormat({ ...base, id: 'bare', options: bare });
    expect(optionsJsonSchema(f)).toBeUndefined();
    expect(await optionKeys(f)).toEqual(['size']);
    expect(await parseFormatOptions(f, { size: '3' })).toEqual({ size: 3 });
    await expect(parseFormatOptions(f, { colour: 'red' })).rejects.toThrow(
      'format bare has no option "colour"; its options are size',
    );
  });

  it('derives option keys and their schema from zod 4 (Standard JSON Schema)', async () => {
    expect(await optionKeys(withOptions)).toEqual(['task', 'n']);
    expect(optionsJsonSchema(withOptions)?.['properties']).toMatchObject({
      task: { type: 'string', enum: ['detect', 'segment'], default: 'detect' },
    });
  });

  it('a format without options refuses any', async () => {
    await expect(parseFormatOptions(defineFormat(base), { a: '1' })).rejects.toThrow(
      'format x has no option "a"; it takes no options',
    );
    expect(await parseFormatOptions(defineFormat(base), {})).toEqual({});
  });
});

describe('format flags from manifests', () => {
  const root = mkdtempSync(join(tmpdir(), 'synx-flags-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const plugin = (name: string, id: string, flags: object) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    // Never imported: translating flags reads manifests only.
    writeFileSync(join(dir, 'index.js'), 'throw new Error("imported")');
    return {
      name,
      version: '1.0.0',
      type: 'core',
      root: dir,
      pjson: {
        synx: { apiVersion: 1, formats: [{ id, title: id, module: './index.js', flags }] },
      },
    };
  };
  const reg = FormatRegistry.fromPlugins([
    plugin('p-yolo', 'yolo', { 'yolo-task': { option: 'task' } }),
    plugin('p-voc', 'voc', { 'voc-attr': { option: 'attr', multiple: true } }),
  ]);
  const reserved = new Set(['format', 'output', 'option']);

  it("rewrites the chosen format's flags into --option pairs", () => {
    expect(
      translateFormatFlags(['--format', 'yolo', '--yolo-task', 'pose', '-o', 'x'], reg, reserved),
    ).toEqual(['--format', 'yolo', '--option', 'task=pose', '-o', 'x']);
    expect(
      translateFormatFlags(
        ['--voc-attr=difficult=hard', '-f', 'voc', '--voc-attr', 'pose=p'],
        reg,
        reserved,
      ),
    ).toEqual(['--option', 'attr=difficult=hard', '-f', 'voc', '--option', 'attr=pose=p']);
    expect(
      translateFormatFlags(['--format=p-yolo:yolo', '--yolo-task=obb'], reg, reserved),
    ).toEqual(['--format=p-yolo:yolo', '--option', 'task=obb']);
    // After `--` nothing is a flag.
    expect(translateFormatFlags(['-f', 'yolo', '--', '--yolo-task'], reg, reserved)).toEqual([
      '-f',
      'yolo',
      '--',
      '--yolo-task',
    ]);
  });

  it("another format's flag is an error naming the format it belongs to", () => {
    expect(() =>
      translateFormatFlags(['--format', 'voc', '--yolo-task', 'pose'], reg, reserved),
    ).toThrow('--yolo-task applies to --format yolo, not voc');
    expect(() => translateFormatFlags(['--yolo-task', 'pose'], reg, reserved)).toThrow(
      '--yolo-task is a flag of --format yolo: give --format too',
    );
    expect(() => translateFormatFlags(['-f', 'yolo', '--yolo-task'], reg, reserved)).toThrow(
      '--yolo-task needs a value',
    );
  });
});
