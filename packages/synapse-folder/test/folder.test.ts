import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isMediaFileName,
  mediaSpecForFile,
  openSynapseFolder,
  safeFileName,
  splitStem,
  spreadEntries,
  SynapseFolderWriter,
} from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'synx-folder-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('openSynapseFolder', () => {
  it('of several media with one stem uses the first in code-unit order; warnings, orphans and refusals come sorted', async () => {
    const dir = join(root, 'many');
    const w = new SynapseFolderWriter(dir);
    await w.write({ stem: 'a', data: {}, media: { name: 'a.png', bytes: Buffer.from('p') } });
    for (const name of ['a.jpg', 'a.bmp', 'z.jpg', 'm.jpg']) {
      writeFileSync(join(dir, 'origin_files', name), name);
    }
    mkdirSync(join(dir, 'origin_files', 'sub-b'));
    mkdirSync(join(dir, 'origin_files', 'sub-a'));
    mkdirSync(join(dir, 'json', 'folder.json'));
    mkdirSync(join(dir, 'json', 'not-json'));
    const folder = await openSynapseFolder(dir);
    expect(folder.entries.map((e) => [e.stem, e.mediaName])).toEqual([['a', 'a.bmp']]);
    expect(folder.problems.map((p) => [p.code, p.field])).toEqual([
      ['SYNX_FILE_REFUSED', 'json/folder.json'],
      ['SYNX_FILE_REFUSED', 'origin_files/sub-a'],
      ['SYNX_FILE_REFUSED', 'origin_files/sub-b'],
      ['SYNX_FOLDER_AMBIGUOUS_MEDIA', 'origin_files/a.jpg'],
      ['SYNX_FOLDER_AMBIGUOUS_MEDIA', 'origin_files/a.png'],
      ['SYNX_FOLDER_ORPHAN_MEDIA', 'origin_files/m.jpg'],
      ['SYNX_FOLDER_ORPHAN_MEDIA', 'origin_files/z.jpg'],
    ]);
    expect(folder.problems[3]?.message).toBe(
      'two media files share the stem "a" (a.bmp, a.jpg); a.bmp is used',
    );
  });

  it('pairs json/<stem>.json with origin_files/<stem>.<ext>, sorted, and reports what does not pair', async () => {
    const dir = join(root, 'a');
    const w = new SynapseFolderWriter(dir);
    await w.writeProject({ id: 5, title: 'Demo' });
    await w.write({
      stem: 'b.photo',
      data: { annotations: {} },
      media: { name: 'b.photo.jpg', bytes: Buffer.from('x') },
    });
    await w.write({
      stem: 'a',
      data: '{"annotations":{}}',
      media: { name: 'a.png', bytes: Buffer.from('y') },
    });
    await w.write({
      stem: '画像_ü',
      data: {},
      media: { name: '画像_ü.jpeg', bytes: Buffer.from('z') },
    });
    await w.write({ stem: 'lonely', data: {} });
    writeFileSync(join(dir, 'origin_files', 'a.jpg'), 'dup');
    writeFileSync(join(dir, 'origin_files', 'stray.jpg'), 's');
    const folder = await openSynapseFolder(dir);
    expect(folder.project).toEqual({ id: 5, title: 'Demo' });
    expect(folder.entries.map((e) => [e.stem, e.mediaName])).toEqual([
      ['a', 'a.jpg'],
      ['b.photo', 'b.photo.jpg'],
      ['lonely', undefined],
      ['画像_ü', '画像_ü.jpeg'],
    ]);
    expect(folder.problems.map((p) => [p.code, p.stem])).toEqual([
      ['SYNX_FOLDER_AMBIGUOUS_MEDIA', 'a'],
      ['SYNX_FOLDER_NO_MEDIA', 'lonely'],
      ['SYNX_FOLDER_ORPHAN_MEDIA', 'stray'],
    ]);
    const a = folder.entries[0];
    expect(a && (await folder.readJson(a))).toBe('{"annotations":{}}');
    // objects are written with 4-space indentation, as Synapse's exporter does
    expect(readFileSync(join(dir, 'json', 'b.photo.json'), 'utf8')).toBe(
      '{\n    "annotations": {}\n}',
    );
  });

  it('accepts original_files/ as the SDK converters name it', async () => {
    const dir = join(root, 'b');
    mkdirSync(join(dir, 'json'), { recursive: true });
    mkdirSync(join(dir, 'original_files'), { recursive: true });
    writeFileSync(join(dir, 'json', 'x.json'), '{}');
    writeFileSync(join(dir, 'original_files', 'x.bmp'), 'b');
    expect((await openSynapseFolder(dir)).entries.map((e) => e.mediaName)).toEqual(['x.bmp']);
  });

  it('fails clearly without json/ or with a broken project.json', async () => {
    await expect(openSynapseFolder(join(root, 'missing'))).rejects.toMatchObject({
      code: 'SYNX_INVALID_INPUT',
      message: expect.stringContaining('has no json/ directory') as string,
    });
    const dir = join(root, 'c');
    mkdirSync(join(dir, 'json'), { recursive: true });
    writeFileSync(join(dir, 'project.json'), '[]');
    await expect(openSynapseFolder(dir)).rejects.toMatchObject({ code: 'SYNX_INVALID_INPUT' });
  });

  it('refuses unsafe names when writing', async () => {
    const w = new SynapseFolderWriter(join(root, 'd'));
    await expect(w.write({ stem: '../evil', data: {} })).rejects.toMatchObject({
      code: 'SYNX_INVALID_INPUT',
    });
    await expect(
      w.write({ stem: 'ok', data: {}, media: { name: 'a/b.jpg', bytes: Buffer.from('') } }),
    ).rejects.toMatchObject({
      code: 'SYNX_INVALID_INPUT',
    });
  });
});

