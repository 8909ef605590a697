import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSynapse, writeSyntheticFolder, type FakeSynapse } from '@synx/fake-synapse';
import {
  findGroundTruthVersions,
  GT_NOT_FOUND_HINT,
  PROJECT_NOT_FOUND_HINT,
  ProjectCatalog,
  SynapseApiError,
  SynapseClient,
} from '../src/index.js';
import { tempDir } from './helpers.js';

const TOKEN = 'syn_finder_token_5555';
const dir = tempDir('client-finder');
let fake: FakeSynapse;
let client: SynapseClient;

beforeAll(async () => {
  await writeSyntheticFolder({ outDir: dir, items: 3, media: 'none' });
  fake = await startFakeSynapse({ from: dir, token: TOKEN, extraProjects: 130 });
  client = new SynapseClient({ host: fake.url, token: TOKEN });
});
afterAll(async () => {
  client.close();
  await fake.close();
});
beforeEach(() => {
  fake.log.length = 0;
});

/** The v2 project list requests served since the last reset, as paths. */
function projectPages(): string[] {
  return fake.log.filter((e) => e.route === 'v2-projects').map((e) => e.path);
}

/** Ids of the fake's projects whose title or id contains `term`, in list order. */
function expectedMatches(term: string): number[] {
  const t = term.toLowerCase();
  return fake.catalog.projects
    .filter((p) => p.title.toLowerCase().includes(t) || String(p.id).includes(t))
    .map((p) => p.id);
}

async function failure(p: Promise<unknown>): Promise<SynapseApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SynapseApiError);
    return err as SynapseApiError;
  }
  throw new Error('expected a failure');
}

describe('ProjectCatalog', () => {
  it('loads only the pages a search needs and never refetches them', async () => {
    const catalog = new ProjectCatalog(client, { perPage: 50 });
    const first = await catalog.find('', 10);
    expect(first.projects.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first.exhausted).toBe(false);
    expect(projectPages()).toHaveLength(1);
    expect(catalog.loaded).toBe(50);

    // Enough "street" matches to need a second page, but not a third.
    const street = expectedMatches('street');
    const within50 = street.filter((id) => id <= 50).length;
    const want = within50 + 1;
    expect(street.length).toBeGreaterThan(want);
    const found = await catalog.find('Street', want);
    expect(found.projects.map((p) => p.id)).toEqual(street.slice(0, want));
    expect(found.exhausted).toBe(false);
    expect(projectPages()).toHaveLength(2);
    expect(catalog.loaded).toBe(100);

    // Typing more characters filters what is loaded: no request.
    const narrower = expectedMatches('street scenes 1');
    const few = narrower.filter((id) => id <= 100).length;
    const again = await catalog.find('street scenes 1', few);
    expect(again.projects.map((p) => p.id)).toEqual(narrower.slice(0, few));
    expect(projectPages()).toHaveLength(2);

    // A term that matches nothing reads to the end, once; the cursors of each page are distinct.
    const none = await catalog.find('no such project', 5);
    expect(none).toEqual({ projects: [], exhausted: true });
    const paths = projectPages();
    expect(paths).toHaveLength(3);
    expect(new Set(paths).size).toBe(3);
    expect(paths[0]).toBe('/v2/projects/?per_page=50');
    expect(paths[1]).toMatch(/^\/v2\/projects\/\?per_page=50&cursor=[\w-]+$/);
    expect(catalog.loaded).toBe(131);
    expect(catalog.pages).toBe(3);
    expect(catalog.complete).toBe(true);
    await catalog.find('scenes', 3);
    expect(projectPages()).toHaveLength(3);
  });

  it('matches ids as text and says whether more matches exist', async () => {
    const catalog = new ProjectCatalog(client, { perPage: 100 });
    const byId = await catalog.find('117', 5);
    expect(byId.projects.map((p) => p.id)).toEqual(expectedMatches('117'));
    expect(byId.projects.map((p) => p.id)).toContain(117);
    expect(byId.exhausted).toBe(true);
    const all = await catalog.find('', Infinity);
    expect(all.projects.map((p) => p.id)).toEqual(fake.catalog.projects.map((p) => p.id));
    expect(all.exhausted).toBe(true);
    expect((await catalog.find('', 131)).exhausted).toBe(true);
    expect((await catalog.find('', 130)).exhausted).toBe(false);
    const real = all.projects.find((p) => p.id === 1);
    expect(real?.task_count).toBe(3);
    expect(real?.title).toBe('synthetic-3');
    expect(typeof real?.created).toBe('string');
  });

  it('concurrent searches share the page loads; category is sent to the server', async () => {
    const catalog = new ProjectCatalog(client, { perPage: 50 });
    const [a, b] = await Promise.all([catalog.find('retail', 500), catalog.find('lidar', 500)]);
    expect(a.projects.map((p) => p.id)).toEqual(expectedMatches('retail'));
    expect(b.projects.map((p) => p.id)).toEqual(expectedMatches('lidar'));
    expect(projectPages()).toHaveLength(3);

    fake.log.length = 0;
    const video = new ProjectCatalog(client, { category: 'video' });
    const vids = await video.find('', Infinity);
    expect(vids.projects.length).toBeGreaterThan(0);
    expect(vids.projects.every((p) => p.category === 'video')).toBe(true);
    expect(projectPages()[0]).toContain('category=video');
  });

  it('a cancelled search rejects with SYNX_ABORTED and a later one still loads', async () => {
    const catalog = new ProjectCatalog(client, { perPage: 50 });
    const ac = new AbortController();
    ac.abort();
    await expect(catalog.find('', 5, { signal: ac.signal })).rejects.toMatchObject({
      code: 'SYNX_ABORTED',
    });
    expect((await catalog.find('', 5)).projects).toHaveLength(5);
  });
});

