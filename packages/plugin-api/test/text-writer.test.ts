import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SynxError } from '@synx/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TextFileWriter } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'synx-tw-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A deterministic mix of ASCII, 2-, 3- and 4-byte UTF-8 characters. */
function mixed(n: number, seed: number): string {
  const alphabet = ['a', 'Z', '"', 'é', 'ü', '猫', '€', '😀', '\n', ','];
  let s = '';
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += alphabet[x % alphabet.length] ?? '';
  }
  return s;
}

describe('TextFileWriter (reused buffer, synchronous writes)', () => {
  it('writes records of every size across buffer boundaries, byte for byte', async () => {
    const path = join(dir, 'out.txt');
    const w = await TextFileWriter.open(path, { flushAt: 4096 });
    const parts: string[] = [];
    // Small records that straddle the buffer end, records of exactly the room left, and records
    // larger than the whole buffer (written around it).
    for (let i = 0; i < 400; i++) {
      const size = i % 50 === 0 ? 9000 + i : i % 7 === 0 ? 1365 : (i * 37) % 300;
      const text = mixed(size, i);
      parts.push(text);
      if (i % 3 === 0) {
        w.append(text);
      } else {
        await w.write(text);
      }
    }
    await w.close();
    const expected = parts.join('');
    expect(readFileSync(path, 'utf8')).toBe(expected);
    expect(w.bytes).toBe(Buffer.byteLength(expected, 'utf8'));
  });

  it('stitches a spool file in, in order, without changing its bytes', async () => {
    const spool = join(dir, 'spool.bin');
    const spoolText = mixed(300_000, 7);
    writeFileSync(spool, spoolText);
    const path = join(dir, 'out.txt');
    const w = await TextFileWriter.open(path, { flushAt: 4096 });
    w.append('[head]');
    w.appendFile(spool);
    w.append('[tail]');
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe(`[head]${spoolText}[tail]`);
    expect(w.bytes).toBe(Buffer.byteLength(`[head]${spoolText}[tail]`));
  });

  it('names the file when it cannot be opened or written', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    // A path below a regular file cannot be created.
    await expect(TextFileWriter.open(join(dir, 'file', 'sub', 'a.txt'))).rejects.toThrow(/file/);
    const w = await TextFileWriter.open(join(dir, 'a.txt'));
    await w.close();
    expect(() => {
      w.append('x'.repeat(1_000_000));
    }).toThrow(/cannot write .*a\.txt: the file is closed/);
    expect(() => {
      w.appendFile(join(dir, 'missing.spool'));
    }).toThrow(/cannot read .*missing\.spool/);
  });

  it('destroy closes without writing what is buffered and leaves no file', async () => {
    const path = join(dir, 'a.txt');
    const w = await TextFileWriter.open(path);
    w.append('kept?');
    w.flushSync();
    w.append('not kept');
    w.destroy();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(false);
    await w.close(); // closing a destroyed writer does nothing
    expect(existsSync(path)).toBe(false);
  });
});

describe('TextFileWriter (atomic: the final name only ever holds a complete file)', () => {
  it('writes to <path>.partial and renames it onto the path on close', async () => {
    const path = join(dir, 'sub', 'out.txt');
    const w = await TextFileWriter.open(path, { flushAt: 4096 });
    expect(w.partialPath).toBe(`${path}.partial`);
    w.append('x'.repeat(10_000));
    w.flushSync();
    expect(existsSync(path)).toBe(false);
    expect(statSync(w.partialPath).size).toBe(10_000);
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe('x'.repeat(10_000));
    expect(existsSync(w.partialPath)).toBe(false);
    w.destroy(); // after a successful close: nothing to remove
    expect(existsSync(path)).toBe(true);
  });

  it('leaves a previous file untouched until the new one is complete', async () => {
    const path = join(dir, 'out.txt');
    writeFileSync(path, 'old');
    const w = await TextFileWriter.open(path);
    w.append('new');
    w.flushSync();
    expect(readFileSync(path, 'utf8')).toBe('old');
    w.destroy();
    expect(readFileSync(path, 'utf8')).toBe('old');
    const again = await TextFileWriter.open(path);
    again.append('new');
    await again.close();
    expect(readFileSync(path, 'utf8')).toBe('new');
  });

  it('a leftover .partial from a killed run is overwritten, not appended to', async () => {
    const path = join(dir, 'out.txt');
    writeFileSync(`${path}.partial`, 'half a file from before');
    const w = await TextFileWriter.open(path);
    w.append('whole');
    await w.close();
    expect(readFileSync(path, 'utf8')).toBe('whole');
  });

  it.runIf(existsSync('/dev/full'))(
    'a failing write rejects with SYNX_IO (errno on the cause) and leaves no file',
    async () => {
      const path = join(dir, 'full.txt');
      // The partial name points at /dev/full: every write fails with ENOSPC.
      symlinkSync('/dev/full', `${path}.partial`);
      const w = await TextFileWriter.open(path, { flushAt: 4096 });
      const err = (() => {
        try {
          w.append('x'.repeat(100_000));
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(SynxError);
      expect((err as SynxError).code).toBe('SYNX_IO');
      expect((err as SynxError).message).toMatch(/cannot write .*full\.txt: ENOSPC/);
      expect(((err as Error).cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
      w.destroy();
      expect(existsSync(path)).toBe(false);
      expect(existsSync(`${path}.partial`)).toBe(false);

      symlinkSync('/dev/full', `${path}.partial`);
      const w2 = await TextFileWriter.open(path);
      await w2.write('small, buffered');
      await expect(w2.close()).rejects.toMatchObject({
        code: 'SYNX_IO',
        cause: { code: 'ENOSPC' },
      });
      expect(existsSync(path)).toBe(false);
      expect(existsSync(`${path}.partial`)).toBe(false);
    },
  );
});

describe('TextFileWriter (bytes)', () => {
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
