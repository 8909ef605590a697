import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { SynxError, type Issue } from '@synx/model';
import { splitStem } from './names.js';

/** One item of a raw export folder: a JSON file and, paired by stem, its media file. */
export interface FolderEntry {
  /** File stem shared by `json/<stem>.json` and `origin_files/<stem>.<ext>`. */
  readonly stem: string;
  /** Absolute path of the DM v1 JSON file. */
  readonly jsonPath: string;
  /** Absolute path of the media file, when one pairs with the stem. */
  readonly mediaPath?: string | undefined;
  /** The media file's name (as written in `origin_files/`). */
  readonly mediaName?: string;
}

/** A problem found while indexing the folder (not fatal to the export). */
export interface FolderProblem {
  readonly code:
    | 'SYNX_FOLDER_NO_MEDIA'
    | 'SYNX_FOLDER_AMBIGUOUS_MEDIA'
    | 'SYNX_FOLDER_ORPHAN_MEDIA'
    /** A file that is not read: not a regular file, or a link that leads out of the folder. */
    | 'SYNX_FILE_REFUSED';
  readonly stem: string;
  readonly message: string;
  /** `error` when data is left out because of it (a refused file); else `warning`. */
  readonly severity: 'error' | 'warning';
  /** The file's path relative to the folder, e.g. `json/x.json`. */
  readonly field?: string;
}

/** The largest item file read (a V8 string holds at most ~512 M characters). */
export const MAX_ITEM_BYTES: number = 256 * 1024 * 1024;

/** An opened Synapse raw export folder. */
export interface SynapseFolder {
  readonly root: string;
  /** The parsed `project.json` (the `GET projects/{id}/` body), when present. */
  readonly project: Record<string, unknown> | undefined;
  /** Entries sorted by stem (code-unit order), so every run sees the same order. */
  readonly entries: readonly FolderEntry[];
  /** Media files that pair with no JSON file, stems paired with two media files, and so on. */
  readonly problems: readonly FolderProblem[];
  /** Reads one entry's JSON text exactly as stored. */
  readJson(entry: FolderEntry): Promise<string>;
  /**
   * The same, synchronously: for a local folder read item by item this avoids a thread-pool
   * round trip per file, which dominates on tens of thousands of small files. A UTF-8 byte-order
   * mark is dropped; bytes that are not UTF-8 are read as U+FFFD and told to `onNote`.
   */
  readJsonSync(entry: FolderEntry, onNote?: (note: Issue) => void): string;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One buffer reused for every synchronous JSON read: no allocation (and no malloc churn) per file. */
let readBuffer = Buffer.allocUnsafe(64 * 1024);

/** `O_NONBLOCK`: opening a FIFO for reading never waits for a writer. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** What a file is when it is not a regular file, for messages. */
function kindOf(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSymbolicLink(): boolean;
}): string {
  return st.isDirectory()
    ? 'a folder'
    : st.isFIFO()
      ? 'a FIFO (named pipe)'
      : st.isSocket()
        ? 'a socket'
        : st.isCharacterDevice() || st.isBlockDevice()
          ? 'a device'
          : st.isSymbolicLink()
            ? 'a symbolic link'
            : 'not a regular file';
}

function readTextSync(path: string, onBadBytes?: () => void): string {
  const fd = openSync(path, READ_FLAGS);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new Error(`${path} is ${kindOf(st)}, not a regular file; it is not read`);
    }
    const size = st.size;
    if (size > MAX_ITEM_BYTES) {
      throw new Error(
        `${path} holds ${size} bytes, more than the ${MAX_ITEM_BYTES} bytes synx reads for one item`,
      );
    }
    if (readBuffer.length < size) {
      readBuffer = Buffer.allocUnsafe(Math.max(size, readBuffer.length * 2));
    }
    let have = 0;
    while (have < size) {
      const n = readSync(fd, readBuffer, have, size - have, have);
      if (n === 0) {
        break;
      }
      have += n;
    }
    let start = 0;
    if (have >= 3 && readBuffer[0] === 0xef && readBuffer[1] === 0xbb && readBuffer[2] === 0xbf) {
      start = 3; // a UTF-8 byte-order mark is no part of the JSON text
    } else if (
      have >= 2 &&
      ((readBuffer[0] === 0xff && readBuffer[1] === 0xfe) ||
        (readBuffer[0] === 0xfe && readBuffer[1] === 0xff))
    ) {
      throw new Error(`${path} is UTF-16 text; Synapse writes UTF-8 JSON`);
    }
    const bytes = readBuffer.subarray(start, have);
    if (onBadBytes !== undefined && !isUtf8(bytes)) {
      onBadBytes();
    }
    return bytes.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The folders an entry's paths are built from (one shared object per opened folder). */
