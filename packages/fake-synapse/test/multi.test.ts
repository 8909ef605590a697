import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SynapseFolderWriter } from '@synx/synapse-folder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSynapse, writeSyntheticFolder, type FakeSynapse } from '../src/index.js';
import { tempDir } from './helpers.js';

const TOKEN = 'tok_multi_0123456789';
const images = tempDir('fake-multi-images');
const texts = tempDir('fake-multi-texts');
const bare = tempDir('fake-multi-bare');
/** The second text file: a BOM, non-ASCII letters, an emoji and CRLF line ends. */
const TEXT_2 = '\ufeffZoë Okafor met the board in München 🎉\r\nThe vote is on Monday.\r\n';
let fake: FakeSynapse;

interface DrfPage<T> {
  count: number;
  next: string | null;
  results: T[];
}
interface FileObject {
  url: string;
  size: number;
  checksum: string;
  file_type: string;
  file_name_original: string;
  is_primary: boolean;
}
interface Assignment {
  id: number;
  project: number;
  task: { id: number };
  files: Record<string, FileObject>;
  data_unit: { id: number; files: Record<string, FileObject> };
  data?: { annotations: Record<string, unknown[]> };
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the body's shape
async function getJson<T>(
  path: string,
  server: FakeSynapse = fake,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, { headers: { 'SYNAPSE-ACCESS-TOKEN': TOKEN } });
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  await writeSyntheticFolder({ outDir: images, items: 5, media: 'jpeg', seed: 5 });
  const project = JSON.parse(readFileSync(join(images, 'project.json'), 'utf8')) as object;
  writeFileSync(
    join(images, 'project.json'),
    JSON.stringify({ ...project, id: 42, title: 'Street' }),
  );

  const w = new SynapseFolderWriter(texts);
  await w.writeProject({
    id: 44,
    title: 'News',
    category: 'text',
    configuration: {
      schema_type: 'dm_schema',
      classification: {
        named_entity: { classification_schema: [{ code: 'PER', name: 'Person' }] },
      },
    },
  });
  const bodies = ['Ana Lima joined Acme.\n', TEXT_2, 'No names here.\n'];
  for (const [i, body] of bodies.entries()) {
    const stem = `news_${i + 1}`;
    await w.write({
      stem,
      data: {
        annotations: {
          text_1: [{ id: `e${i}`, tool: 'named_entity', classification: { class: 'PER' } }],
        },
        annotationsData: {
          text_1: [
            {
              id: `e${i}`,
              ranges: [{ start: '/p[1]', startOffset: 0, end: '/p[1]', endOffset: 3 }],
              content: body.replace(/^\ufeff/, '').slice(0, 3),
            },
          ],
        },
      },
      media: { name: `${stem}.txt`, bytes: Buffer.from(body, 'utf8') },
    });
  }

  // A folder without project.json: it gets the next id above those taken (45).
  await writeSyntheticFolder({ outDir: bare, items: 2, media: 'none', seed: 9 });
  rmSync(join(bare, 'project.json'));

  fake = await startFakeSynapse({ from: [images, texts, bare], token: TOKEN });
});
afterAll(async () => {
  await fake.close();
});

