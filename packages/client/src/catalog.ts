import { isSynxError, throwIfAborted } from '@synx/model';
import type { CallOptions, SynapseClient } from './client.js';
import type { GroundTruthDataset, GroundTruthVersion, Project } from './schemas.js';

/** Options of {@link ProjectCatalog}. */
export interface ProjectCatalogOptions {
  /** Projects per page asked of the server (it caps the value). Default 50. */
  readonly perPage?: number;
  /** Only projects of this category (sent to the server). */
  readonly category?: string | undefined;
}

/** The projects {@link ProjectCatalog.find} found. */
export interface ProjectMatches {
  /** At most `want` matches, in server order. */
  readonly projects: Project[];
  /** True when the whole list is loaded and no match beyond `projects` exists. */
  readonly exhausted: boolean;
}

/** Whether a project's title, or its id as text, contains `term` (case-insensitive). */
export function projectMatches(project: Project, term: string): boolean {
  const t = term.trim().toLowerCase();
  if (t === '') {
    return true;
  }
  return (
    (project.title ?? '').toLowerCase().includes(t) || String(project.id).toLowerCase().includes(t)
  );
}

/**
 * The projects a token can see, loaded from `/v2/projects/` one cursor page at a time, only as
 * far as a search needs. Loaded pages are kept: a longer search term filters what is loaded and
 * fetches more only when it has too few matches. Behind a type-to-filter list and its "load
 * more", and `synx projects list`.
 *
 * @example
 * const catalog = new ProjectCatalog(client);
 * const { projects, exhausted } = await catalog.find('street', 10);
 */
export class ProjectCatalog {
  readonly #client: SynapseClient;
  readonly #perPage: number;
  readonly #category: string | undefined;
  readonly #loaded: Project[] = [];
  #next: string | undefined;
  #done = false;
  #pages = 0;
  #loading: Promise<void> | undefined;

  constructor(client: SynapseClient, options: ProjectCatalogOptions = {}) {
    this.#client = client;
    this.#perPage = Math.max(1, Math.floor(options.perPage ?? 50));
    this.#category = options.category;
  }

  /** How many projects are loaded. */
  get loaded(): number {
    return this.#loaded.length;
  }

  /** How many pages were fetched. */
  get pages(): number {
    return this.#pages;
  }

  /** True once the last page is loaded. */
  get complete(): boolean {
    return this.#done;
  }

  /**
   * The first `want` projects whose title or id contains `term` (empty: every project),
   * loading further pages only until `want` matches are known or the list ends. `want` may be
   * `Infinity` (everything).
   */
  async find(term: string, want: number, options: CallOptions = {}): Promise<ProjectMatches> {
    const limit = Math.max(0, want);
    for (;;) {
      const matches = this.#loaded.filter((p) => projectMatches(p, term));
      if (matches.length > limit || (matches.length === limit && !this.#done)) {
        return { projects: matches.slice(0, limit), exhausted: false };
      }
      if (this.#done) {
        return { projects: matches, exhausted: true };
      }
      await this.#loadNext(options);
    }
  }

  /** Loads one more page; a caller that finds a page already loading waits for it instead. */
  async #loadNext(options: CallOptions): Promise<void> {
    const pending = this.#loading;
    if (pending !== undefined) {
      try {
        await pending;
      } catch (err) {
        // The load of another caller failed (it may have been cancelled): try again ourselves.
        throwIfAborted(options.signal);
        if (!(isSynxError(err) && err.code === 'SYNX_ABORTED')) {
          throw err;
        }
      }
      return;
    }
    const load = (async () => {
      const page = await this.#client.getProjectsPage(
        { category: this.#category, perPage: this.#perPage, after: this.#next },
        options,
      );
      this.#pages++;
      this.#loaded.push(...page.items);
      this.#next = page.next;
      this.#done = page.next === undefined;
    })();
    this.#loading = load;
    try {
      await load;
    } finally {
      this.#loading = undefined;
    }
  }
}