describe('ground-truth helpers', () => {
  it('lists datasets with their versions and event counts', async () => {
    const found = await findGroundTruthVersions(client);
    expect(found.map((d) => [d.id, d.name, d.projectId])).toEqual([
      [1, 'synthetic-3 ground truth', 1],
      [2, `${fake.catalog.project(2)?.title ?? ''} ground truth`, 2],
      [3, `${fake.catalog.project(3)?.title ?? ''} ground truth`, 3],
    ]);
    expect(found[0]?.versions).toEqual([
      {
        id: 1,
        version: 'v1',
        created: '2025-01-15T10:00:00Z',
        description: '3 items',
        archived: false,
        items: 3,
      },
      {
        id: 2,
        version: 'v2',
        created: '2025-02-03T14:30:00Z',
        description: 'empty draft',
        archived: true,
        items: 0,
      },
    ]);
    expect(found[1]?.versions.map((v) => [v.id, v.items])).toEqual([[3, 0]]);
    const counts = fake.log.filter((e) => e.route === 'gt-events').map((e) => e.path);
    expect(counts).toHaveLength(4);
    expect(counts.every((p) => p.includes('page_size=1'))).toBe(true);
  });

  it('filters by project and can skip the counts', async () => {
    const found = await findGroundTruthVersions(client, { project: 1, counts: false });
    expect(found.map((d) => d.id)).toEqual([1]);
    expect(found[0]?.versions.map((v) => v.items)).toEqual([undefined, undefined]);
    expect(fake.log.filter((e) => e.route === 'gt-events')).toHaveLength(0);
    expect(fake.log.find((e) => e.route === 'v2-gt-datasets')?.path).toContain('project=1');
  });

  it('counts GT events and project items with one small request each', async () => {
    expect(await client.countGroundTruthEvents(1)).toBe(3);
    expect(await client.countGroundTruthEvents(2)).toBe(0);
    expect(await client.countItems('assignment', 1)).toBe(3);
    expect(await client.countItems('task', 1, { status: 'completed' })).toBe(3);
    expect(await client.countItems('task', 1, { status: 'rejected' })).toBe(0);
    expect(await client.countItems('assignment', 5)).toBe(0);
    expect(fake.log.every((e) => e.path.includes('page_size=1'))).toBe(true);
    expect(fake.log.some((e) => e.path.includes('expand'))).toBe(false);
  });
});

