import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SynxError } from '@synx/model';

/**
 * A buffered text file writer for format plugins: collects strings and writes them in large
 * chunks, waiting for the disk when its buffer is full (back-pressure), so writing millions of
 * small records stays fast and memory stays flat.
 */
export class TextFileWriter {
  readonly path: string;
  #stream: WriteStream | undefined;
  #parts: string[] = [];
  #size = 0;
  #bytes = 0;
  readonly #flushAt: number;

  private constructor(path: string, flushAt: number) {
    this.path = path;
    this.#flushAt = flushAt;
  }

  /** Opens (creates or truncates) `path`, creating its folder. */
  static async open(path: string, options: { flushAt?: number } = {}): Promise<TextFileWriter> {
    await mkdir(dirname(path), { recursive: true });
    const w = new TextFileWriter(path, options.flushAt ?? 256 * 1024);
    // A write queue deep enough that compute goes on while the disk catches up (≤ 1 MB queued).
    w.#stream = createWriteStream(path, { highWaterMark: 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      w.#stream?.once('open', () => {
        resolve();
      });
      w.#stream?.once('error', (err) => {
        reject(new SynxError('SYNX_IO', `cannot write ${path}: ${err.message}`, { cause: err }));
      });
    });
    return w;
  }

  /** Bytes handed to the file so far (UTF-8). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends text; resolves once it is buffered (after a flush when the buffer was full). */
  async write(text: string): Promise<void> {
    this.#parts.push(text);
    this.#size += text.length;
    if (this.#size >= this.#flushAt) {
      await this.flush();
    }
  }

  /** Writes out the buffer, waiting for the disk if needed. */
  async flush(): Promise<void> {
    const stream = this.#stream;
    if (stream === undefined || this.#parts.length === 0) {
      return;
    }
    const chunk = Buffer.from(this.#parts.join(''), 'utf8');
    this.#parts = [];
    this.#size = 0;
    this.#bytes += chunk.length;
    if (!stream.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error): void => {
          reject(
            new SynxError('SYNX_IO', `cannot write ${this.path}: ${err.message}`, { cause: err }),
          );
        };
        stream.once('error', onError);
        stream.once('drain', () => {
          stream.off('error', onError);
          resolve();
        });
      });
    }
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream === undefined) {
      return;
    }
    await new Promise<void>((resolve, reject) => {
      stream.once('error', (err) => {
        reject(
          new SynxError('SYNX_IO', `cannot write ${this.path}: ${err.message}`, { cause: err }),
        );
      });
      stream.end(() => {
        resolve();
      });
    });
  }

  /** Closes without flushing (after a failure). */
  destroy(): void {
    this.#stream?.destroy();
    this.#stream = undefined;
    this.#parts = [];
  }
}