/** A ground-truth version as {@link findGroundTruthVersions} reports it. */
export interface GroundTruthVersionInfo {
  readonly id: number | string;
  /** Its name (`v1`, …), when the server sends one. */
  readonly version: string | undefined;
  readonly created: string | undefined;
  readonly description: string | undefined;
  readonly archived: boolean;
  /** Events in the version; undefined when not asked for or not known. */
  readonly items: number | undefined;
  /** Why `items` is not known, when counting failed. */
  readonly itemsError?: string;
}

/** A ground-truth dataset with its versions. */
export interface GroundTruthDatasetInfo {
  readonly id: number | string;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly projectId: number | string | undefined;
  readonly versions: GroundTruthVersionInfo[];
}

/** Options of {@link findGroundTruthVersions}. */
export interface FindGroundTruthOptions extends CallOptions {
  /** Only the datasets of this project. */
  readonly project?: number | string | undefined;
  /** Count each version's events (one small request per version). Default true. */
  readonly counts?: boolean;
  /** Count requests in flight. Default 4. */
  readonly concurrency?: number;
}

function idOf(v: unknown): number | string | undefined {
  if (typeof v === 'number' || typeof v === 'string') {
    return v;
  }
  if (typeof v === 'object' && v !== null) {
    const id = (v as Record<string, unknown>)['id'];
    if (typeof id === 'number' || typeof id === 'string') {
      return id;
    }
  }
  return undefined;
}

/** Runs `fn` over `items` with at most `concurrency` calls in flight; results in input order. */
async function mapLimited<T, U>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<U>,
): Promise<U[]> {
  const out = new Array<U>(items.length);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < items.length) {
      const i = nextIndex++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(items.length, Math.max(1, concurrency)) }, worker),
  );
  return out;
}

/**
 * The ground-truth datasets a token can see (of one project, if given), each with its versions
 * and, unless `counts: false`, how many events each version holds (fetched with bounded
 * concurrency). Behind `synx gt list` and the export wizard's version picker.
 *
 * A version whose count fails for a reason other than auth or cancellation keeps
 * `items: undefined` and says why in `itemsError`; auth errors and cancellation are thrown.
 */
export async function findGroundTruthVersions(
  client: SynapseClient,
  options: FindGroundTruthOptions = {},
): Promise<GroundTruthDatasetInfo[]> {
  const { project, counts = true, concurrency = 4, ...call } = options;
  const datasets: GroundTruthDataset[] = [];
  for await (const d of client.listGroundTruthDatasets({ project }, call)) {
    // The server may ignore the filter: check it here too.
    const owner = idOf(d.project_id) ?? idOf(d.project);
    if (project === undefined || owner === undefined || String(owner) === String(project)) {
      datasets.push(d);
    }
  }
  const withVersions = await mapLimited(datasets, concurrency, async (dataset) => {
    const versions: GroundTruthVersion[] = [];
    for await (const v of client.listGroundTruthDatasetVersions(dataset.id, {}, call)) {
      versions.push(v);
    }
    return { dataset, versions };
  });
  const all = withVersions.flatMap((d) => d.versions);
  const countOf = new Map<GroundTruthVersion, { items?: number; error?: string }>();
  if (counts) {
    await mapLimited(all, concurrency, async (v) => {
      throwIfAborted(call.signal);
      try {
        const n = await client.countGroundTruthEvents(v.id, call);
        countOf.set(v, n === undefined ? {} : { items: n });
      } catch (err) {
        if (
          !isSynxError(err) ||
          ['SYNX_AUTH', 'SYNX_PERMISSION', 'SYNX_ABORTED'].includes(err.code)
        ) {
          throw err;
        }
        countOf.set(v, { error: err.message });
      }
    });
  }
  return withVersions.map(({ dataset, versions }) => ({
    id: dataset.id,
    name: dataset.name ?? dataset.title ?? undefined,
    description: dataset.description ?? undefined,
    projectId: idOf(dataset.project_id) ?? idOf(dataset.project),
    versions: versions.map((v): GroundTruthVersionInfo => {
      const c = countOf.get(v);
      return {
        id: v.id,
        version: v.version === null || v.version === undefined ? undefined : String(v.version),
        created: v.created ?? undefined,
        description: v.description ?? undefined,
        archived: v.is_archived === true,
        items: c?.items,
        ...(c?.error === undefined ? {} : { itemsError: c.error }),
      };
    }),
  }));
}