interface Dirs {
  readonly json: string;
  readonly media: string | undefined;
}

/**
 * An entry keeps only its stem and media name; paths are built when asked for. A million-entry
 * folder then costs a few dozen MB, not hundreds (joined path strings are costly to keep).
 */
class Entry implements FolderEntry {
  readonly stem: string;
  readonly mediaName?: string;
  readonly #dirs: Dirs;

  constructor(dirs: Dirs, stem: string, mediaName: string | undefined) {
    this.#dirs = dirs;
    this.stem = stem;
    if (mediaName !== undefined) {
      this.mediaName = mediaName;
    }
  }

  get jsonPath(): string {
    return join(this.#dirs.json, `${this.stem}.json`);
  }

  get mediaPath(): string | undefined {
    return this.mediaName === undefined || this.#dirs.media === undefined
      ? undefined
      : join(this.#dirs.media, this.mediaName);
  }
}

/**
 * Opens a Synapse raw export folder: `json/<stem>.json` (DM v1 `data` per item),
 * `origin_files/<stem>.<ext>` (media, paired by stem; `original_files/` is accepted too, as the
 * SDK's converters name it) and an optional `project.json`.
 *
 * The index holds one short record per item (names only), never the JSON contents.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` when the folder has no `json/` directory or
 * `project.json` is not a JSON object.
 */
export async function openSynapseFolder(root: string): Promise<SynapseFolder> {
  const jsonDir = join(root, 'json');
  const problems: FolderProblem[] = [];
  // The real path links are checked against (a missing root fails below, at json/).
  const realRoot = await realpath(root).catch(() => resolve(root));
  let jsonNames: string[];
  try {
    const outside = await linkOutside(jsonDir, realRoot);
    if (outside !== undefined) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `${jsonDir} is a link to ${outside}, outside the folder; synx reads only files inside --from`,
        {
          hint: 'copy the JSON files into the folder, or point --from at the folder that holds them',
        },
      );
    }
    const names: string[] = [];
    const refused = await listFiles(
      jsonDir,
      realRoot,
      (n) => n.toLowerCase().endsWith('.json'),
      (n) => {
        names.push(n);
      },
    );
    jsonNames = names;
    for (const r of refused) {
      problems.push({
        code: 'SYNX_FILE_REFUSED',
        severity: 'error',
        stem: r.name.slice(0, -'.json'.length),
        field: `json/${r.name}`,
        message: `json/${r.name} is ${r.why}; it is not read, and its item is left out`,
      });
    }
  } catch (err) {
    if (err instanceof SynxError) {
      throw err;
    }
    const code = (err as NodeJS.ErrnoException).code;
    throw new SynxError(
      code === 'EACCES' || code === 'EPERM' || code === 'EIO' ? 'SYNX_IO' : 'SYNX_INVALID_INPUT',
      code === 'ENOENT'
        ? `${root} is not a Synapse export folder: it has no json/ directory`
        : code === 'ENOTDIR'
          ? `${jsonDir} is not a folder`
          : `cannot read ${jsonDir}: ${(err as Error).message}`,
      { hint: 'point --from at the folder that holds json/ and origin_files/', cause: err },
    );
  }
  jsonNames.sort(byCodeUnit);

