import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { SynxError, isSynxError, throwIfAborted } from '@synx/model';
import type { Need } from './internal/core.js';
import { parseCore } from './internal/sniff.js';
import { SparseBytes } from './internal/sparse.js';
import { parseImageHeader } from './parse.js';
import type { ByteRangeReader, ImageFormat, ImageHeader } from './types.js';

/** Options of {@link readImageHeader}. */
export interface ReadImageHeaderOptions {
  /** Names the data in error messages (a path, a URL, an item id). Default "input". */
  what?: string;
  /** Most bytes read in total before giving up. Default 8 MiB. */
  maxBytes?: number;
  /** Cancels between reads with `SYNX_ABORTED`. */
  signal?: AbortSignal;
  /** Size of the first read. Default 64 KiB; smaller suits HTTP range requests. */
  firstReadBytes?: number;
}

/** Options of {@link readImageHeaderFromFile}. */
export interface ReadImageHeaderFromFileOptions {
  /** Cancels between reads with `SYNX_ABORTED`. */
  signal?: AbortSignal;
  /** Most bytes read in total before giving up. Default 8 MiB. */
  maxBytes?: number;
}

/** The size of the first read. */
const FIRST_READ = 64 * 1024;
/** The size of a read that jumps ahead (to the segment after a large metadata block, say). */
const JUMP_READ = 4 * 1024;
/** Reads that continue where the previous one ended double up to this size. */
const MAX_SEQUENTIAL_READ = 1024 * 1024;
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

