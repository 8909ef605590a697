import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynxError } from '@synx/model';
import {
  startFakeSynapse,
  writeSyntheticFolder,
  type FakeSynapse,
  type FakeUnit,
} from '@synx/fake-synapse';
import {
  downloadAll,
  MediaDownloader,
  type DownloadJob,
  type DownloadReport,
} from '../src/index.js';
import { eventLog, sha1File, tempDir } from './helpers.js';

const ITEMS = 200;
const source = tempDir('md-source');
let fake: FakeSynapse;
/** sha1 of each origin file, computed from the file itself (not from the fake). */
const originSha1 = new Map<number, string>();

beforeAll(async () => {
  await writeSyntheticFolder({
    outDir: source,
    items: ITEMS,
    objectsPerItem: 1,
    media: 'jpeg',
    padMediaTo: 100_000,
    seed: 21,
  });
  fake = await startFakeSynapse({ from: source, token: 'md-token', seed: 9 });
  for (const u of fake.dataset.units) {
    originSha1.set(u.dataUnitId, sha1File(u.entry.mediaPath!));
  }
}, 120_000);
afterAll(async () => {
  await fake.close();
});

function mediaPathOf(unit: FakeUnit): string {
  return `/media/${unit.dataUnitId}/${encodeURIComponent(unit.entry.mediaName!)}`;
}

async function jobFor(
  unit: FakeUnit,
  root: string,
  withChecksum: boolean,
  refresh = true,
): Promise<DownloadJob> {
  const facts = await fake.dataset.mediaFacts(unit);
  return {
    id: `item-${unit.dataUnitId}/image_1`,
    url: fake.mediaUrl(unit.dataUnitId),
    dest: join(root, 'images', unit.entry.mediaName!),
    size: facts!.size,
    ...(withChecksum ? { checksum: facts!.sha1 } : {}),
    ...(refresh
      ? {
          refresh: () => Promise.resolve(fake.mediaUrl(unit.dataUnitId)),
        }
      : {}),
  };
}

function expectIdentical(units: readonly FakeUnit[], root: string): void {
  for (const u of units) {
    const dest = join(root, 'images', u.entry.mediaName!);
    expect(sha1File(dest), dest).toBe(originSha1.get(u.dataUnitId));
  }
}

