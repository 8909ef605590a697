import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeSynapse,
  writeSyntheticFolder,
  type FakeSynapse,
  type FaultConfig,
} from '@synx/fake-synapse';
import { rawMember, SynapseClient, type PageEntry, type Assignment } from '../src/index.js';
import { tempDir } from './helpers.js';

const TOKEN = 'syn_listing_token_1234';
const dir = tempDir('client-2500');
let fake: FakeSynapse;

beforeAll(async () => {
  await writeSyntheticFolder({
    outDir: dir,
    items: 2500,
    objectsPerItem: 2,
    media: 'none',
    seed: 11,
  });
  fake = await startFakeSynapse({ from: dir, token: TOKEN, seed: 5 });
}, 120_000);
afterAll(async () => {
  await fake.close();
});

function client(
  extra: Partial<ConstructorParameters<typeof SynapseClient>[0]> = {},
): SynapseClient {
  return new SynapseClient({
    host: fake.url,
    token: TOKEN,
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5 },
    ...extra,
  });
}

async function listAll(c: SynapseClient): Promise<PageEntry<Assignment>[]> {
  const out: PageEntry<Assignment>[] = [];
  for await (const e of c.listAssignments({ project: 1 }).entries()) {
    out.push(e);
  }
  c.close();
  return out;
}

describe('listing 2,500 assignments', () => {
  let baseline: PageEntry<Assignment>[] = [];

  it('returns every assignment in server order with prefetch on, fetching page 1 once', async () => {
    fake.setFaults({});
    fake.log.length = 0;
    const c = client({ prefetch: 4 });
    const list = c.listAssignments({ project: 1 });
    expect(await list.count()).toBe(2500);
    baseline = [];
    for await (const e of list.entries()) {
      baseline.push(e);
    }
    c.close();
    const expected = fake.dataset.units.map((u) => u.assignmentIds[0]);
    expect(baseline.map((e) => e.value.id)).toEqual(expected);
    const pages = fake.log
      .filter((e) => e.route === 'assignments')
      .map((e) => new URL(e.path, fake.url).searchParams.get('page') ?? '1');
    expect(pages.filter((p) => p === '1')).toHaveLength(1);
    expect(new Set(pages).size).toBe(25);
    expect(pages).toHaveLength(25);
  });

  it("keeps each item's DM v1 text exactly as served", async () => {
    const unit = fake.dataset.units[1234];
    const entry = baseline[1234];
    expect(unit && entry).toBeTruthy();
    expect(rawMember(entry!.raw, 'data')).toBe(await fake.dataset.dataText(unit!));
  });

  const switches: [string, FaultConfig][] = [
    ['latency', { latencyMs: 5 }],
    ['429 with Retry-After', { rateLimit: 0.1, retryAfterS: 0 }],
    ['5xx bursts', { serverError: 0.1, burst: 2 }],
    ['dropped connections', { drop: 0.1 }],
    ['truncated bodies', { truncate: 0.1 }],
    [
      'all together at 10% each',
      {
        latencyMs: 2,
        rateLimit: 0.1,
        retryAfterS: 0,
        serverError: 0.1,
        burst: 2,
        drop: 0.1,
        truncate: 0.1,
      },
    ],
  ];
  for (const [name, faults] of switches) {
    it(`survives ${name} and returns exactly the fault-free items`, async () => {
      fake.setFaults(faults);
      fake.log.length = 0;
      const got = await listAll(client({ prefetch: 4 }));
      fake.setFaults({});
      expect(got.length).toBe(baseline.length);
      expect(got.map((e) => e.raw)).toEqual(baseline.map((e) => e.raw));
      if (name !== 'latency') {
        expect(fake.log.some((e) => e.fault !== undefined)).toBe(true);
      }
    });
  }

  it('with prefetch off gives the same items, sequentially', async () => {
    const got = await listAll(client({ prefetch: 1 }));
    expect(got.map((e) => e.value.id)).toEqual(baseline.map((e) => e.value.id));
  });

  it('stops cleanly when the consumer breaks early and cancels pages in flight', async () => {
    const c = client({ prefetch: 8 });
    let n = 0;
    for await (const a of c.listAssignments({ project: 1 })) {
      expect(a.id).toBeDefined();
      if (++n === 150) {
        break;
      }
    }
    c.close();
    expect(n).toBe(150);
  });

  it('an AbortSignal cancels a listing with SYNX_ABORTED', async () => {
    const ac = new AbortController();
    const c = client();
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of c.listAssignments({ project: 1 }, { signal: ac.signal })) {
          if (++n === 10) {
            ac.abort();
          }
        }
      })(),
    ).rejects.toMatchObject({ code: 'SYNX_ABORTED' });
    c.close();
  });
});
