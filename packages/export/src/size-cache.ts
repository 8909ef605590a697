import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TextFileWriter } from '@synx/plugin-api';
import type { Media } from '@synx/model';

/** The image sizes an export read over HTTP, kept in its output folder for the next run. */
export const SIZE_CACHE_FILE = 'synx-image-sizes.jsonl';

/** One cached size: width and height as displayed, EXIF orientation and channels when known. */
interface CachedSize {
  readonly w: number;
  readonly h: number;
  readonly o?: number;
  readonly d?: number;
}

/**
 * The identity of a remote file: its URL without the query (a signature changes on every
 * listing), plus its checksum or size. `undefined` when there is no URL, or neither checksum nor
 * size to tell a re-uploaded file under the same path from the old one.
 */
export function sizeKey(media: Media): string | undefined {
  const file = media.file;
  if (file?.url === undefined || (file.checksum === undefined && file.size === undefined)) {
    return undefined;
  }
  let base: string;
  try {
    const u = new URL(file.url);
    base = `${u.origin}${u.pathname}`;
  } catch {
    return undefined;
  }
  return `${base}|${file.checksum ?? ''}|${file.size === undefined ? '' : String(file.size)}`;
}

function isSide(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/**
 * Sizes of remote images from an earlier run into the same folder, so that a rerun asks the
 * server for no image header it has read before. Written in item order (so the same run gives
 * the same file), and entries of files this run did not meet are kept, so a filtered run loses
 * nothing. A line that does not parse is ignored (the size is then read again).
 */
export class SizeCache {
  readonly #dir: string;
  readonly #old: Map<string, CachedSize>;
  readonly #written = new Set<string>();
  #writer: TextFileWriter | undefined;
  /** Sizes this run took from the cache instead of a header read. */
  hits = 0;

  private constructor(dir: string, old: Map<string, CachedSize>) {
    this.#dir = dir;
    this.#old = old;
  }

  /** Loads the folder's cache (none when the file is missing or unreadable). */
  static async load(dir: string): Promise<SizeCache> {
    const old = new Map<string, CachedSize>();
    try {
      const lines = createInterface({
        input: createReadStream(join(dir, SIZE_CACHE_FILE), { encoding: 'utf8' }),
        crlfDelay: Infinity,
      });
      for await (const line of lines) {
        try {
          const v = JSON.parse(line) as { k?: unknown } & Partial<CachedSize>;
          if (typeof v.k === 'string' && isSide(v.w) && isSide(v.h)) {
            old.set(v.k, {
              w: v.w,
              h: v.h,
              ...(isSide(v.o) && v.o <= 8 ? { o: v.o } : {}),
              ...(isSide(v.d) ? { d: v.d } : {}),
            });
          }
        } catch {
          // a torn last line (a killed run) or a hand edit: that size is read again
        }
      }
    } catch {
      // no cache yet
    }
    return new SizeCache(dir, old);
  }

  /** Sizes `m` from the cache when it has its file; true when it did. */
  apply(m: Media): boolean {
    if (m.kind !== 'image' || m.width !== undefined) {
      return false;
    }
    const key = sizeKey(m);
    const hit = key === undefined ? undefined : this.#old.get(key);
    if (hit === undefined) {
      return false;
    }
    m.width = hit.w;
    m.height = hit.h;
    m.sizeSource = 'header';
    if (hit.o !== undefined) {
      m.orientation = hit.o;
    }
    if (hit.d !== undefined) {
      m.depth = hit.d;
    }
    this.hits++;
    return true;
  }

  /** Records the size of a remote image read from its header (or a cached one), in item order. */
  record(m: Media): void {
    if (m.kind !== 'image' || m.sizeSource !== 'header' || !isSide(m.width) || !isSide(m.height)) {
      return;
    }
    const key = sizeKey(m);
    if (key === undefined || this.#written.has(key)) {
      return;
    }
    this.#written.add(key);
    const entry: Record<string, unknown> = { k: key, w: m.width, h: m.height };
    if (m.orientation !== undefined) {
      entry['o'] = m.orientation;
    }
    if (m.depth !== undefined) {
      entry['d'] = m.depth;
    }
    this.#writer ??= TextFileWriter.openSync(join(this.#dir, SIZE_CACHE_FILE));
    this.#writer.append(`${JSON.stringify(entry)}\n`);
  }

  /** Writes the cache under its name (this run's entries, then the earlier ones not met). */
  async close(): Promise<void> {
    if (this.#writer === undefined) {
      return;
    }
    for (const [k, v] of this.#old) {
      if (!this.#written.has(k)) {
        this.#writer.append(`${JSON.stringify({ k, ...v })}\n`);
      }
    }
    await this.#writer.close();
    this.#writer = undefined;
  }
}
