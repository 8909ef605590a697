import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('destroy closes without writing what is buffered', async () => {
    const path = join(dir, 'a.txt');
    const w = await TextFileWriter.open(path);
    w.append('kept?');
    w.destroy();
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});
