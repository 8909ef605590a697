import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SynxError } from '@synx/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partialPathOf, writeFileAtomic, writeFileAtomicSync } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'synx-atomic-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Write = (
  path: string,
  data: string | Uint8Array,
  options?: { exclusive?: boolean },
) => Promise<void>;

const variants: [string, Write][] = [
  ['writeFileAtomic', writeFileAtomic],
  [
    'writeFileAtomicSync',
    async (path, data, options) => {
      writeFileAtomicSync(path, data, options);
    },
  ],
];

async function failure(p: Promise<unknown>): Promise<SynxError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SynxError);
    return err as SynxError;
  }
  throw new Error('expected a failure');
}

describe.each(variants)('%s', (_name, write) => {
  it('writes text and bytes, replaces an existing file, leaves no temporary file', async () => {
    const path = join(dir, 'a.txt');
    await write(path, 'héllo\n');
    expect(readFileSync(path, 'utf8')).toBe('héllo\n');
    await write(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    await write(path, '');
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('creates a missing parent folder', async () => {
    const path = join(dir, 'x', 'y', 'z.txt');
    await write(path, 'deep');
    expect(readFileSync(path, 'utf8')).toBe('deep');
  });

  it('overwrites a leftover .partial of a killed run', async () => {
    const path = join(dir, 'a.txt');
    writeFileSync(partialPathOf(path), 'a long leftover from a killed run');
    await write(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('exclusive: refuses an existing file with EEXIST on the cause and keeps it', async () => {
    const path = join(dir, 'a.xml');
    await write(path, 'first', { exclusive: true });
    const err = await failure(write(path, 'second', { exclusive: true }));
    expect(err.code).toBe('SYNX_IO');
    expect((err.cause as NodeJS.ErrnoException).code).toBe('EEXIST');
    expect(err.message).toMatch(/^cannot write .*a\.xml: /);
    expect(readFileSync(path, 'utf8')).toBe('first');
    expect(readdirSync(dir)).toEqual(['a.xml']);
  });

  it('names the file and keeps the errno when it cannot be written', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    const below = await failure(write(join(dir, 'file', 'a.txt'), 'x'));
    expect(below.code).toBe('SYNX_IO');
    expect(below.message).toMatch(/^cannot write .*file\/a\.txt: ENOTDIR/);
    expect((below.cause as NodeJS.ErrnoException).code).toBe('ENOTDIR');
    // A folder holds the final name: the rename fails, and the partial file is removed.
    mkdirSync(join(dir, 'taken'));
    const onDir = await failure(write(join(dir, 'taken'), 'x'));
    expect(onDir.code).toBe('SYNX_IO');
    expect((onDir.cause as NodeJS.ErrnoException).code).toMatch(/^E/);
    expect(readdirSync(dir).sort()).toEqual(['file', 'taken']);
  });

  it.runIf(existsSync('/dev/full'))('a failing write rejects with SYNX_IO (ENOSPC)', async () => {
    const path = join(dir, 'full.txt');
    symlinkSync('/dev/full', partialPathOf(path));
    const err = await failure(write(path, 'x'.repeat(1000)));
    expect(err.code).toBe('SYNX_IO');
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(existsSync(path)).toBe(false);
    expect(existsSync(partialPathOf(path))).toBe(false);
  });
});
