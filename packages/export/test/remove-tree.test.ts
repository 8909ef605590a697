import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeTree } from '../src/remove-tree.js';
import { tempDir } from './helpers.js';

describe('removeTree', () => {
  it('removes a deep tree of many files, and a link without following it', async () => {
    const root = tempDir('remove-tree');
    const keep = join(root, 'keep');
    mkdirSync(keep);
    writeFileSync(join(keep, 'precious.txt'), 'x');
    const tree = join(root, 'labels');
    for (const sub of ['a', 'a/b', 'c']) {
      mkdirSync(join(tree, sub), { recursive: true });
    }
    for (let i = 0; i < 700; i++) {
      writeFileSync(join(tree, ['a', 'a/b', 'c'][i % 3] ?? 'a', `${String(i)}.txt`), String(i));
    }
    symlinkSync(keep, join(tree, 'link-to-keep'));
    await removeTree(tree);
    expect(existsSync(tree)).toBe(false);
    expect(readdirSync(keep)).toEqual(['precious.txt']);
    // A missing path and a single file are fine.
    await removeTree(join(root, 'nothing-here'));
    writeFileSync(join(root, 'one.txt'), '1');
    await removeTree(join(root, 'one.txt'));
    expect(existsSync(join(root, 'one.txt'))).toBe(false);
  });
});