describe('downloading from the fake backend', () => {
  it('gets 200 files byte-identical through 5 % failures and expiring URLs', async () => {
    const root = tempDir('md-faults');
    // 5 % of media requests fail: 5xx bursts, dropped connections, bodies cut in half; signed
    // URLs live 300 ms and every request waits 30 ms, so URLs age out during the run.
    fake.setFaults({
      routes: {
        media: {
          serverError: 0.02,
          drop: 0.015,
          truncate: 0.015,
          expire: 0.01,
          urlTtlMs: 300,
          latencyMs: 30,
        },
      },
    });
    fake.log.length = 0;
    const units = fake.dataset.units;
    // Every URL is signed up front, as a caller listing a big project would have done.
    const jobs = await Promise.all(units.map((u) => jobFor(u, root, u.dataUnitId % 2 === 0)));
    const log = eventLog();
    const report = await downloadAll(jobs, {
      root,
      onEvent: log.onEvent,
      progressIntervalMs: 50,
      retry: { baseDelayMs: 20, maxDelayMs: 200 },
    });

    expect(report.failed).toEqual([]);
    expect(report.files).toBe(ITEMS);
    expect(report.downloaded).toBe(ITEMS);
    expectIdentical(units, root);
    expect(readdirSync(join(root, 'images')).filter((n) => n.endsWith('.partial'))).toEqual([]);

    // Faults really happened, and were retried or refreshed.
    const media = fake.log.filter((e) => e.route === 'media');
    const faults = (kind: string): number => media.filter((e) => e.fault === kind).length;
    expect(faults('server-error')).toBeGreaterThan(0);
    expect(faults('drop')).toBeGreaterThan(0);
    expect(faults('truncate')).toBeGreaterThan(0);
    const expired = media.filter((e) => e.status === 403 && e.fault === undefined).length;
    expect(expired).toBeGreaterThan(10); // real expiry, not the injected one
    // Every injected failure was retried (a cut-short 403 body is still a 403: refreshed).
    const failures = media.filter(
      (e) => e.status !== 403 && ['server-error', 'drop', 'truncate'].includes(e.fault ?? ''),
    );
    expect(report.retries).toBe(failures.length);
    expect(report.refreshes).toBe(media.filter((e) => e.status === 403).length);
    expect(log.of('refresh').length).toBe(report.refreshes);
    expect(log.of('retry').length).toBe(report.retries);
    // A body cut short is continued with a Range request from where it stopped (what reached
    // the client: the fake may drop unflushed bytes when it cuts a connection).
    for (const r of media.filter((e) => e.status === 206)) {
      const from = Number(/^bytes=(\d+)-$/.exec(r.range ?? '')?.[1]);
      const unit = units.find((u) => mediaPathOf(u) === r.path)!;
      expect(from).toBeGreaterThan(0);
      expect(from + r.bytes).toBe(statSync(unit.entry.mediaPath!).size);
    }
    const resumedIds = new Set(
      log
        .of('retry')
        .filter((e) => /cut short after [1-9]/.test(e.reason))
        .map((e) => e.id),
    );
    expect(log.of('done').filter((e) => resumedIds.has(e.id) && e.how !== 'resumed')).toEqual([]);
    const ranged = new Set(media.filter((e) => e.status === 206).map((e) => e.path));
    expect(report.resumed).toBe(ranged.size);
    // Requests per file = 1 + retries + refreshes (+ nothing else).
    expect(media.length).toBe(ITEMS + report.retries + report.refreshes);

    // Events: one start and one done per file, progress adds up at the end.
    expect(new Set(log.of('start').map((e) => e.id)).size).toBe(ITEMS);
    expect(log.of('done')).toHaveLength(ITEMS);
    const progress = log.of('progress');
    expect(progress.length).toBeGreaterThan(1);
    const last = progress[progress.length - 1]!;
    const total = units.reduce((n, u) => n + statSync(u.entry.mediaPath!).size, 0);
    expect(last).toMatchObject({
      filesDone: ITEMS,
      filesTotal: ITEMS,
      bytesDone: total,
      bytesTotal: total,
      etaS: 0,
    });
    expect(last.rate).toBeGreaterThan(0);
    for (const p of progress) {
      expect(p.filesDone).toBeLessThanOrEqual(p.filesTotal);
      expect(p.bytesDone).toBeLessThanOrEqual(p.bytesTotal);
    }
  }, 60_000);

  it('resumes after a kill: complete files are not requested again, partial ones continue with Range', async () => {
    const root = tempDir('md-resume');
    const units = fake.dataset.units.slice(0, 60);
    // A third of the first attempts are cut in half; their retry waits 10 s, long enough for
    // the abort to find them as .partial files.
    fake.setFaults({ routes: { media: { truncate: 0.35, maxConsecutive: 1, latencyMs: 5 } } });
    const controller = new AbortController();
    let done = 0;
    const first = new MediaDownloader({
      root,
      concurrency: 4,
      retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 },
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'done' && ++done === 25) {
          controller.abort();
        }
      },
    });
    let aborted: unknown;
    try {
      for (const u of units) {
        await first.add(await jobFor(u, root, true));
      }
      await first.finish();
    } catch (err) {
      aborted = err;
      await first.finish().catch((e: unknown) => {
        aborted = e;
      });
    }
    expect(aborted).toBeInstanceOf(SynxError);
    expect((aborted as SynxError).code).toBe('SYNX_ABORTED');
    const partialReport = (aborted as SynxError).details?.['report'] as DownloadReport;
    expect(partialReport.downloaded).toBeGreaterThanOrEqual(25);

    const names = readdirSync(join(root, 'images'));
    const complete = units.filter((u) => names.includes(u.entry.mediaName!));
    const partial = units.filter((u) => names.includes(`${u.entry.mediaName!}.partial`));
    expect(complete.length).toBeGreaterThanOrEqual(25);
    expect(complete.length).toBeLessThan(units.length);
    expectIdentical(complete, root);
    const partialSizes = new Map(
      partial.map((u) => [
        u.dataUnitId,
        statSync(join(root, 'images', `${u.entry.mediaName!}.partial`)).size,
      ]),
    );
    expect([...partialSizes.values()].filter((s) => s > 0).length).toBeGreaterThan(0);

    // Rerun without faults (fresh URLs: the old ones would have expired in real life too),
    // once the fake has logged the requests the abort cut off.
    await new Promise((r) => setTimeout(r, 100));
    fake.setFaults({});
    fake.log.length = 0;
    const log = eventLog();
    const report = await downloadAll(await Promise.all(units.map((u) => jobFor(u, root, true))), {
      root,
      concurrency: 4,
      onEvent: log.onEvent,
    });
    expect(report.failed).toEqual([]);
    expect(report.skipped).toBe(complete.length);
    expect(report.downloaded).toBe(units.length - complete.length);
    expectIdentical(units, root);
    expect(readdirSync(join(root, 'images')).filter((n) => n.endsWith('.partial'))).toEqual([]);

    const media = fake.log.filter((e) => e.route === 'media');
    for (const u of complete) {
      expect(media.filter((e) => e.path === mediaPathOf(u))).toEqual([]);
    }
    let ranged = 0;
    for (const u of partial) {
      const requests = media.filter((e) => e.path === mediaPathOf(u));
      expect(requests).toHaveLength(1);
      const size = partialSizes.get(u.dataUnitId)!;
      if (size > 0) {
        ranged++;
        expect(requests[0]).toMatchObject({ range: `bytes=${size}-`, status: 206 });
        expect(requests[0]!.bytes).toBe(statSync(u.entry.mediaPath!).size - size);
      }
    }
    expect(report.resumed).toBe(ranged);
    expect(log.of('skip').map((e) => e.verified)).toEqual(complete.map(() => 'size+checksum'));
  }, 60_000);

  it('honours Retry-After (and caps it)', async () => {
    const unit = fake.dataset.units[3]!;
    fake.setFaults({ routes: { media: { rateLimit: 1, retryAfterS: 1, maxConsecutive: 1 } } });
    fake.log.length = 0;
    const root = tempDir('md-retry-after');
    const log = eventLog();
    const report = await downloadAll([await jobFor(unit, root, true)], {
      root,
      onEvent: log.onEvent,
      retry: { baseDelayMs: 1 },
    });
    expect(report.failed).toEqual([]);
    const [first, second] = fake.log.filter((e) => e.route === 'media');
    expect(first).toMatchObject({ status: 429, fault: 'rate-limit' });
    expect(second).toMatchObject({ status: 200 });
    expect(second!.t - first!.t).toBeGreaterThanOrEqual(950);
    expect(log.of('retry')).toMatchObject([{ code: 'http-429', delayMs: 1000 }]);

    // maxRetryAfterMs caps what the server asks for.
    fake.setFaults({ routes: { media: { rateLimit: 1, retryAfterS: 30, maxConsecutive: 1 } } });
    fake.log.length = 0;
    const capped = await downloadAll([await jobFor(fake.dataset.units[4]!, root, true)], {
      root,
      retry: { maxRetryAfterMs: 100 },
    });
    expect(capped.failed).toEqual([]);
    const [a, b] = fake.log.filter((e) => e.route === 'media');
    expect(b!.t - a!.t).toBeGreaterThanOrEqual(90);
    expect(b!.t - a!.t).toBeLessThan(2_000);
    fake.setFaults({});
  }, 20_000);

  it('fails an expired URL it cannot refresh, without leaking the signature', async () => {
    fake.setFaults({ routes: { media: { urlTtlMs: 1 } } });
    const unit = fake.dataset.units[7]!;
    const root = tempDir('md-expired');
    const job = await jobFor(unit, root, true, false);
    fake.setFaults({});
    await new Promise((r) => setTimeout(r, 5));
    const signature = new URL(job.url).searchParams.get('signature')!;
    const log = eventLog();
    // Without refresh: fails at once with the server's reason.
    const report = await downloadAll([job], { root, onEvent: log.onEvent });
    expect(report.failed).toEqual([
      {
        id: job.id,
        dest: job.dest,
        code: 'http-403',
        reason: 'HTTP 403 AccessDenied: Request has expired',
        attempts: 1,
        status: 403,
      },
    ]);
    // With a refresh that keeps handing out dead URLs: bounded by maxRefreshes.
    fake.setFaults({ routes: { media: { urlTtlMs: 1 } } });
    const dead = await downloadAll(
      [
        {
          ...job,
          refresh: async () => {
            const u = fake.mediaUrl(unit.dataUnitId);
            await new Promise((r) => setTimeout(r, 3));
            return u;
          },
        },
      ],
      { root, maxRefreshes: 3, onEvent: log.onEvent },
    );
    fake.setFaults({});
    expect(dead.failed).toEqual([
      {
        id: job.id,
        dest: job.dest,
        code: 'http-403',
        reason: 'HTTP 403 AccessDenied: Request has expired (after 3 URL refreshes)',
        attempts: 4,
        status: 403,
      },
    ]);
    expect(dead.refreshes).toBe(3);
    expect(existsSync(job.dest)).toBe(false);
    const text = JSON.stringify([log.events, report, dead]);
    expect(text).not.toContain(signature);
    expect(text).not.toContain('signature=');
    expect(text).not.toContain('expires=');
  });
});
