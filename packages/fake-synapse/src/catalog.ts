import { hash32 } from '@synx/model';
import type { FakeDataset } from './dataset.js';

/** A project as the v2 list serves it. */
export interface FakeProjectRecord {
  readonly id: number;
  readonly title: string;
  readonly category: string;
  readonly task_count: number;
  readonly created: string;
  readonly is_archived: boolean;
  readonly description: string | null;
}

/** A ground-truth dataset as `/v2/ground-truth-datasets/` serves it. */
export interface FakeGtDataset {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  readonly project_id: number;
  readonly created: string;
}

/** A ground-truth dataset version as `/v2/ground-truth-datasets/{id}/versions/` serves it. */
export interface FakeGtVersion {
  readonly id: number;
  readonly version: string;
  readonly created: string;
  readonly ground_truth_dataset_id: number;
  readonly description: string | null;
  readonly is_archived: boolean;
}

/** Themes of the synthetic projects: a title stem and the category it goes with. */
const THEMES: readonly (readonly [string, string])[] = [
  ['Street scenes', 'image'],
  ['Retail shelves', 'image'],
  ['Warehouse pallets', 'image'],
  ['Chest X-rays', 'image'],
  ['Crop fields', 'image'],
  ['Drone footage', 'video'],
  ['Traffic cameras', 'video'],
  ['Sports highlights', 'video'],
  ['Support tickets', 'text'],
  ['Product reviews', 'text'],
  ['Invoice forms', 'text'],
  ['Lidar sweeps', 'pcd'],
  ['Indoor scans', 'pcd'],
];

const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(2024, 0, 8, 9, 0, 0);

/** A fixed creation date per id: later ids are newer, a few hours of seeded jitter. */
function createdOf(id: number): string {
  return new Date(EPOCH + id * DAY_MS + (hash32(`created:${id}`, 3) % 8) * 3_600_000)
    .toISOString()
    .replace('.000Z', 'Z');
}

/**
 * The projects, ground-truth datasets and versions the fake lists: one project per dataset
 * (folder) it serves, and the synthetic, empty ones.
 */
export class FakeCatalog {
  /** Every project, id ascending: the datasets' projects and the synthetic, empty ones. */
  readonly projects: readonly FakeProjectRecord[];
  readonly gtDatasets: readonly FakeGtDataset[];
  readonly gtVersions: readonly FakeGtVersion[];
  readonly #projects = new Map<number, FakeProjectRecord>();
  /** The dataset whose items a (live) ground-truth version holds. */
  readonly #versionData = new Map<number, FakeDataset>();

