import { closeSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SynxError } from '@synx/model';
import { partialPathOf, writeError } from './atomic.js';

/**
 * A buffered text file writer for format plugins. Text is encoded into one reused buffer and
 * written with a synchronous call each time the buffer fills: no allocation per record or per
 * flush and no promise per record, so writing millions of small records stays fast and memory
 * stays flat (a write queue of fresh buffers is what makes a stream-based writer's memory grow).
 * A full buffer is one write to the page cache, well under a millisecond.
 *
 * The text goes to `<path>.partial` (same folder); {@link close} renames it onto `path`. So a
 * file under its final name is always complete: a killed run leaves only the `.partial`, which
 * the rerun of the same command overwrites and renames.
 */
export class TextFileWriter {
  /** The final name, which the file gets on {@link close}. */
  readonly path: string;
  /** Where the text is written until {@link close}: `<path>.partial`. */
  readonly partialPath: string;
  #fd: number | undefined;
  #buffer: Buffer;
  #used = 0;
  #bytes = 0;
  /** The partial file was renamed or removed: nothing is left to clean up. */
  #settled = false;

  private constructor(path: string, fd: number, bufferBytes: number) {
    this.path = path;
    this.partialPath = partialPathOf(path);
    this.#fd = fd;
    this.#buffer = Buffer.allocUnsafe(bufferBytes);
  }

  /**
   * Opens (creates or truncates) `<path>.partial`, creating its folder; `path` itself is not
   * touched until {@link close}.
   */
  static async open(path: string, options: { flushAt?: number } = {}): Promise<TextFileWriter> {
    let fd: number;
    try {
      await mkdir(dirname(path), { recursive: true });
      fd = openSync(partialPathOf(path), 'w');
    } catch (err) {
      throw writeError(path, err);
    }
    return new TextFileWriter(path, fd, Math.max(options.flushAt ?? 256 * 1024, 4096));
  }

  /** The same as {@link open}, synchronously, for a folder that exists. */
  static openSync(path: string, options: { flushAt?: number } = {}): TextFileWriter {
    let fd: number;
    try {
      fd = openSync(partialPathOf(path), 'w');
    } catch (err) {
      throw writeError(path, err);
    }
    return new TextFileWriter(path, fd, Math.max(options.flushAt ?? 256 * 1024, 4096));
  }

  /** Bytes handed to the file so far (UTF-8), buffered ones included. */
  get bytes(): number {
    return this.#bytes + this.#used;
  }

  /**
   * Appends text to the buffer, writing the buffer out first when the text might not fit. The
   * synchronous form of {@link write}, for hot loops.
   */
  append(text: string): void {
    const room = this.#buffer.length - this.#used;
    // A UTF-16 code unit is at most 3 UTF-8 bytes.
    if (text.length * 3 > room) {
      if (text.length <= room) {
        const n = Buffer.byteLength(text, 'utf8');
        if (n <= room) {
          this.#used += this.#buffer.write(text, this.#used, 'utf8');
          return;
        }
      }
      this.flushSync();
      if (text.length * 3 > this.#buffer.length) {
        this.#writeAll(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.#used += this.#buffer.write(text, this.#used, 'utf8');
  }

  /** Appends text (see {@link append}); resolves at once. */
  // eslint-disable-next-line @typescript-eslint/require-await -- async so a failure rejects
  async write(text: string): Promise<void> {
    this.append(text);
  }

  /**
   * Appends the bytes of a file (a spool written earlier, say), copied through this writer's own
   * buffer: stitching a large spool allocates nothing.
   */
  appendFile(path: string): void {
    this.flushSync();
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      throw new SynxError('SYNX_IO', `cannot read ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    try {
      for (;;) {
        let n: number;
        try {
          n = readSync(fd, this.#buffer, 0, this.#buffer.length, null);
        } catch (err) {
          throw new SynxError('SYNX_IO', `cannot read ${path}: ${(err as Error).message}`, {
            cause: err,
          });
        }
        if (n === 0) {
          break;
        }
        this.#writeAll(this.#buffer.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Writes out the buffer. */
  flushSync(): void {
    if (this.#used > 0) {
      this.#writeAll(this.#buffer.subarray(0, this.#used));
      this.#used = 0;
    }
  }

  /** Writes out the buffer (see {@link flushSync}). */
  // eslint-disable-next-line @typescript-eslint/require-await -- async so a failure rejects
  async flush(): Promise<void> {
    this.flushSync();
  }

  #writeAll(chunk: Buffer): void {
    const fd = this.#fd;
    if (fd === undefined) {
      throw new SynxError('SYNX_IO', `cannot write ${this.path}: the file is closed`);
    }
    let done = 0;
    try {
      while (done < chunk.length) {
        done += writeSync(fd, chunk, done, chunk.length - done);
      }
    } catch (err) {
      throw new SynxError('SYNX_IO', `cannot write ${this.path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.#bytes += chunk.length;
  }

  /** Flushes, closes the file and renames it onto its final name ({@link closeSync}). */
  // eslint-disable-next-line @typescript-eslint/require-await -- async so a failure rejects
  async close(): Promise<void> {
    this.closeSync();
  }

  /**
   * Flushes, closes and renames `<path>.partial` onto `path`. On failure the partial file is
   * removed and a `SYNX_IO` error thrown. Closing a closed writer does nothing.
   */
  closeSync(): void {
    const fd = this.#fd;
    if (fd === undefined) {
      return;
    }
    try {
      this.flushSync();
    } catch (err) {
      this.destroy();
      throw writeError(this.path, err);
    }
    this.#fd = undefined;
    try {
      closeSync(fd);
      renameSync(this.partialPath, this.path);
      this.#settled = true;
    } catch (err) {
      this.destroy(); // the descriptor is closed already: this removes the partial file
      throw writeError(this.path, err);
    }
  }

  /**
   * Closes without flushing (after a failure) and removes the partial file, best effort: the
   * final name is never created.
   */
  destroy(): void {
    const fd = this.#fd;
    this.#fd = undefined;
    this.#used = 0;
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the first error is the one reported
      }
    }
    if (this.#settled) {
      return;
    }
    this.#settled = true;
    try {
      unlinkSync(this.partialPath);
    } catch {
      // best effort (it may be gone already)
    }
  }
}