describe('spreadEntries', () => {
  const list = Array.from({ length: 10 }, (_, i) => `s${String(i)}`);
  it('takes every k-th entry from the first, at most limit', () => {
    expect(spreadEntries(list, 5)).toEqual(['s0', 's2', 's4', 's6', 's8']);
    expect(spreadEntries(list, 4)).toEqual(['s0', 's3', 's6', 's9']);
    expect(spreadEntries(list, 3)).toEqual(['s0', 's4', 's8']);
    expect(spreadEntries(list, 1)).toEqual(['s0']);
  });
  it('takes all of a list no longer than the limit, and is deterministic', () => {
    expect(spreadEntries(list, 10)).toEqual(list);
    expect(spreadEntries(list, 2000)).toEqual(list);
    const big = Array.from({ length: 100_000 }, (_, i) => i);
    const a = spreadEntries(big, 2000);
    expect(a).toHaveLength(2000);
    expect(a.slice(0, 3)).toEqual([0, 50, 100]);
    expect(spreadEntries(big, 2000)).toEqual(a);
  });
});

describe('names', () => {
  it('splits stems and recognises media', () => {
    expect(splitStem('a.b.jpg')).toEqual({ stem: 'a.b', ext: '.jpg' });
    expect(splitStem('.hidden')).toEqual({ stem: '.hidden', ext: '' });
    expect(isMediaFileName('x.JPG')).toBe(true);
    expect(isMediaFileName('x.json')).toBe(false);
    expect(mediaSpecForFile('v.mp4')).toBe('video_1');
    expect(mediaSpecForFile('p.jpeg')).toBe('image_1');
  });
});

describe('safeFileName', () => {
  it('keeps ordinary and non-ASCII names byte-exact', () => {
    expect(safeFileName('IMG_0001.jpg')).toBe('IMG_0001.jpg');
    expect(safeFileName('画像_ü café.png')).toBe('画像_ü café.png');
  });

  it('neutralises separators, dot-dot, absolute paths and control characters', () => {
    expect(safeFileName('../../etc/passwd')).toBe('___.._etc_passwd');
    expect(safeFileName('a/b\\c.jpg')).toBe('a_b_c.jpg');
    expect(safeFileName('/abs/x.jpg')).toBe('_abs_x.jpg');
    expect(safeFileName('..')).toBe('unnamed');
    expect(safeFileName('')).toBe('unnamed');
    expect(safeFileName('bad\u0000\u001bname.jpg')).toBe('bad__name.jpg');
    for (const evil of ['../../etc/passwd', 'a/b\\c.jpg', '/x', '..', '.', 'C:\\win\\x.jpg']) {
      const safe = safeFileName(evil);
      expect(safe).not.toMatch(/[/\\]/);
      expect(safe.startsWith('.')).toBe(false);
    }
  });

  it('shortens very long names keeping the extension', () => {
    const long = `${'é'.repeat(300)}.jpeg`;
    const safe = safeFileName(long);
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(240);
    expect(safe.endsWith('.jpeg')).toBe(true);
  });
});
