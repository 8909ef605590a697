import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSynapse, type FakeSynapse } from '@synx/fake-synapse';
import { DEMO, synx } from './helpers.js';

const TOKEN = 'syn_finder_cli_token_24680';
let fake: FakeSynapse;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeSynapse({ from: DEMO, token: TOKEN, extraProjects: 130 });
  env = { SYNAPSE_HOST: fake.url, SYNAPSE_ACCESS_TOKEN: TOKEN };
});
afterAll(async () => {
  await fake.close();
});

interface ProjectsJson {
  projects: { id: number; title: string; category: string; task_count: number }[];
  more: boolean;
}

/** The fake's projects whose title or id contains `term`, case-insensitively, in list order. */
function matching(term: string): { id: number; title: string }[] {
  const t = term.toLowerCase();
  return fake.catalog.projects.filter(
    (p) => p.title.toLowerCase().includes(t) || String(p.id).includes(t),
  );
}

describe('synx projects list', () => {
  it('is listed in the help with its flags, as is gt list', async () => {
    const top = await synx(['--help']);
    expect(top.stdout).toMatch(/projects\s+Find projects/);
    expect(top.stdout).toMatch(/gt\s+Find ground-truth/);
    const help = await synx(['projects', 'list', '--help']);
    for (const flag of [
      '--search',
      '--category',
      '--limit',
      '--all',
      '--json',
      '--host',
      '--token',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    expect((await synx(['gt', 'list', '--help'])).stdout).toContain('--project');
  });

  it('prints a table of the first projects and says how to see more', async () => {
    fake.log.length = 0;
    const r = await synx(['projects', 'list', '--limit', '5'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+title\s+category\s+items\s+created$/);
    expect(lines).toHaveLength(7);
    const first = fake.catalog.projects[0];
    expect(lines[1]).toMatch(
      new RegExp(
        `^1\\s+${first?.title ?? ''}\\s+${first?.category ?? ''}\\s+0\\s+\\d{4}-\\d\\d-\\d\\d$`,
      ),
    );
    expect(lines[6]).toBe('… more: --limit 10 or --search TEXT');
    // Only one page of 100 was needed for 6 projects.
    expect(fake.log.filter((e) => e.route === 'v2-projects')).toHaveLength(1);
  });

  it('--search filters by title, case-insensitively, and shows the item count', async () => {
    const r = await synx(['projects', 'list', '--search', 'STREET SCENES'], { env });
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').slice(1);
    const want = matching('street scenes');
    expect(want.length).toBeGreaterThan(3);
    expect(rows.map((l) => Number(l.split(/\s+/)[0]))).toEqual(want.map((p) => p.id));
    const demo = rows.find((l) => l.startsWith('42 '));
    expect(demo).toMatch(/^42\s+Street scenes demo\s+image\s+30\s+\d{4}-/);
    expect(r.stdout).not.toContain('more:');
  });

  it('--json returns the projects and whether more exist', async () => {
    const some = await synx(['projects', 'list', '--search', 'street', '--limit', '2', '--json'], {
      env,
    });
    expect(some.code).toBe(0);
    const a = JSON.parse(some.stdout) as ProjectsJson;
    expect(a.projects.map((p) => p.id)).toEqual(
      matching('street')
        .slice(0, 2)
        .map((p) => p.id),
    );
    expect(a.more).toBe(true);
    const byId = JSON.parse(
      (await synx(['projects', 'list', '--search', '42', '--json'], { env })).stdout,
    ) as ProjectsJson;
    expect(byId).toEqual({
      projects: [
        {
          id: 42,
          title: 'Street scenes demo',
          category: 'image',
          task_count: 30,
          created: expect.any(String) as unknown,
          is_archived: false,
          description: 'Generated demo project for synx',
        },
      ],
      more: false,
    });
    const all = JSON.parse(
      (await synx(['projects', 'list', '--all', '--json'], { env })).stdout,
    ) as ProjectsJson;
    expect(all.projects).toHaveLength(131);
    expect(all.more).toBe(false);
    const pcd = JSON.parse(
      (await synx(['projects', 'list', '--category', 'pcd', '--all', '--json'], { env })).stdout,
    ) as ProjectsJson;
    expect(pcd.projects.length).toBeGreaterThan(0);
    expect(pcd.projects.every((p) => p.category === 'pcd')).toBe(true);
  });

  it('says so when nothing matches', async () => {
    const r = await synx(['projects', 'list', '--search', 'no such thing'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('no project title or id contains "no such thing"');
  });

  it('without a token: SYNX_AUTH (exit 3) pointing to `synx login`', async () => {
    const r = await synx(['projects', 'list'], { env: { SYNAPSE_HOST: fake.url } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`no access token for ${fake.url}`);
    expect(r.stderr).toContain('`synx login`');
  });

  it('a rejected token: exit 3 pointing to `synx login` and `synx doctor`', async () => {
    const r = await synx(['projects', 'list', '--token', 'wrong-token'], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('rejected the access token');
    expect(r.stderr).toContain('`synx login`');
    expect(r.stderr).toContain('`synx doctor`');
    expect(r.stderr).not.toContain('wrong-token');
  });
});

describe('synx gt list', () => {
  it('prints each dataset with its versions, items, dates and archived state', async () => {
    const r = await synx(['gt', 'list'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('dataset 1: Street scenes demo ground truth (project 42)');
    expect(lines[1]).toMatch(/^ {2}version id\s+name\s+items\s+created$/);
    expect(lines[2]).toMatch(/^ {2}1\s+v1\s+30\s+2025-01-15$/);
    expect(lines[3]).toMatch(/^ {2}2\s+v2\s+0\s+2025-02-03\s+archived$/);
    expect(r.stdout).toContain(`dataset 2: ${fake.catalog.project(1)?.title ?? ''} ground truth`);
    expect(r.stdout).toContain('synx export --gt-version ID');
  });

  it('--project and --json', async () => {
    const r = await synx(['gt', 'list', '--project', '42', '--json'], { env });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      datasets: { id: number; projectId: number; versions: { id: number; items: number }[] }[];
    };
    expect(out.datasets.map((d) => [d.id, d.projectId])).toEqual([[1, 42]]);
    expect(out.datasets[0]?.versions.map((v) => [v.id, v.items])).toEqual([
      [1, 30],
      [2, 0],
    ]);
    const none = await synx(['gt', 'list', '--project', '77'], { env });
    expect(none.stdout.trim()).toBe('no ground-truth datasets in project 77');
  });
});

describe('synx export: a wrong id says how to find the right one', () => {
  it('--project 999: exit 4 with the id, the host and `synx projects list`', async () => {
    const r = await synx(['export', '--project', '999', '--format', 'coco'], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('project 999 was not found');
    expect(r.stderr).toContain(fake.url);
    expect(r.stderr).toContain('`synx projects list`');
    expect(r.stdout).toBe('');
  });

  it('--gt-version 99: exit 4 naming `synx gt list`', async () => {
    const r = await synx(['export', '--gt-version', '99', '--format', 'coco'], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('ground-truth version 99 was not found');
    expect(r.stderr).toContain(fake.url);
    expect(r.stderr).toContain('`synx gt list`');
  });

  it('an archived, empty version exports nothing, without failing', async () => {
    const r = await synx(['export', '--gt-version', '2', '--format', 'coco', '--dry-run'], {
      env,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/items\s+0 /);
  });
});
