import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cursorPage,
  decodeCursor,
  encodeCursor,
  startFakeSynapse,
  writeSyntheticFolder,
  type FakeSynapse,
} from '../src/index.js';
import { tempDir } from './helpers.js';

const TOKEN = 'tok_catalog_0123456789';
const dir = tempDir('fake-catalog');
const plain = tempDir('fake-catalog-plain');
let fake: FakeSynapse;
let bare: FakeSynapse;
let stems: string[];

interface V2Page<T> {
  data: T[];
  meta: {
    request_id: string;
    pagination: { next_cursor: string | null; previous_cursor: string | null; per_page: number };
  };
}
interface V2Project {
  id: number;
  title: string;
  category: string;
  task_count: number;
  created: string;
  is_archived: boolean;
  description: string | null;
}
interface DrfPage<T> {
  count: number;
  next: string | null;
  results: T[];
}

beforeAll(async () => {
  await writeSyntheticFolder({ outDir: dir, items: 6, media: 'none', seed: 3 });
  // The dataset's project sits inside the range of the synthetic ids (1…131).
  const project = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8')) as object;
  writeFileSync(
    join(dir, 'project.json'),
    JSON.stringify({ ...project, id: 60, title: 'Harbour cranes' }),
  );
  stems = readdirSync(join(dir, 'json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
  const [s0, s1, s2, s3] = stems;
  writeFileSync(
    join(dir, 'synapse-fake.json'),
    JSON.stringify({
      tags: { [s0 ?? '']: ['night', 'rain'], [s1 ?? '']: ['night'], [s2 ?? '']: ['day'] },
      status: { [s1 ?? '']: 'in_progress', [s3 ?? '']: 'rejected' },
    }),
  );
  await writeSyntheticFolder({ outDir: plain, items: 2, media: 'none' });
  fake = await startFakeSynapse({ from: dir, token: TOKEN, extraProjects: 130 });
  bare = await startFakeSynapse({ from: plain, token: TOKEN });
});
afterAll(async () => {
  await fake.close();
  await bare.close();
});

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body's shape
async function getJson<T>(server: FakeSynapse, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    headers: { 'SYNAPSE-ACCESS-TOKEN': TOKEN },
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body: body as T };
}

describe('v2 project list: cursor pagination over the dataset project and synthetic ones', () => {
  it('130 extra projects at per_page 50 are 3 pages, id ascending, with working cursors', async () => {
    const pages: V2Page<V2Project>[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor === null ? '' : `&cursor=${cursor}`;
      const res = await getJson<V2Page<V2Project>>(fake, `/v2/projects/?per_page=50${q}`);
      expect(res.status).toBe(200);
      pages.push(res.body);
      cursor = res.body.meta.pagination.next_cursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages.map((p) => p.data.length)).toEqual([50, 50, 31]);
    expect(pages.map((p) => p.meta.pagination.per_page)).toEqual([50, 50, 50]);
    expect(pages[0]?.meta.pagination.previous_cursor).toBeNull();
    expect(pages[2]?.meta.pagination.next_cursor).toBeNull();
    const ids = pages.flatMap((p) => p.data.map((r) => r.id));
    expect(ids).toEqual(Array.from({ length: 131 }, (_, i) => i + 1));
    const real = pages.flatMap((p) => p.data).find((r) => r.id === 60);
    expect(real).toEqual({
      id: 60,
      title: 'Harbour cranes',
      category: 'image',
      task_count: 6,
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown,
      is_archived: false,
      description: null,
    });
    const extras = pages.flatMap((p) => p.data).filter((r) => r.id !== 60);
    for (const r of extras) {
      expect(r.title).toMatch(/^[A-Z][a-zA-Z -]+ \d+$/);
      expect(['image', 'video', 'text', 'pcd']).toContain(r.category);
      expect(r.task_count).toBe(0);
      expect(Object.keys(r).sort()).toEqual(
        ['category', 'created', 'description', 'id', 'is_archived', 'task_count', 'title'].sort(),
      );
    }
    expect(new Set(extras.map((r) => r.title)).size).toBe(extras.length);
    expect(new Set(extras.map((r) => r.category)).size).toBe(4);
    expect(extras.some((r) => r.is_archived)).toBe(true);

    // The previous cursor of page 2 leads back to page 1.
    const back = await getJson<V2Page<V2Project>>(
      fake,
      `/v2/projects/?per_page=50&cursor=${pages[1]?.meta.pagination.previous_cursor ?? ''}`,
    );
    expect(back.body.data.map((r) => r.id)).toEqual(pages[0]?.data.map((r) => r.id));
  });

  it('is deterministic, defaults to 50, caps per_page at 100, filters by category', async () => {
    const a = await getJson<V2Page<V2Project>>(fake, '/v2/projects/');
    const again = await startFakeSynapse({ from: dir, token: TOKEN, extraProjects: 130 });
    try {
      const b = await getJson<V2Page<V2Project>>(again, '/v2/projects/');
      expect(b.body).toEqual(a.body);
    } finally {
      await again.close();
    }
    expect(a.body.data).toHaveLength(50);
    const big = await getJson<V2Page<V2Project>>(fake, '/v2/projects/?per_page=500');
    expect(big.body.data).toHaveLength(100);
    expect(big.body.meta.pagination.per_page).toBe(100);
    const video = await getJson<V2Page<V2Project>>(
      fake,
      '/v2/projects/?category=video&per_page=100',
    );
    expect(video.body.data.length).toBeGreaterThan(0);
    expect(video.body.data.every((r) => r.category === 'video')).toBe(true);
    const bad = await getJson<{ error: { code: string } }>(fake, '/v2/projects/?cursor=nonsense');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_CURSOR');
  });

  it('serves extra projects by id on both APIs and 404s unknown ids', async () => {
    const one = await getJson<V2Project & { configuration: object }>(fake, '/projects/61/');
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(61);
    expect(one.body.configuration).toEqual({});
    const v2 = await getJson<V2Project>(fake, '/v2/projects/61/');
    expect(v2.body.title).toBe(one.body.title);
    const real = await getJson<V2Project & { configuration: { classification: object } }>(
      fake,
      '/v2/projects/60/',
    );
    expect(real.body.task_count).toBe(6);
    expect(Object.keys(real.body.configuration.classification)).toContain('bounding_box');
    expect((await getJson(fake, '/projects/132/')).status).toBe(404);
    expect((await getJson(fake, '/v2/projects/132/')).status).toBe(404);
  });

  it('without extraProjects lists only the dataset project, in one page', async () => {
    const res = await getJson<V2Page<V2Project>>(bare, '/v2/projects/');
    expect(res.body.data.map((r) => [r.id, r.task_count])).toEqual([[1, 2]]);
    expect(res.body.meta.pagination.next_cursor).toBeNull();
  });
});

describe('lists of an empty project and filters', () => {
  it('an extra project has empty assignment and task pages; an unknown one is 400', async () => {
    for (const list of ['assignments', 'tasks']) {
      const res = await getJson<DrfPage<unknown>>(fake, `/sdk/${list}/?project=61`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ count: 0, next: null, previous: null, results: [] });
      const unknown = await getJson<{ project: string[] }>(fake, `/sdk/${list}/?project=999`);
      expect(unknown.status).toBe(400);
      expect(unknown.body.project[0]).toMatch(/^Select a valid choice/);
    }
  });

  it('status and tags filter assignments and tasks; items carry their sidecar tags', async () => {
    const ids = async (path: string): Promise<number[]> =>
      (
        await getJson<DrfPage<{ task: { id: number } | number; id: number }>>(fake, path)
      ).body.results.map((r) => (typeof r.task === 'number' ? r.id : r.task.id));
    const task = (stemIndex: number): number => 10_000_000 + stemIndex + 1;
    const unitOf = (stem: string | undefined): number =>
      fake.dataset.units.findIndex((u) => u.stem === stem);
    const [s0, s1, s2, s3] = stems.map(unitOf);
    expect(await ids('/sdk/assignments/?project=60&tags=night')).toEqual(
      [s0, s1].map((i) => task(i ?? -1)).sort((a, b) => a - b),
    );
    expect(await ids('/sdk/assignments/?project=60&tags=night&tags=rain')).toEqual([
      task(s0 ?? -1),
    ]);
    expect(await ids('/sdk/assignments/?project=60&status=rejected')).toEqual([task(s3 ?? -1)]);
    const tasks = await getJson<DrfPage<{ id: number; tags: string[]; status: string }>>(
      fake,
      '/sdk/tasks/?project=60&tags=day',
    );
    expect(tasks.body.results.map((t) => [t.id, t.tags])).toEqual([[task(s2 ?? -1), ['day']]]);
    const inProgress = await getJson<DrfPage<{ id: number; status: string }>>(
      fake,
      '/sdk/tasks/?project=60&status=in_progress',
    );
    expect(inProgress.body.results.map((t) => [t.id, t.status])).toEqual([
      [task(s1 ?? -1), 'in_progress'],
    ]);
    expect((await getJson<DrfPage<unknown>>(fake, '/sdk/tasks/?project=60')).body.count).toBe(6);
    expect(
      (await getJson<DrfPage<unknown>>(fake, '/sdk/tasks/?project=60&tags=none')).body.count,
    ).toBe(0);
  });

  it('without a sidecar every item has no tags', async () => {
    const res = await fetch(`${bare.url}/sdk/assignments/?project=1`, {
      headers: { 'SYNAPSE-ACCESS-TOKEN': TOKEN },
    });
    const text = await res.text();
    expect(text).toContain('"tags":[]');
    expect(text).not.toMatch(/"tags":\[[^\]]/);
  });
});