  /**
   * @param datasets the served datasets (the first is the main one: ground-truth dataset 1 with
   *   versions 1 and 2 is its; each other dataset gets one more ground-truth dataset with one
   *   version holding all its items).
   */
  constructor(datasets: FakeDataset | readonly FakeDataset[], extraProjects = 0) {
    const served: readonly FakeDataset[] = Array.isArray(datasets)
      ? (datasets as readonly FakeDataset[])
      : [datasets as FakeDataset];
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const reals = served.map((dataset): FakeProjectRecord => {
      const p = dataset.project;
      return {
        id: dataset.projectId,
        title: str(p['title']) ?? 'project',
        category: str(p['category']) ?? 'image',
        task_count: dataset.units.length,
        created: str(p['created']) ?? createdOf(dataset.projectId),
        is_archived: p['is_archived'] === true,
        description: str(p['description']) ?? null,
      };
    });
    const realIds = new Set(reals.map((r) => r.id));
    const extras: FakeProjectRecord[] = [];
    const perTheme = new Map<string, number>();
    for (let id = 1; extras.length < Math.max(0, Math.floor(extraProjects)); id++) {
      if (realIds.has(id)) {
        continue;
      }
      const h = hash32(`project:${id}`, 11);
      const [theme, category] = THEMES[h % THEMES.length] ?? ['Project', 'image'];
      const n = (perTheme.get(theme) ?? 0) + 1;
      perTheme.set(theme, n);
      extras.push({
        id,
        title: `${theme} ${n}`,
        category,
        // Synthetic projects serve no tasks, so they report none.
        task_count: 0,
        created: createdOf(id),
        is_archived: (h >>> 8) % 10 === 0,
        description: (h >>> 12) % 3 === 0 ? null : `${theme.toLowerCase()}, batch ${n}`,
      });
    }
    this.projects = [...reals, ...extras].sort((a, b) => a.id - b.id);
    for (const r of this.projects) {
      this.#projects.set(r.id, r);
    }
    const gtDatasets: FakeGtDataset[] = [];
    const gtVersions: FakeGtVersion[] = [];
    served.forEach((dataset, k) => {
      const real = reals[k];
      if (real === undefined) {
        return;
      }
      const id = gtDatasets.length + 1;
      gtDatasets.push({
        id,
        name: `${real.title} ground truth`,
        description: 'curated from completed assignments',
        project_id: real.id,
        created: '2025-01-15T10:00:00Z',
      });
      const live: FakeGtVersion = {
        id: gtVersions.length + 1,
        version: 'v1',
        created: '2025-01-15T10:00:00Z',
        ground_truth_dataset_id: id,
        description: `${dataset.units.length} items`,
        is_archived: false,
      };
      gtVersions.push(live);
      this.#versionData.set(live.id, dataset);
      if (k === 0) {
        gtVersions.push({
          id: gtVersions.length + 1,
          version: 'v2',
          created: '2025-02-03T14:30:00Z',
          ground_truth_dataset_id: id,
          description: 'empty draft',
          is_archived: true,
        });
      }
    });
    for (const e of extras.slice(0, 2)) {
      const id = gtDatasets.length + 1;
      gtDatasets.push({
        id,
        name: `${e.title} ground truth`,
        description: null,
        project_id: e.id,
        created: e.created,
      });
      gtVersions.push({
        id: gtVersions.length + 1,
        version: 'v1',
        created: e.created,
        ground_truth_dataset_id: id,
        description: null,
        is_archived: false,
      });
    }
    this.gtDatasets = gtDatasets;
    this.gtVersions = gtVersions;
  }

  project(id: number): FakeProjectRecord | undefined {
    return this.#projects.get(id);
  }

  gtDataset(id: number): FakeGtDataset | undefined {
    return this.gtDatasets.find((d) => d.id === id);
  }

  gtVersion(id: number): FakeGtVersion | undefined {
    return this.gtVersions.find((v) => v.id === id);
  }

  /** The dataset whose items a ground-truth version holds; undefined for the empty versions. */
  gtVersionData(id: number): FakeDataset | undefined {
    return this.#versionData.get(id);
  }
}

/** Where a cursor points: after an id (next pages) or before one (previous pages). */
export type Cursor = { readonly after: number } | { readonly before: number };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** The cursor in a `cursor` parameter, or undefined when it is not one the fake handed out. */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (typeof v['after'] === 'number') {
      return { after: v['after'] };
    }
    if (typeof v['before'] === 'number') {
      return { before: v['before'] };
    }
  } catch {
    // Falls through: not a cursor of this server.
  }
  return undefined;
}

/**
 * One cursor page of rows sorted by id ascending: `per_page` rows after (or before) the cursor,
 * with the cursors of the pages on either side (null at the ends).
 */
export function cursorPage<T extends { readonly id: number }>(
  rows: readonly T[],
  cursor: Cursor | undefined,
  perPage: number,
): { rows: T[]; next: string | null; previous: string | null } {
  let start: number;
  let end: number;
  if (cursor !== undefined && 'before' in cursor) {
    end = rows.findIndex((r) => r.id >= cursor.before);
    if (end < 0) {
      end = rows.length;
    }
    start = Math.max(0, end - perPage);
  } else {
    const after = cursor?.after;
    start = after === undefined ? 0 : rows.findIndex((r) => r.id > after);
    if (start < 0) {
      start = rows.length;
    }
    end = Math.min(rows.length, start + perPage);
  }
  const page = rows.slice(start, end);
  const first = page[0];
  const last = page[page.length - 1];
  return {
    rows: page,
    next: last !== undefined && end < rows.length ? encodeCursor({ after: last.id }) : null,
    previous: first !== undefined && start > 0 ? encodeCursor({ before: first.id }) : null,
  };
}
