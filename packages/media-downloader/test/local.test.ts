import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadAll, type LocalJob, type MediaJob } from '../src/index.js';
import { bytesOf, eventLog, sha1, tempDir } from './helpers.js';

function shmUsable(): boolean {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return statSync('/dev/shm').dev !== statSync(tmpdir()).dev;
  } catch {
    return false;
  }
}

describe('local sources', () => {
  it('copies, hard-links and symlinks, then skips what is already in place', async () => {
    const src = tempDir('md-local-src');
    const root = tempDir('md-local-out');
    const files = ['a.jpg', 'b.jpg', 'c.jpg'].map((name, i) => {
      const path = join(src, name);
      writeFileSync(path, bytesOf(10_000 + i, i + 1));
      return path;
    });
    const jobs: LocalJob[] = [
      { id: 'copy', source: files[0]!, dest: join(root, 'copy', 'a.jpg'), mode: 'copy' },
      {
        id: 'hard',
        source: files[1]!,
        dest: join(root, 'hard', 'b.jpg'),
        mode: 'hardlink',
        size: 10_001,
      },
      { id: 'sym', source: files[2]!, dest: join(root, 'sym', 'c.jpg'), mode: 'symlink' },
    ];
    const log = eventLog();
    const first = await downloadAll(jobs, { root, onEvent: log.onEvent });
    expect(first).toMatchObject({ files: 3, copied: 1, linked: 2, skipped: 0, failed: [] });
    expect(first.bytes).toBe(10_000); // only the copy wrote bytes
    expect(readFileSync(join(root, 'copy', 'a.jpg')).equals(readFileSync(files[0]!))).toBe(true);
    expect(statSync(join(root, 'copy', 'a.jpg')).ino).not.toBe(statSync(files[0]!).ino);
    expect(statSync(join(root, 'hard', 'b.jpg')).ino).toBe(statSync(files[1]!).ino);
    expect(lstatSync(join(root, 'sym', 'c.jpg')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(root, 'sym', 'c.jpg'))).toBe(files[2]);
    expect(
      log
        .of('done')
        .map((e) => `${e.id}:${e.how}`)
        .sort(),
    ).toEqual(['copy:copied', 'hard:hardlinked', 'sym:symlinked']);

    expect(
      log
        .of('start')
        .map((e) => e.source)
        .sort(),
    ).toEqual(files);

    const again = eventLog();
    const second = await downloadAll(jobs, { root, onEvent: again.onEvent });
    expect(second).toMatchObject({ files: 3, skipped: 3, copied: 0, linked: 0, bytes: 0 });
    expect(again.of('start')).toEqual([]);
    expect(
      again
        .of('skip')
        .map((e) => `${e.id}:${e.verified}`)
        .sort(),
    ).toEqual(['copy:size', 'hard:link', 'sym:link']);

    // A copy that no longer matches its source is replaced; a symlink to elsewhere too.
    writeFileSync(join(root, 'copy', 'a.jpg'), 'stale');
    rmSync(join(root, 'sym', 'c.jpg'));
    writeFileSync(join(root, 'sym', 'c.jpg'), bytesOf(10_002, 3));
    const third = await downloadAll(jobs, { root });
    expect(third).toMatchObject({ skipped: 1, copied: 1, linked: 1 });
    expect(readFileSync(join(root, 'copy', 'a.jpg')).equals(readFileSync(files[0]!))).toBe(true);
    expect(lstatSync(join(root, 'sym', 'c.jpg')).isSymbolicLink()).toBe(true);
  });

  it('verifies checksums of local sources and reports a missing source', async () => {
    const src = tempDir('md-local-sum');
    const root = tempDir('md-local-sum-out');
    const body = bytesOf(5000, 9);
    writeFileSync(join(src, 'x'), body);
    const report = await downloadAll(
      [
        { id: 'ok', source: join(src, 'x'), dest: 'ok', mode: 'copy', checksum: sha1(body) },
        {
          id: 'bad',
          source: join(src, 'x'),
          dest: 'bad',
          mode: 'hardlink',
          checksum: 'sha1:' + '0'.repeat(40),
        },
        { id: 'gone', source: join(src, 'missing'), dest: 'gone', mode: 'copy' },
        { id: 'size', source: join(src, 'x'), dest: 'size', mode: 'copy', size: 1 },
      ],
      { root },
    );
    expect(report.copied).toBe(1);
    expect(report.failed.map((f) => `${f.id}:${f.code}`).sort()).toEqual([
      'bad:checksum-mismatch',
      'gone:source-missing',
      'size:size-mismatch',
    ]);
    expect(statSync(join(root, 'ok')).size).toBe(5000);
    expect(() => statSync(join(root, 'bad'))).toThrow();
    expect(() => statSync(join(root, 'bad.partial'))).toThrow();
  });

  it.skipIf(!shmUsable())(
    'copies instead of hard-linking across devices, and says so',
    async () => {
      const src = mkdtempSync('/dev/shm/synx-md-');
      try {
        writeFileSync(join(src, 'far.jpg'), bytesOf(4096, 4));
        const root = tempDir('md-exdev');
        const log = eventLog();
        const report = await downloadAll(
          [{ id: 'far', source: join(src, 'far.jpg'), dest: 'far.jpg', mode: 'hardlink' }],
          { root, onEvent: log.onEvent },
        );
        expect(report).toMatchObject({ copied: 1, linked: 0, linkFallbacks: 1, failed: [] });
        expect(log.of('done')).toMatchObject([{ id: 'far', how: 'copied' }]);
        expect(log.of('done')[0]!.note).toContain('EXDEV');
        expect(readFileSync(join(root, 'far.jpg')).equals(bytesOf(4096, 4))).toBe(true);
        // Rerun: the fallback copy counts as present.
        const again = await downloadAll(
          [{ id: 'far', source: join(src, 'far.jpg'), dest: 'far.jpg', mode: 'hardlink' }],
          { root },
        );
        expect(again.skipped).toBe(1);
      } finally {
        rmSync(src, { recursive: true, force: true });
      }
    },
  );
});