describe('ground-truth datasets and versions', () => {
  it('lists the dataset of the project with a live v1 and an archived, empty v2', async () => {
    const list = await getJson<V2Page<{ id: number; name: string; project_id: number }>>(
      fake,
      '/v2/ground-truth-datasets/',
    );
    expect(list.body.data.map((d) => [d.id, d.project_id])).toEqual([
      [1, 60],
      [2, 1],
      [3, 2],
    ]);
    expect(list.body.data[0]?.name).toBe('Harbour cranes ground truth');
    const byProject = await getJson<V2Page<{ id: number }>>(
      fake,
      '/v2/ground-truth-datasets/?project=60',
    );
    expect(byProject.body.data.map((d) => d.id)).toEqual([1]);
    const one = await getJson<{ id: number; name: string }>(fake, '/v2/ground-truth-datasets/1/');
    expect(one.body.name).toBe('Harbour cranes ground truth');
    const versions = await getJson<V2Page<Record<string, unknown>>>(
      fake,
      '/v2/ground-truth-datasets/1/versions/',
    );
    expect(versions.body.data).toEqual([
      {
        id: 1,
        version: 'v1',
        created: '2025-01-15T10:00:00Z',
        ground_truth_dataset_id: 1,
        description: '6 items',
        is_archived: false,
      },
      {
        id: 2,
        version: 'v2',
        created: '2025-02-03T14:30:00Z',
        ground_truth_dataset_id: 1,
        description: 'empty draft',
        is_archived: true,
      },
    ]);
    const paged = await getJson<V2Page<{ id: number }>>(
      fake,
      '/v2/ground-truth-datasets/1/versions/?per_page=1',
    );
    expect(paged.body.data.map((v) => v.id)).toEqual([1]);
    expect(paged.body.meta.pagination.next_cursor).toBe(encodeCursor({ after: 1 }));
    expect(
      (await getJson<{ id: number }>(fake, '/v2/ground-truth-datasets/1/versions/2/')).body.id,
    ).toBe(2);
    expect((await getJson(fake, '/v2/ground-truth-datasets/1/versions/3/')).status).toBe(404);
    expect((await getJson(fake, '/v2/ground-truth-datasets/9/')).status).toBe(404);
    expect((await getJson(fake, '/v2/ground-truth-datasets/9/versions/')).status).toBe(404);
  });

  it('serves events of v1, an empty page for the other versions, 400 for unknown ids', async () => {
    const v1 = await getJson<DrfPage<unknown>>(
      fake,
      '/sdk/ground_truth_events/?ground_truth_dataset_versions=1',
    );
    expect(v1.body.count).toBe(6);
    for (const v of [2, 3, 4]) {
      const empty = await getJson<DrfPage<unknown>>(
        fake,
        `/sdk/ground_truth_events/?ground_truth_dataset_versions=${v}`,
      );
      expect(empty.status).toBe(200);
      expect(empty.body.count).toBe(0);
    }
    const unknown = await getJson<Record<string, string[]>>(
      fake,
      '/sdk/ground_truth_events/?ground_truth_dataset_versions=5',
    );
    expect(unknown.status).toBe(400);
    expect(
      (await getJson(bare, '/sdk/ground_truth_events/?ground_truth_dataset_versions=3')).status,
    ).toBe(400);
    const sdk = await getJson<{ id: number; is_archived: boolean; project: number }>(
      fake,
      '/ground_truth_dataset_versions/2/',
    );
    expect(sdk.body).toMatchObject({ id: 2, is_archived: true, project: 60 });
    const sdkList = await getJson<DrfPage<{ id: number }>>(
      fake,
      '/ground_truth_dataset_versions/?ground_truth_dataset=1&is_archived=false',
    );
    expect(sdkList.body.results.map((v) => v.id)).toEqual([1]);
  });

  it('the new routes take faults and latency like the others', async () => {
    fake.setFaults({
      routes: { 'v2-gt-versions': { serverError: 1, burst: 1, maxConsecutive: 1 } },
    });
    try {
      const first = await getJson(fake, '/v2/ground-truth-datasets/1/versions/');
      expect(first.status).toBeGreaterThanOrEqual(502);
      expect((await getJson(fake, '/v2/ground-truth-datasets/1/versions/')).status).toBe(200);
      expect((await getJson(fake, '/v2/ground-truth-datasets/')).status).toBe(200);
    } finally {
      fake.setFaults({});
    }
    const routes = fake.log.map((e) => e.route);
    expect(routes).toContain('v2-gt-datasets');
    expect(routes).toContain('v2-gt-versions');
  });
});

describe('cursor helpers', () => {
  it('round-trip, refuse foreign cursors and page both ways', () => {
    expect(decodeCursor(encodeCursor({ after: 7 }))).toEqual({ after: 7 });
    expect(decodeCursor('abc')).toBeUndefined();
    const rows = [1, 2, 3, 4, 5].map((id) => ({ id }));
    const p1 = cursorPage(rows, undefined, 2);
    expect(p1.rows.map((r) => r.id)).toEqual([1, 2]);
    expect(p1.previous).toBeNull();
    const p3 = cursorPage(rows, decodeCursor(p1.next ?? ''), 2);
    const p3b = cursorPage(rows, decodeCursor(p3.next ?? ''), 2);
    expect(p3b.rows.map((r) => r.id)).toEqual([5]);
    expect(p3b.next).toBeNull();
    expect(cursorPage(rows, decodeCursor(p3b.previous ?? ''), 2).rows.map((r) => r.id)).toEqual([
      3, 4,
    ]);
    expect(cursorPage([], undefined, 2)).toEqual({ rows: [], next: null, previous: null });
  });
});
