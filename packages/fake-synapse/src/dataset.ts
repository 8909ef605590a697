import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hash32, parseDmJson } from '@synx/model';
import {
  mediaSpecForFile,
  openSynapseFolder,
  splitStem,
  type FolderEntry,
} from '@synx/synapse-folder';

/** Optional `synapse-fake.json` beside `json/`: extra facts a raw export folder does not hold. */
export interface FakeSidecar {
  /** Ground-truth categories per stem (`train`, `validation`, `test`). */
  readonly gtCategories?: Readonly<Record<string, 'train' | 'validation' | 'test'>>;
  /** Extra data-unit meta per stem (e.g. `group`, `width`, `height`). */
  readonly dataUnitMeta?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Assignment status per stem (default `completed`). */
  readonly status?: Readonly<Record<string, string>>;
  /**
   * `file_name_original` served per stem instead of the media file's name — to test names a
   * server could send (`../../etc/passwd`, `a/b\\c.jpg`); the bytes are still the stem's file.
   */
  readonly fileNames?: Readonly<Record<string, string>>;
  /** Tags per stem, served on the stem's assignments and task (default none). */
  readonly tags?: Readonly<Record<string, readonly string[]>>;
}

/** One data unit served by the fake: ids of its task, assignments and GT event. */
export interface FakeUnit {
  /** 1-based number of the unit among every unit the fake serves (its data unit id). */
  readonly index: number;
  readonly stem: string;
  readonly entry: FolderEntry;
  readonly dataUnitId: number;
  readonly taskId: number;
  readonly assignmentIds: readonly number[];
  readonly gtEventId: number;
  readonly gtCategory: 'train' | 'validation' | 'test';
  readonly meta: Record<string, unknown>;
  readonly status: string;
  /** Tags of its assignments and task (from the sidecar; default none). */
  readonly tags: readonly string[];
  /** The `file_name_original` served (the media name unless the sidecar overrides it). */
  readonly fileName: string | undefined;
}

/** File facts served in `files` objects; computed on first use and cached. */
export interface MediaFacts {
  readonly size: number;
  readonly sha1: string;
}

/** The data behind one fake project. */
export class FakeDataset {
  readonly root: string;
  readonly projectId: number;
  readonly project: Record<string, unknown>;
  readonly units: readonly FakeUnit[];
  readonly assignmentsPerTask: number;
  readonly #byDataUnit = new Map<number, FakeUnit>();
  readonly #byTask = new Map<number, FakeUnit>();
  readonly #byAssignment = new Map<number, FakeUnit>();
  readonly #media = new Map<number, Promise<MediaFacts>>();
  readonly #text = new Map<number, string>();
  #cachedBytes = 0;

  private constructor(
    root: string,
    projectId: number,
    project: Record<string, unknown>,
    units: FakeUnit[],
    apt: number,
  ) {
    this.root = root;
    this.projectId = projectId;
    this.project = project;
    this.units = units;
    this.assignmentsPerTask = apt;
    for (const u of units) {
      this.#byDataUnit.set(u.dataUnitId, u);
      this.#byTask.set(u.taskId, u);
      for (const a of u.assignmentIds) {
        this.#byAssignment.set(a, u);
      }
    }
  }

