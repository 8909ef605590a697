import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SynxError } from '@synx/model';
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

/** A problem found while indexing the folder (not fatal). */
export interface FolderProblem {
  readonly code:
    'SYNX_FOLDER_NO_MEDIA' | 'SYNX_FOLDER_AMBIGUOUS_MEDIA' | 'SYNX_FOLDER_ORPHAN_MEDIA';
  readonly stem: string;
  readonly message: string;
}

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
   * round trip per file, which dominates on tens of thousands of small files.
   */
  readJsonSync(entry: FolderEntry): string;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One buffer reused for every synchronous JSON read: no allocation (and no malloc churn) per file. */
let readBuffer = Buffer.allocUnsafe(64 * 1024);

function readTextSync(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
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
    return readBuffer.toString('utf8', 0, have);
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
  let jsonNames: string[];
  try {
    jsonNames = (await readdir(jsonDir)).filter((n) => n.toLowerCase().endsWith('.json'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      code === 'ENOENT'
        ? `${root} is not a Synapse export folder: it has no json/ directory`
        : `cannot read ${jsonDir}: ${(err as Error).message}`,
      { hint: 'point --from at the folder that holds json/ and origin_files/', cause: err },
    );
  }
  jsonNames.sort(byCodeUnit);

  let mediaDir: string | undefined;
  let mediaNames: string[] = [];
  for (const candidate of ['origin_files', 'original_files']) {
    try {
      const dir = join(root, candidate);
      if ((await stat(dir)).isDirectory()) {
        mediaDir = dir;
        mediaNames = (await readdir(dir)).sort(byCodeUnit);
        break;
      }
    } catch {
      // not there; try the next name
    }
  }

  const problems: FolderProblem[] = [];
  const mediaByStem = new Map<string, string>();
  for (const name of mediaNames) {
    const { stem } = splitStem(name);
    const existing = mediaByStem.get(stem);
    if (existing === undefined) {
      mediaByStem.set(stem, name);
    } else {
      problems.push({
        code: 'SYNX_FOLDER_AMBIGUOUS_MEDIA',
        stem,
        message: `two media files share the stem "${stem}" (${existing}, ${name}); ${existing} is used`,
      });
    }
  }

  const entries: FolderEntry[] = [];
  const paired = new Set<string>();
  const dirs: Dirs = { json: jsonDir, media: mediaDir };
  for (const name of jsonNames) {
    const stem = name.slice(0, -'.json'.length);
    const mediaName = mediaByStem.get(stem);
    if (mediaName !== undefined && mediaDir !== undefined) {
      paired.add(stem);
      entries.push(new Entry(dirs, stem, mediaName));
    } else {
      entries.push(new Entry(dirs, stem, undefined));
      problems.push({
        code: 'SYNX_FOLDER_NO_MEDIA',
        stem,
        message: `json/${name} has no media file in origin_files/`,
      });
    }
  }
  for (const [stem, name] of mediaByStem) {
    if (!paired.has(stem)) {
      problems.push({
        code: 'SYNX_FOLDER_ORPHAN_MEDIA',
        stem,
        message: `origin_files/${name} has no json/${stem}.json`,
      });
    }
  }

  let project: Record<string, unknown> | undefined;
  try {
    const text = await readFile(join(root, 'project.json'), 'utf8');
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `${join(root, 'project.json')} does not hold a JSON object`,
      );
    }
    project = value as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SynxError) {
      throw err;
    }
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `cannot read ${join(root, 'project.json')}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  return {
    root,
    project,
    entries,
    problems,
    async readJson(entry: FolderEntry): Promise<string> {
      try {
        return await readFile(entry.jsonPath, 'utf8');
      } catch (err) {
        throw new SynxError('SYNX_IO', `cannot read ${entry.jsonPath}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
    readJsonSync(entry: FolderEntry): string {
      try {
        return readTextSync(entry.jsonPath);
      } catch (err) {
        throw new SynxError('SYNX_IO', `cannot read ${entry.jsonPath}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
  };
}
