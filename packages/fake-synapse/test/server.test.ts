import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FaultEngine,
  realFixture,
  startFakeSynapse,
  writeFolderFromCoco,
  type FakeSynapse,
} from '../src/index.js';
import { tempDir } from './helpers.js';

const TOKEN = 'tok_0123456789abcdef';
const dir = tempDir('fake-server');
let fake: FakeSynapse;

beforeAll(async () => {
  await writeFolderFromCoco({
    coco: realFixture('coco128', 'instances_train2017_subset.json'),
    outDir: dir,
    media: 'placeholder',
    projectId: 7,
  });
  fake = await startFakeSynapse({ from: dir, token: TOKEN, tenant: 'acme' });
});
afterAll(async () => {
  await fake.close();
});

async function get(
  path: string,
  headers: Record<string, string> = { 'Synapse-Access-Token': `Token ${TOKEN}` },
) {
  const res = await fetch(`${fake.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('fake Synapse: endpoints and auth', () => {
  it('binds to loopback and serves health without auth', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await get('/health/', {})).status).toBe(200);
  });

  it('accepts the three token forms and rejects others with DRF 401 bodies', async () => {
    expect((await get('/users/me/', { 'Synapse-Access-Token': `Token ${TOKEN}` })).status).toBe(
      200,
    );
    expect((await get('/users/me/', { 'SYNAPSE-ACCESS-TOKEN': TOKEN })).status).toBe(200);
    expect(
      (await get('/users/me/', { Authorization: `Token ${TOKEN}`, 'Synapse-Tenant': 'Token acme' }))
        .status,
    ).toBe(200);
    expect((await get('/users/me/', { Authorization: `Token ${TOKEN}` })).status).toBe(401);
    const wrong = await get('/users/me/', { 'Synapse-Access-Token': 'Token nope' });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.text)).toEqual({ detail: 'Invalid token.' });
    expect(JSON.parse((await get('/users/me/', {})).text)).toEqual({
      detail: 'Authentication credentials were not provided.',
    });
  });

  it('serves the project from project.json and 404s others', async () => {
    const p = JSON.parse((await get('/projects/7/')).text) as {
      id: number;
      configuration: { classification: object };
    };
    expect(p.id).toBe(7);
    expect(Object.keys(p.configuration.classification)).toContain('bounding_box');
    expect((await get('/projects/8/')).status).toBe(404);
  });

  it('paginates with the DRF envelope, absolute next links and page_size capped at 100', async () => {
    const first = JSON.parse(
      (await get('/sdk/assignments/?project=7&page_size=5&expand=data')).text,
    ) as {
      count: number;
      next: string;
      previous: null;
      results: { id: number; data: unknown; file: { url: string } }[];
    };
    expect(first.count).toBe(12);
    expect(first.results).toHaveLength(5);
    expect(first.previous).toBeNull();
    expect(first.next).toBe(
      `${fake.url}/sdk/assignments/?project=7&page_size=5&expand=data&page=2`,
    );
    const capped = JSON.parse((await get('/sdk/assignments/?project=7&page_size=1000')).text) as {
      results: unknown[];
      next: null;
    };
    expect(capped.results).toHaveLength(12);
    expect((await get('/sdk/assignments/?project=7&page=9')).status).toBe(404);
    expect(JSON.parse((await get('/sdk/assignments/')).text)).toEqual({
      project: ['This field is required.'],
    });
  });

  it("splices each item's DM v1 JSON into the page byte-for-byte", async () => {
    const text = (await get('/sdk/assignments/?project=7&page_size=1&expand=data')).text;
    const file = readFileSync(join(dir, 'json', '000000000009.json'), 'utf8');
    expect(text).toContain(`"data":${file}}`);
    const withoutData = JSON.parse((await get('/sdk/assignments/?project=7&page_size=1')).text) as {
      results: object[];
    };
    expect(withoutData.results[0]).not.toHaveProperty('data');
  });

  it('serves tasks with data units, GT events with categories, versions and storages', async () => {
    const tasks = JSON.parse((await get('/sdk/tasks/?project=7&expand=data_unit')).text) as {
      results: {
        data_unit: {
          meta: { filename: string };
          files: { image_1: { url: string; size: number; checksum: string } };
        };
      }[];
    };
    expect(tasks.results[0]?.data_unit.meta.filename).toBe('000000000009.jpg');
    expect(tasks.results[0]?.data_unit.files.image_1.checksum).toMatch(/^[0-9a-f]{40}$/);
    const events = JSON.parse(
      (await get('/sdk/ground_truth_events/?ground_truth_dataset_versions=1&expand=data')).text,
    ) as {
      count: number;
      results: { category: string }[];
    };
    expect(events.count).toBe(12);
    expect(new Set(events.results.map((e) => e.category)).size).toBeGreaterThan(0);
    for (const e of events.results) {
      expect(['train', 'validation', 'test']).toContain(e.category);
    }
    expect((await get('/ground_truth_dataset_versions/1/')).status).toBe(200);
    expect((await get('/storages/1/')).status).toBe(200);
    const v2 = JSON.parse((await get('/v2/projects/')).text) as {
      data: { id: number }[];
      meta: { pagination: object };
    };
    expect(v2.data.map((p) => p.id)).toEqual([7]);
  });
});

describe('fake Synapse: signed, expiring media URLs', () => {
  it('serves bytes without auth, honours Range, rejects bad signatures', async () => {
    const url = fake.mediaUrl(1);
    const bytes = readFileSync(join(dir, 'origin_files', '000000000009.jpg'));
    const full = await fetch(url);
    expect(full.status).toBe(200);
    expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);
    expect(full.headers.get('etag')).toBe(`"${createHash('sha1').update(bytes).digest('hex')}"`);
    const part = await fetch(url, { headers: { Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);
    const tail = await fetch(url, { headers: { Range: `bytes=${bytes.length}-` } });
    expect(tail.status).toBe(416);
    const forged = url.replace(/signature=[0-9a-f]{4}/, 'signature=0000');
    expect((await fetch(forged)).status).toBe(403);
  });

  it('expires URLs after their lifetime', async () => {
    fake.setFaults({ routes: { media: { urlTtlMs: 50 } } });
    const url = fake.mediaUrl(2);
    await new Promise((r) => setTimeout(r, 80));
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Request has expired');
    fake.setFaults({});
  });
});

describe('fault injection', () => {
  it('is deterministic for a seed and bounded per request', () => {
    const decide = (seed: number) => {
      const engine = new FaultEngine(
        { drop: 0.3, truncate: 0.3, rateLimit: 0.3, maxConsecutive: 2 },
        seed,
      );
      return Array.from(
        { length: 50 },
        (_, i) => engine.decide('assignments', `GET /x?page=${i % 5}`).kind,
      );
    };
    expect(decide(3)).toEqual(decide(3));
    expect(decide(3)).not.toEqual(decide(4));
    const engine = new FaultEngine({ drop: 1, maxConsecutive: 3 });
    const kinds = Array.from({ length: 8 }, () => engine.decide('media', 'GET /m').kind);
    expect(kinds).toEqual(['drop', 'drop', 'drop', 'none', 'drop', 'drop', 'drop', 'none']);
  });

  it('5xx bursts fail the same request several times in a row', () => {
    const engine = new FaultEngine({ serverError: 1, burst: 3, maxConsecutive: 5 });
    const kinds = Array.from({ length: 4 }, () => engine.decide('tasks', 'GET /t').kind);
    expect(kinds.slice(0, 3)).toEqual(['server-error', 'server-error', 'server-error']);
  });

  it('applies per-route switches: 429 with Retry-After, drops, truncated bodies, latency', async () => {
    fake.setFaults({ routes: { users: { rateLimit: 1, retryAfterS: 2, maxConsecutive: 1 } } });
    const limited = await get('/users/me/');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await get('/users/me/')).status).toBe(200); // bounded: the second try passes
    expect((await get('/health/', {})).status).toBe(200); // other routes untouched

    fake.setFaults({ routes: { agents: { drop: 1 } } });
    await expect(get('/agents/')).rejects.toThrow();
    fake.setFaults({ routes: { agents: { truncate: 1 } } });
    await expect(get('/agents/')).rejects.toThrow();
    fake.setFaults({ routes: { storages: { latencyMs: 120 } } });
    const t0 = Date.now();
    await get('/storages/1/');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    fake.setFaults({});
    const logged = fake.log.filter((e) => e.route === 'agents').map((e) => e.fault);
    expect(logged).toEqual(['drop', 'truncate']);
  });
});

describe('fake-synapse command', () => {
  it('prints the base URL and serves the folder until stopped', async () => {
    const bin = join(import.meta.dirname, '..', 'bin', 'fake-synapse.js');
    const child = spawn(
      process.execPath,
      [bin, '--from', dir, '--token', 'cli-token', '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => {
        resolve(d.toString().trim());
      });
      child.once('exit', (code) => {
        reject(new Error(`exited ${code}`));
      });
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/sdk/tasks/?project=7`, {
      headers: { 'SYNAPSE-ACCESS-TOKEN': 'cli-token' },
    });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  });
});