describe('data: URIs', () => {
  it('decodes base64 and percent-encoded data, verifies it, and skips it when present', async () => {
    const root = tempDir('md-data');
    const png = bytesOf(3000, 5);
    const jobs: MediaJob[] = [
      {
        id: 'b64',
        url: `data:image/png;base64,${png.toString('base64')}`,
        dest: 'b64.png',
        checksum: sha1(png),
        size: png.length,
      },
      { id: 'text', url: 'data:,Hello%2C%20World%21', dest: 'hello.txt' },
      { id: 'bad', url: 'data:image/png;base64,@@@', dest: 'bad.png' },
      {
        id: 'wrong',
        url: `data:image/png;base64,${png.toString('base64')}`,
        dest: 'wrong.png',
        checksum: 'f'.repeat(32),
      },
    ];
    const log = eventLog();
    const report = await downloadAll(jobs, { root, onEvent: log.onEvent });
    expect(readFileSync(join(root, 'b64.png')).equals(png)).toBe(true);
    expect(readFileSync(join(root, 'hello.txt'), 'utf8')).toBe('Hello, World!');
    expect(report).toMatchObject({ downloaded: 2, bytes: png.length + 13 });
    expect(report.failed.map((f) => `${f.id}:${f.code}`).sort()).toEqual([
      'bad:bad-data-uri',
      'wrong:checksum-mismatch',
    ]);
    expect(log.of('start').find((e) => e.id === 'b64')!.source).toBe('data:image/png;base64,…');
    expect(JSON.stringify(log.events)).not.toContain(png.toString('base64').slice(0, 40));

    const again = await downloadAll(jobs.slice(0, 2), { root });
    expect(again).toMatchObject({ skipped: 2, downloaded: 0, bytes: 0 });
  });
});

describe('finish and finished steps', () => {
  it('finishes every placed file before it counts as done; a rerun skips the finished ones; a failing finish fails the job', async () => {
    const src = tempDir('md-finish-src');
    const root = tempDir('md-finish-out');
    const files = ['a.png', 'b.png', 'c.png'].map((name, i) => {
      const path = join(src, name);
      writeFileSync(path, bytesOf(1_000 + i, i + 7));
      return path;
    });
    const MARK = 'finished:';
    const finished: string[] = [];
    const jobs = (fail: boolean): LocalJob[] =>
      files.map((source, i) => ({
        id: `j${String(i)}`,
        source,
        dest: join(root, `${String(i)}.jpg`),
        mode: 'hardlink' as const,
        finish: (dest: string) => {
          if (fail && i === 2) {
            return Promise.reject(new Error('cannot decode c.png'));
          }
          finished.push(dest);
          // rewrite by rename, as @synx/media-transform does: the link is replaced
          writeFileSync(`${dest}.tmp`, `${MARK}${String(i)}`);
          renameSync(`${dest}.tmp`, dest);
          return Promise.resolve();
        },
        finished: (dest: string) =>
          Promise.resolve(existsSync(dest) && readFileSync(dest, 'utf8').startsWith(MARK)),
      }));
    const log = eventLog();
    const first = await downloadAll(jobs(true), { root, onEvent: log.onEvent });
    expect(first.failed.map((f) => [f.id, f.code, f.reason])).toEqual([
      ['j2', 'finish-failed', 'cannot decode c.png'],
    ]);
    expect(existsSync(join(root, '2.jpg'))).toBe(false); // removed, so a rerun places it again
    expect(readFileSync(join(root, '0.jpg'), 'utf8')).toBe(`${MARK}0`);
    // the originals behind the hard links are untouched
    expect(readFileSync(files[0]!).equals(bytesOf(1_000, 7))).toBe(true);
    const done = log
      .of('done')
      .map((e) => e.id)
      .sort();
    expect(done).toEqual(['j0', 'j1']);
    finished.length = 0;
    const rerun = await downloadAll(jobs(false), { root, onEvent: log.onEvent });
    expect(rerun).toMatchObject({ files: 3, skipped: 2, failed: [] });
    expect(finished).toEqual([join(root, '2.jpg')]);
    expect(
      log
        .of('skip')
        .map((e) => `${e.id}:${e.verified}`)
        .sort(),
    ).toEqual(['j0:finished', 'j1:finished']);
  });
});