  let mediaDir: string | undefined;
  /**
   * Media file by stem, built while listing (no second list of every name): of two files with
   * one stem the first in code-unit order is used; the others are warned about below.
   */
  const mediaByStem = new Map<string, string>();
  const ambiguous: { stem: string; name: string }[] = [];
  const addMedia = (name: string): void => {
    const { stem } = splitStem(name);
    const existing = mediaByStem.get(stem);
    if (existing === undefined) {
      mediaByStem.set(stem, name);
    } else if (byCodeUnit(name, existing) < 0) {
      mediaByStem.set(stem, name);
      ambiguous.push({ stem, name: existing });
    } else {
      ambiguous.push({ stem, name });
    }
  };
  for (const candidate of ['origin_files', 'original_files']) {
    const dir = join(root, candidate);
    try {
      if (!(await stat(dir)).isDirectory()) {
        continue;
      }
    } catch {
      continue; // not there; try the next name
    }
    const outside = await linkOutside(dir, realRoot);
    if (outside !== undefined) {
      problems.push({
        code: 'SYNX_FILE_REFUSED',
        severity: 'error',
        stem: '',
        field: `${candidate}/`,
        message: `${candidate}/ is a link to ${outside}, outside the folder; its media are not read (copy them into the folder)`,
      });
      break;
    }
    try {
      const refused = await listFiles(dir, realRoot, () => true, addMedia);
      mediaDir = dir;
      for (const r of refused) {
        problems.push({
          code: 'SYNX_FILE_REFUSED',
          severity: 'error',
          stem: splitStem(r.name).stem,
          field: `${candidate}/${r.name}`,
          message: `${candidate}/${r.name} is ${r.why}; it is not read or copied`,
        });
      }
    } catch (err) {
      problems.push({
        code: 'SYNX_FILE_REFUSED',
        severity: 'error',
        stem: '',
        field: `${candidate}/`,
        message: `cannot list ${candidate}/: ${(err as Error).message}`,
      });
    }
    break;
  }

  for (const { stem, name } of ambiguous.sort((a, b) => byCodeUnit(a.name, b.name))) {
    const used = mediaByStem.get(stem) ?? '';
    problems.push({
      code: 'SYNX_FOLDER_AMBIGUOUS_MEDIA',
      severity: 'warning',
      stem,
      field: `origin_files/${name}`,
      message: `two media files share the stem "${stem}" (${used}, ${name}); ${used} is used`,
    });
  }

  const entries: FolderEntry[] = [];
  const dirs: Dirs = { json: jsonDir, media: mediaDir };
  for (const name of jsonNames) {
    const stem = name.slice(0, -'.json'.length);
    const mediaName = mediaByStem.get(stem);
    if (mediaName !== undefined && mediaDir !== undefined) {
      // Paired: what stays in the map at the end are the media without a JSON file.
      mediaByStem.delete(stem);
      entries.push(new Entry(dirs, stem, mediaName));
    } else {
      entries.push(new Entry(dirs, stem, undefined));
      problems.push({
        code: 'SYNX_FOLDER_NO_MEDIA',
        severity: 'warning',
        stem,
        field: `json/${name}`,
        message: `json/${name} has no media file in origin_files/`,
      });
    }
  }
  const orphans = mediaDir === undefined ? [] : [...mediaByStem];
  for (const [stem, name] of orphans.sort(([, a], [, b]) => byCodeUnit(a, b))) {
    problems.push({
      code: 'SYNX_FOLDER_ORPHAN_MEDIA',
      severity: 'warning',
      stem,
      field: `origin_files/${name}`,
      message: `origin_files/${name} has no json/${stem}.json`,
    });
  }