  static async load(
    root: string,
    options: {
      projectId?: number;
      assignmentsPerTask?: number;
      gtSplit?: readonly [number, number, number];
      /**
       * Units already served by other datasets of the same fake: this dataset's data units are
       * numbered from `firstIndex + 1`, so ids of tasks, assignments and GT events never collide.
       * Default 0.
       */
      firstIndex?: number;
    } = {},
  ): Promise<FakeDataset> {
    const folder = await openSynapseFolder(root);
    let sidecar: FakeSidecar = {};
    try {
      sidecar = JSON.parse(await readFile(join(root, 'synapse-fake.json'), 'utf8')) as FakeSidecar;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw err;
      }
    }
    const projectIdRaw = folder.project?.['id'];
    const projectId = typeof projectIdRaw === 'number' ? projectIdRaw : (options.projectId ?? 1);
    const project: Record<string, unknown> = {
      title: root.split(/[\\/]/).filter(Boolean).pop() ?? 'project',
      category: 'image',
      configuration: {},
      ...(folder.project ?? {}),
      id: projectId,
    };
    const apt = Math.max(1, options.assignmentsPerTask ?? 1);
    const [train, val] = options.gtSplit ?? [0.8, 0.1, 0.1];
    const first = Math.max(0, Math.floor(options.firstIndex ?? 0));
    const units = folder.entries.map((entry, i): FakeUnit => {
      const index = first + i + 1;
      const u = hash32(entry.stem, 7) / 2 ** 32;
      const category =
        sidecar.gtCategories?.[entry.stem] ??
        (u < train ? 'train' : u < train + val ? 'validation' : 'test');
      const mediaName = entry.mediaName;
      const { stem, ext } = splitStem(mediaName ?? `${entry.stem}.jpg`);
      return {
        index,
        stem: entry.stem,
        entry,
        dataUnitId: index,
        taskId: 10_000_000 + index,
        assignmentIds: Array.from(
          { length: apt },
          (_, j) => 20_000_000 + (index - 1) * apt + j + 1,
        ),
        gtEventId: 30_000_000 + index,
        gtCategory: category,
        meta: {
          filename: mediaName ?? entry.stem,
          origin_file_stem: stem,
          origin_file_extension: ext,
          ...(sidecar.dataUnitMeta?.[entry.stem] ?? {}),
        },
        status: sidecar.status?.[entry.stem] ?? 'completed',
        tags: sidecar.tags?.[entry.stem] ?? [],
        fileName: sidecar.fileNames?.[entry.stem] ?? mediaName,
      };
    });
    return new FakeDataset(root, projectId, project, units, apt);
  }

  unitByDataUnit(id: number): FakeUnit | undefined {
    return this.#byDataUnit.get(id);
  }

  unitByTask(id: number): FakeUnit | undefined {
    return this.#byTask.get(id);
  }

  unitByAssignment(id: number): FakeUnit | undefined {
    return this.#byAssignment.get(id);
  }

  /**
   * The unit's DM v1 text as stored. Bare NaN/Infinity tokens (which Python's json.dump writes
   * but JSON forbids) are quoted so the page stays valid JSON.
   */
  async dataText(unit: FakeUnit): Promise<string> {
    const cached = this.#text.get(unit.dataUnitId);
    if (cached !== undefined) {
      return cached;
    }
    let text = await readFile(unit.entry.jsonPath, 'utf8');
    try {
      JSON.parse(text);
    } catch {
      text = JSON.stringify(parseDmJson(text, unit.entry.jsonPath));
    }
    // Keep up to 512 MB of texts in memory: the fake answers like a server, not like a disk.
    if (this.#cachedBytes + text.length < 512 * 1024 * 1024) {
      this.#text.set(unit.dataUnitId, text);
      this.#cachedBytes += text.length;
    }
    return text;
  }

  mediaFacts(unit: FakeUnit): Promise<MediaFacts> | undefined {
    const path = unit.entry.mediaPath;
    if (path === undefined) {
      return undefined;
    }
    let p = this.#media.get(unit.dataUnitId);
    if (p === undefined) {
      p = (async () => {
        const st = await stat(path);
        const hash = createHash('sha1');
        for await (const chunk of createReadStream(path)) {
          hash.update(chunk as Buffer);
        }
        return { size: st.size, sha1: hash.digest('hex') };
      })();
      this.#media.set(unit.dataUnitId, p);
    }
    return p;
  }

  specName(unit: FakeUnit): string {
    return mediaSpecForFile(unit.entry.mediaName ?? '');
  }
}