const FORMAT_NAMES: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  bmp: 'BMP',
  webp: 'WebP',
  tiff: 'TIFF',
};
const RECOGNISED = 'JPEG, PNG, GIF, BMP, WebP or TIFF';

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function hexPrefix(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Reads an image header incrementally through `read(offset, length)`, which returns up to `length`
 * bytes at `offset` (fewer at the end of the data). The first read is 64 KiB; further reads fetch
 * only the ranges the parser asks for, so large metadata blocks (a JPEG's EXIF thumbnail or ICC
 * profile) are skipped by their lengths rather than read, and pixel data is never read.
 *
 * `width`/`height` are the size a browser displays: EXIF orientation applied.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` (message naming `options.what`) when the data is not a
 * recognised image, its header is malformed, it ends before the size is known, or more than
 * `maxBytes` (default 8 MiB) would have to be read; `SYNX_ABORTED` when `signal` fires; errors
 * thrown by `read` pass through when they are SynxErrors and become `SYNX_IO` otherwise.
 *
 * @example
 * const header = await readImageHeader((offset, length) => fetchRange(url, offset, length), { what: url });
 */
export async function readImageHeader(
  read: ByteRangeReader,
  options: ReadImageHeaderOptions = {},
): Promise<ImageHeader> {
  const what = options.what ?? 'input';
  const { signal } = options;
  const reads = headerReads(what, options.maxBytes, options.firstReadBytes ?? FIRST_READ);
  for (let step = reads.next(); ;) {
    if (step.done === true) {
      return step.value;
    }
    const { offset, length } = step.value;
    throwIfAborted(signal);
    let got: Uint8Array;
    try {
      got = await read(offset, length);
    } catch (err) {
      if (isSynxError(err)) {
        throw err;
      }
      throw new SynxError('SYNX_IO', `reading ${what} failed: ${messageOf(err)}`, {
        cause: err,
        details: { what, offset, length },
      });
    }
    throwIfAborted(signal);
    step = reads.next(got);
  }
}

/** The byte budget and the first read of a header read (the first read never exceeds the budget). */
function readLimits(
  maxBytesOption: number | undefined,
  firstReadBytes: number,
): { maxBytes: number; firstRead: number; firstLength: number } {
  const maxBytes = maxBytesOption ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `maxBytes must be a positive integer, got ${maxBytes}`,
    );
  }
  const firstRead = Math.max(64, firstReadBytes);
  return { maxBytes, firstRead, firstLength: Math.min(firstRead, maxBytes) };
}

/** One read the header loop asks for. */
interface ReadRequest {
  readonly offset: number;
  readonly length: number;
}

/**
 * The read loop of every header reader, as a generator: it yields the reads it needs and is
 * given their bytes (fewer than asked at the end of the data), and returns the header or throws.
 * The async reader and the synchronous file reader drive the same loop, so they read the same
 * ranges and give the same results and messages.
 */
function* headerReads(
  what: string,
  maxBytesOption: number | undefined,
  firstReadBytes: number,
): Generator<ReadRequest, ImageHeader, Uint8Array> {
  const { maxBytes, firstRead, firstLength } = readLimits(maxBytesOption, firstReadBytes);
  const cache = new SparseBytes();
  let budget = maxBytes;
  let last = { start: 0, end: 0, length: firstRead / 2 };

  function* fetch(offset: number, length: number): Generator<ReadRequest, void, Uint8Array> {
    let got = yield { offset, length };
    if (got.length > length) {
      got = got.subarray(0, length);
    }
    budget -= length;
    cache.add(offset, got);
    if (got.length < length) {
      cache.endsBy(offset + got.length);
    }
    last = { start: offset, end: offset + got.length, length };
  }

  yield* fetch(0, firstLength);
  for (;;) {
    const r = parseCore(cache);
    switch (r.kind) {
      case 'ok':
        return r.header;
      case 'unknown':
        throw new SynxError(
          'SYNX_INVALID_INPUT',
          `${what} is not a recognised image (expected ${RECOGNISED})`,
          {
            hint: 'check that the file is an image of a supported format',
            details: { what, firstBytes: hexPrefix(cache.peek(0, 8)) },
          },
        );
      case 'invalid':
        throw new SynxError(
          'SYNX_INVALID_INPUT',
          `${what} is not a valid ${FORMAT_NAMES[r.format]} image: ${r.reason}`,
          {
            details: { what, format: r.format },
          },
        );
      case 'need':
        break;
    }
    const end = r.offset + r.length;
    if (cache.size !== undefined && end > cache.size) {
      if (r.fallback !== undefined) {
        return r.fallback;
      }
      throw truncated(what, r, cache.size);
    }
    const start = cache.firstMissing(r.offset);
    if (start >= end) {
      throw new SynxError(
        'SYNX_INTERNAL',
        `image-header asked again for bytes ${r.offset}–${end} of ${what}`,
      );
    }
    const minimum = end - start;
    // A need that starts inside (or right at the end of) the previous read continues it (many small
    // segments): double the read size, so a walk over many segments takes few reads and re-parses.
    // A need further on jumps over a skipped block: read a little there.
    const sequential = r.offset >= last.start && r.offset <= last.end;
    const wanted = Math.max(
      minimum,
      sequential ? Math.min(last.length * 2, MAX_SEQUENTIAL_READ) : JUMP_READ,
    );
    if (budget < minimum) {
      if (r.fallback !== undefined) {
        return r.fallback;
      }
      const where = r.format === undefined ? 'image header' : `${FORMAT_NAMES[r.format]} header`;
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `${what}: no complete ${where} within ${maxBytes} bytes read (still missing ${r.what})`,
        {
          hint: 'raise maxBytes if the file has very large metadata blocks before its header',
          details: { what, maxBytes },
        },
      );
    }
    yield* fetch(start, Math.min(wanted, budget));
  }
}

function truncated(what: string, r: Need, size: number): SynxError {
  if (r.format === undefined) {
    return new SynxError(
      'SYNX_INVALID_INPUT',
      size === 0 ? `${what} is empty` : `${what} is too short to be an image (${size} bytes)`,
      {
        details: { what, size },
      },
    );
  }
  return new SynxError(
    'SYNX_INVALID_INPUT',
    `${what} is a truncated ${FORMAT_NAMES[r.format]} image: it ends at byte ${size}, before ${r.what}`,
    {
      hint: 'the file may have been cut short while downloading or copying',
      details: { what, format: r.format, size },
    },
  );
}

/** `O_NONBLOCK`: opening a FIFO never waits for a writer (it is then refused as not a file). */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

function notAFile(path: string): SynxError {
  return new SynxError(
    'SYNX_INVALID_INPUT',
    `${path} is not a regular file (a folder, FIFO, socket or device); it is not read`,
    { details: { path } },
  );
}

function ioError(path: string, action: string, err: unknown): SynxError {
  const code = (err as { code?: unknown } | null)?.code;
  return new SynxError('SYNX_IO', `cannot ${action} ${path}: ${messageOf(err)}`, {
    cause: err,
    details: { path, ...(typeof code === 'string' ? { code } : {}) },
  });
}

/**
 * Reads the header of a local image file (see {@link readImageHeader}); the file is opened read-only
 * and always closed.
 *
 * @throws SynxError `SYNX_IO` naming the path when the file cannot be opened or read;
 * `SYNX_INVALID_INPUT` naming the path when it is not a readable image header; `SYNX_ABORTED`.
 *
 * @example
 * const { width, height, orientation } = await readImageHeaderFromFile('photo.jpg');
 */
export async function readImageHeaderFromFile(
  path: string,
  options: ReadImageHeaderFromFileOptions = {},
): Promise<ImageHeader> {
  throwIfAborted(options.signal);
  let fh: FileHandle;
  try {
    fh = await open(path, READ_FLAGS);
  } catch (err) {
    throw ioError(path, 'open', err);
  }
  const handle = fh;
  try {
    if (!(await handle.stat()).isFile()) {
      throw notAFile(path);
    }
    const readOptions: ReadImageHeaderOptions = { what: path };
    if (options.signal !== undefined) {
      readOptions.signal = options.signal;
    }
    if (options.maxBytes !== undefined) {
      readOptions.maxBytes = options.maxBytes;
    }
    return await readImageHeader(async (offset, length) => {
      const buf = new Uint8Array(length);
      let filled = 0;
      try {
        while (filled < length) {
          const { bytesRead } = await handle.read(buf, filled, length - filled, offset + filled);
          if (bytesRead === 0) {
            break;
          }
          filled += bytesRead;
        }
      } catch (err) {
        throw ioError(path, 'read', err);
      }
      return buf.subarray(0, filled);
    }, readOptions);
  } finally {
    // A failed close of a read-only handle loses nothing; the result (or error) stands.
    await handle.close().catch(() => undefined);
  }
}

/** Options of {@link readImageHeaderFromFileSync}. */
export interface ReadImageHeaderFromFileSyncOptions {
  /** Size of the first read. Default 16 KiB (enough for most JPEG, PNG, GIF, BMP, WebP headers). */
  firstReadBytes?: number;
  /** Most bytes read before giving up. Default 8 MiB. */
  maxBytes?: number;
}

/** Scratch buffer for the first read (reused: a result holds numbers only). */
let scratch: Buffer | undefined;

/**
 * Synchronous variant of {@link readImageHeaderFromFile} for local files: the same read loop
 * (same ranges, results and messages), with synchronous reads. The common case is one small
 * read; no thread-pool round trips, which dominate when sizing tens of thousands of local images.
 *
 * @throws SynxError `SYNX_IO` or `SYNX_INVALID_INPUT` naming the path, as the async variant.
 */
export function readImageHeaderFromFileSync(
  path: string,
  options: ReadImageHeaderFromFileSyncOptions = {},
): ImageHeader {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (err) {
    throw ioError(path, 'open', err);
  }
  try {
    if (!fstatSync(fd).isFile()) {
      throw notAFile(path);
    }
  } catch (err) {
    closeSync(fd);
    throw err instanceof SynxError ? err : ioError(path, 'read', err);
  }
  const readAt = (buf: Buffer, offset: number, length: number): Buffer => {
    let have = 0;
    try {
      while (have < length) {
        const n = readSync(fd, buf, have, length - have, offset + have);
        if (n === 0) {
          break;
        }
        have += n;
      }
    } catch (err) {
      throw ioError(path, 'read', err);
    }
    return buf.subarray(0, have);
  };
  try {
    const firstReadBytes = options.firstReadBytes ?? 16 * 1024;
    // The loop's own first read goes to the scratch buffer. In the common case its bytes hold
    // the whole header: parsed as a prefix they give the loop's own result, without its
    // bookkeeping.
    const { firstLength } = readLimits(options.maxBytes, firstReadBytes);
    if (scratch === undefined || scratch.length < firstLength) {
      scratch = Buffer.allocUnsafe(firstLength);
    }
    const head = readAt(scratch, 0, firstLength);
    const quick = parseImageHeader(head);
    if (quick.kind === 'ok') {
      return quick.header;
    }
    // Anything else (more bytes needed, a fallback, an error message): the shared loop decides,
    // given the bytes of its first read. Later reads are kept beside the first, so each gets its
    // own buffer.
    const reads = headerReads(path, options.maxBytes, firstReadBytes);
    reads.next(); // asks for the first read, answered with `head`
    for (let step = reads.next(head); ;) {
      if (step.done === true) {
        return step.value;
      }
      const { offset, length } = step.value;
      step = reads.next(readAt(Buffer.allocUnsafe(length), offset, length));
    }
  } finally {
    try {
      closeSync(fd);
    } catch {
      // read-only: nothing to lose
    }
  }
}