describe('several folders, several projects', () => {
  it('lists every folder as a project with its own task count', async () => {
    const { body } = await getJson<{
      data: { id: number; title: string; category: string; task_count: number }[];
    }>('/v2/projects/');
    expect(body.data.map((p) => [p.id, p.category, p.task_count])).toEqual([
      [42, 'image', 5],
      [44, 'text', 3],
      [45, 'image', 2],
    ]);
    expect(fake.projectId).toBe(42);
    expect(fake.dataset).toBe(fake.datasets[0]);
    expect(fake.datasets.map((d) => d.projectId)).toEqual([42, 44, 45]);
    const news = await getJson<{
      id: number;
      title: string;
      category: string;
      configuration: object;
    }>('/projects/44/');
    expect(news.body).toMatchObject({ id: 44, title: 'News', category: 'text' });
    expect(Object.keys(news.body.configuration)).toContain('classification');
    const v2 = await getJson<{ id: number; task_count: number; configuration: object }>(
      '/v2/projects/44/',
    );
    expect(v2.body).toMatchObject({ id: 44, task_count: 3 });
    expect((await getJson('/projects/43/')).status).toBe(404);
    expect(
      (await getJson<{ data: { id: number }[] }>('/v2/projects/?category=text')).body.data,
    ).toHaveLength(1);
  });

  it("serves each project's own assignments and tasks, ids never colliding", async () => {
    const seen = {
      unit: new Set<number>(),
      task: new Set<number>(),
      assignment: new Set<number>(),
    };
    for (const [id, n] of [
      [42, 5],
      [44, 3],
      [45, 2],
    ] as const) {
      const { status, body } = await getJson<DrfPage<Assignment>>(
        `/sdk/assignments/?project=${id}&expand=data`,
      );
      expect(status).toBe(200);
      expect(body.count).toBe(n);
      for (const a of body.results) {
        expect(a.project).toBe(id);
        seen.unit.add(a.data_unit.id);
        seen.task.add(a.task.id);
        seen.assignment.add(a.id);
        // the single-object routes find the unit of any folder
        expect((await getJson<Assignment>(`/assignments/${a.id}/`)).body.project).toBe(id);
        expect((await getJson<{ project: number }>(`/tasks/${a.task.id}/`)).body.project).toBe(id);
      }
      const tasks = await getJson<DrfPage<{ project: number }>>(`/sdk/tasks/?project=${id}`);
      expect(tasks.body.results.every((t) => t.project === id)).toBe(true);
    }
    expect(seen.unit.size).toBe(10);
    expect(seen.task.size).toBe(10);
    expect(seen.assignment.size).toBe(10);
    const news = await getJson<DrfPage<Assignment>>('/sdk/assignments/?project=44&expand=data');
    expect(Object.keys(news.body.results[0]?.data?.annotations ?? {})).toEqual(['text_1']);
  });

  it('serves text files like media: files.text_1 with url, size, checksum, and the exact bytes', async () => {
    const { body } = await getJson<DrfPage<Assignment>>('/sdk/assignments/?project=44');
    const second = body.results[1];
    const file = second?.data_unit.files['text_1'];
    expect(Object.keys(second?.files ?? {})).toEqual(['text_1']);
    const bytes = Buffer.from(TEXT_2, 'utf8');
    expect(file).toMatchObject({
      file_name_original: 'news_2.txt',
      file_type: 'text',
      is_primary: true,
      size: bytes.length,
      checksum: createHash('sha1').update(bytes).digest('hex'),
    });
    const res = await fetch(file?.url ?? '');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    const unit = await getJson<{ id: number; files: Record<string, FileObject> }>(
      `/data_units/${second?.data_unit.id ?? 0}/`,
    );
    expect(unit.body.files['text_1']?.size).toBe(bytes.length);
    expect(fake.mediaUrl(second?.data_unit.id ?? 0)).toMatch(/\/media\/\d+\/news_2\.txt\?/);
  });

  it('gives each project its own ground-truth dataset and version with its items', async () => {
    const ds = await getJson<{ data: { id: number; project_id: number }[] }>(
      '/v2/ground-truth-datasets/',
    );
    expect(ds.body.data.map((d) => [d.id, d.project_id])).toEqual([
      [1, 42],
      [2, 44],
      [3, 45],
    ]);
    const versions = await getJson<{ data: { id: number }[] }>(
      '/v2/ground-truth-datasets/2/versions/',
    );
    const [version] = versions.body.data;
    expect(version).toBeDefined();
    const events = await getJson<
      DrfPage<{ project: number; ground_truth_dataset_version: number }>
    >(`/sdk/ground_truth_events/?ground_truth_dataset_versions=${version?.id ?? 0}`);
    expect(events.body.count).toBe(3);
    expect(events.body.results.every((e) => e.project === 44)).toBe(true);
    expect(events.body.results[0]?.ground_truth_dataset_version).toBe(version?.id);
    // version 2 is still the empty, archived draft of the first project
    expect(
      (await getJson<DrfPage<unknown>>('/sdk/ground_truth_events/?ground_truth_dataset_versions=2'))
        .body.count,
    ).toBe(0);
  });

  it('refuses two folders of one project id', async () => {
    await expect(startFakeSynapse({ from: [images, images] })).rejects.toThrow(/both project 42/);
    await expect(startFakeSynapse({ from: [] })).rejects.toThrow(/at least one folder/);
  });

  it('the command takes --from several times', async () => {
    const bin = join(import.meta.dirname, '..', 'bin', 'fake-synapse.js');
    const child = spawn(
      process.execPath,
      [bin, '--from', images, '--from', texts, '--token', TOKEN],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => {
        resolve(d.toString().trim());
      });
      child.once('exit', (code) => {
        reject(new Error(`exited ${code}`));
      });
    });
    try {
      for (const [id, n] of [
        [42, 5],
        [44, 3],
      ] as const) {
        const res = await fetch(`${url}/sdk/tasks/?project=${id}`, {
          headers: { 'SYNAPSE-ACCESS-TOKEN': TOKEN },
        });
        expect(((await res.json()) as DrfPage<unknown>).count).toBe(n);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