describe('not-found and auth hints say how to find the right id', () => {
  it('an unknown project names the id, the host and `synx projects list`', async () => {
    const err = await failure(client.getProject(999));
    expect(err.code).toBe('SYNX_NOT_FOUND');
    expect(err.message).toBe(`project 999 was not found on ${fake.url} (404: Not found.)`);
    expect(err.hint).toBe(PROJECT_NOT_FOUND_HINT);
    expect(err.hint).toContain('`synx projects list`');
    expect(err.hint).toContain('Help me find it');
  });

  it('a 400 "Select a valid choice" for project= is a not-found of that project', async () => {
    const err = await failure(client.listAssignments({ project: 999 }).count());
    expect(err.code).toBe('SYNX_NOT_FOUND');
    expect(err.status).toBe(400);
    expect(err.message).toMatch(
      new RegExp(
        `^project 999 was not found on ${fake.url.replace(/\./g, '\\.')} \\(400: project: Select a valid choice`,
      ),
    );
    expect(err.hint).toBe(PROJECT_NOT_FOUND_HINT);
    const tasks = await failure(client.countItems('task', 998));
    expect(tasks.message).toMatch(/^project 998 was not found/);
    // Other 400s stay validation errors.
    const missing = await failure(
      client.requestJson('GET', client.url('sdk/assignments/'), { what: 'assignments' }),
    );
    expect(missing.code).toBe('SYNX_VALIDATION');
  });

  it('unknown ground-truth versions and datasets point to `synx gt list`', async () => {
    const version = await failure(client.getGroundTruthVersion(77));
    expect(version.code).toBe('SYNX_NOT_FOUND');
    expect(version.message).toBe(
      `ground-truth version 77 was not found on ${fake.url} (404: Not found.)`,
    );
    expect(version.hint).toBe(GT_NOT_FOUND_HINT);
    expect(version.hint).toContain('`synx gt list`');
    const events = await failure(client.countGroundTruthEvents(77));
    expect(events.code).toBe('SYNX_NOT_FOUND');
    expect(events.message).toMatch(/^ground-truth version 77 was not found/);
    expect(events.hint).toBe(GT_NOT_FOUND_HINT);
    const list = async (): Promise<void> => {
      for await (const v of client.listGroundTruthDatasetVersions(9)) {
        expect(v).toBeUndefined();
      }
    };
    const dataset = await failure(list());
    expect(dataset.message).toMatch(/^ground-truth dataset 9 was not found/);
    expect(dataset.hint).toBe(GT_NOT_FOUND_HINT);
  });

  it('a rejected token points to `synx login` and `synx doctor`', async () => {
    const wrong = new SynapseClient({ host: fake.url, token: 'nope' });
    const err = await failure(new ProjectCatalog(wrong).find('', 1));
    expect(err.code).toBe('SYNX_AUTH');
    expect(err.hint).toContain('run `synx login` to store a token');
    expect(err.hint).toContain('`synx doctor` to check the setup');
    expect(err.hint).toContain('--token');
    expect(err.hint).toContain('SYNAPSE_ACCESS_TOKEN');
    wrong.close();
  });
});

describe('getProjectsPage', () => {
  it('hands out the next page as an opaque token and ends with undefined', async () => {
    const a = await client.getProjectsPage({ perPage: 100 });
    expect(a.items).toHaveLength(100);
    expect(a.next).toBeDefined();
    const b = await client.getProjectsPage({ perPage: 100, after: a.next });
    expect(b.items.map((p) => p.id)).toEqual(fake.catalog.projects.slice(100).map((p) => p.id));
    expect(b.next).toBeUndefined();
  });
});