  let project: Record<string, unknown> | undefined;
  const projectPath = join(root, 'project.json');
  try {
    const outside = await linkOutside(projectPath, realRoot);
    if (outside !== undefined) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `${projectPath} is a link to ${outside}, outside the folder; synx reads only files inside --from`,
        { hint: 'copy the project file into the folder' },
      );
    }
    // Through the same reader as the items: regular files only (a FIFO never blocks), BOM dropped.
    const text = readTextSync(projectPath);
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SynxError('SYNX_INVALID_INPUT', `${projectPath} does not hold a JSON object`);
    }
    project = value as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SynxError) {
      throw err;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      throw new SynxError(
        code === 'EACCES' || code === 'EPERM' || code === 'EIO' ? 'SYNX_IO' : 'SYNX_INVALID_INPUT',
        `cannot read ${projectPath}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  return {
    root,
    project,
    entries,
    problems,
    // eslint-disable-next-line @typescript-eslint/require-await -- async so a failure rejects
    async readJson(entry: FolderEntry): Promise<string> {
      try {
        return readTextSync(entry.jsonPath);
      } catch (err) {
        throw new SynxError('SYNX_IO', `cannot read ${entry.jsonPath}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
    readJsonSync(entry: FolderEntry, onNote?: (note: Issue) => void): string {
      try {
        return readTextSync(
          entry.jsonPath,
          onNote === undefined
            ? undefined
            : () => {
                onNote({
                  code: 'SYNX_ITEM_NOT_UTF8',
                  severity: 'error',
                  message: `json/${entry.stem}.json is not valid UTF-8: the bytes that are not were read as U+FFFD (�), so some text differs from the source`,
                  itemId: entry.stem,
                  field: `json/${entry.stem}.json`,
                  action: 'converted',
                });
              },
        );
      } catch (err) {
        throw new SynxError('SYNX_IO', `cannot read ${entry.jsonPath}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
  };
}

/** Where `path` leads when it is a symbolic link out of `realRoot`; else undefined. */
async function linkOutside(path: string, realRoot: string): Promise<string | undefined> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    return undefined;
  }
  if (!st.isSymbolicLink()) {
    return undefined;
  }
  let target: string;
  try {
    target = await realpath(path);
  } catch {
    return undefined; // a dangling link: reading it reports it
  }
  return isInside(realRoot, target) ? undefined : target;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/**
 * The regular files of a folder that `want` selects, and those refused: anything that is not a
 * regular file (FIFO, socket, device, folder) and links that lead out of `realRoot` or nowhere.
 * Links inside the folder are followed. Listing never opens a file, so nothing blocks.
 */
async function listFiles(
  dir: string,
  realRoot: string,
  want: (name: string) => boolean,
  take: (name: string) => void,
): Promise<{ name: string; why: string }[]> {
  const refused: { name: string; why: string }[] = [];
  const links: string[] = [];
  // Streamed, a batch of entries at a time: a folder of 100,000s of files is never held as one
  // array of directory entries.
  for await (const d of await opendir(dir, { bufferSize: 512 })) {
    const name = d.name;
    if (!want(name)) {
      continue;
    }
    if (d.isFile()) {
      take(name);
    } else if (d.isSymbolicLink()) {
      links.push(name);
    } else {
      refused.push({ name, why: kindOf(d) });
    }
  }
  for (const name of links) {
    let target: string;
    try {
      target = await realpath(join(dir, name));
    } catch {
      refused.push({ name, why: 'a link to nothing' });
      continue;
    }
    if (!isInside(realRoot, target)) {
      refused.push({ name, why: `a link to ${target}, outside the folder` });
      continue;
    }
    const st = await stat(target);
    if (st.isFile()) {
      take(name);
    } else {
      refused.push({ name, why: `a link to ${kindOf(st)}` });
    }
  }
  return refused.sort((a, b) => byCodeUnit(a.name, b.name));
}

/**
 * A deterministic spread of at most `limit` entries for estimates: every k-th entry of the
 * (stem-sorted) list from the first on, with k = ⌈n / limit⌉. All of them when n ≤ limit.
 */
export function spreadEntries<T>(entries: readonly T[], limit: number): T[] {
  const max = Math.max(1, Math.floor(limit));
  if (entries.length <= max) {
    return [...entries];
  }
  const k = Math.ceil(entries.length / max);
  const out: T[] = [];
  for (let i = 0; i < entries.length; i += k) {
    out.push(entries[i] as T);
  }
  return out;
}
