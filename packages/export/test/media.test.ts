import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { startFakeSynapse, writeSyntheticFolder, type FakeSynapse } from '@synx/fake-synapse';
import { cocoFormat } from '@synx/format-coco';
import { readImageHeaderFromFileSync } from '@synx/image-header';
import { yoloFormat } from '@synx/format-yolo';
import { parseSplitRatios } from '@synx/split';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRange, openApiSource } from '@synx/export/api';
import { runExport, type ExportManifest } from '../src/index.js';
import { tempDir } from './helpers.js';

const coco = cocoFormat;
const yolo = yoloFormat;
const root = tempDir('media');
const TOKEN = 'media-test-token-5f2c';
const src = join(root, 'src');

const sha1 = (path: string): string => createHash('sha1').update(readFileSync(path)).digest('hex');

/** Every file under `dir` (relative path → sha1). */
function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else {
        out.set(relative(dir, p), sha1(p));
      }
    }
  };
  walk(dir);
  return out;
}

const originals = (): Map<string, string> => {
  const out = new Map<string, string>();
  for (const f of readdirSync(join(src, 'origin_files'))) {
    out.set(f, sha1(join(src, 'origin_files', f)));
  }
  return out;
};

describe('--save-original-files from a folder', () => {
  beforeAll(async () => {
    await writeSyntheticFolder({ outDir: src, items: 60, objectsPerItem: 2, seed: 13 });
  });

  it.each(['copy', 'hardlink', 'symlink'] as const)(
    '%s: every image lands in its split folder, byte-identical; a rerun skips them',
    async (mode) => {
      const out = join(root, `local-${mode}`);
      const request = {
        source: { kind: 'folder' as const, dir: src },
        format: yolo,
        output: out,
        split: { ratios: parseSplitRatios('0.5/0.5'), seed: 1 },
        media: { mode },
      };
      const first = await runExport(request);
      expect(first.media).toMatchObject({ mode, files: 60, failedCount: 0 });
      const want = originals();
      const got = new Map<string, string>();
      for (const split of ['train', 'val']) {
        const labels = readdirSync(join(out, 'labels', split)).map((f) => f.replace(/\.txt$/, ''));
        const images = readdirSync(join(out, 'images', split));
        // the images of a split are exactly the ones its labels name
        expect(images.map((f) => f.replace(/\.jpg$/, '')).sort()).toEqual(labels.sort());
        for (const f of images) {
          got.set(f, sha1(join(out, 'images', split, f)));
        }
      }
      expect(got).toEqual(want);
      const again = await runExport(request);
      expect(again.media).toMatchObject({ skipped: 60, bytes: 0, failedCount: 0 });
    },
  );
});

describe('image sizes from the API when URLs expire', () => {
  it('re-signs an expired URL to read the header: no image loses its size', async () => {
    // `src` has no sizes in its data-unit meta: every size comes from a header read, and 20% of
    // media requests are refused as expired.
    const fake = await startFakeSynapse({
      from: src,
      token: TOKEN,
      seed: 3,
      faults: { routes: { media: { expire: 0.2 } } },
    });
    try {
      const out = join(root, 'sizes-expired');
      const summary = await runExport({
        source: {
          kind: 'api',
          host: fake.url,
          token: TOKEN,
          target: 'assignment',
          project: fake.projectId,
        },
        format: coco,
        output: out,
      });
      expect(summary.counts.unsizedImages).toBe(0);
      expect(summary.issues.byCode.map((c) => c.code)).not.toContain('SYNX_IMAGE_UNREADABLE');
      expect(
        fake.log.filter((e) => e.route === 'media' && e.status === 403).length,
      ).toBeGreaterThan(5);
      expect(fake.log.some((e) => e.route === 'data-units')).toBe(true);
      const data = JSON.parse(
        readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8'),
      ) as {
        images: { width: number; height: number }[];
      };
      expect(data.images.every((i) => i.width > 0 && i.height > 0)).toBe(true);
    } finally {
      await fake.close();
    }
  });
});

/** A labels export request from the fake backend's project into `out` (YOLO). */
function apiRequest(fake: FakeSynapse, out: string) {
  return {
    source: {
      kind: 'api' as const,
      host: fake.url,
      token: TOKEN,
      target: 'assignment' as const,
      project: fake.projectId,
    },
    format: yolo,
    output: out,
  };
}

describe('image sizes from copies already on disk', () => {
  it('sizes come from the downloaded bytes (one request per image); a rerun reads them from disk: no request, the same labels', async () => {
    // `src` has no sizes in its data-unit meta: the first run downloads each image once and
    // reads its size from the saved file, with no separate header read.
    const fake = await startFakeSynapse({ from: src, token: TOKEN, seed: 4 });
    try {
      const out = join(root, 'sizes-on-disk');
      const request = { ...apiRequest(fake, out), media: {} };
      const first = await runExport(request);
      expect(first.counts.unsizedImages).toBe(0);
      const mediaRequests = fake.log.filter((e) => e.route === 'media');
      expect(mediaRequests.filter((e) => e.range === 'bytes=0-16383')).toEqual([]);
      expect(mediaRequests).toHaveLength(60);
      expect(new Set(mediaRequests.map((e) => e.path)).size).toBe(60);
      const labels = hashes(join(out, 'labels'));
      fake.log.length = 0;
      // Every media request now fails: a header read would leave the image unsized.
      fake.setFaults({ routes: { media: { serverError: 1, burst: 100, maxConsecutive: 100 } } });
      const second = await runExport({ ...request, media: undefined, retry: { retries: 0 } });
      expect(second.status).toBe('complete');
      expect(second.counts.unsizedImages).toBe(0);
      expect(fake.log.filter((e) => e.route === 'media')).toEqual([]);
      expect(hashes(join(out, 'labels'))).toEqual(labels);
    } finally {
      await fake.close();
    }
  });
});

describe('the size cache in the output folder', () => {
  it('a labels-only rerun asks for no header: sizes come from synx-image-sizes.jsonl', async () => {
    const fake = await startFakeSynapse({ from: src, token: TOKEN, seed: 5 });
    try {
      const out = join(root, 'size-cache');
      const request = apiRequest(fake, out);
      const first = await runExport(request);
      expect(first.counts.unsizedImages).toBe(0);
      const reads = fake.log.filter((e) => e.route === 'media');
      expect(reads).toHaveLength(60);
      expect(reads.every((e) => e.range === 'bytes=0-16383')).toBe(true);
      const cache = readFileSync(join(out, 'synx-image-sizes.jsonl'), 'utf8');
      const lines = cache.trim().split('\n');
      expect(lines).toHaveLength(60);
      // Keyed by the URL without its signature, plus checksum and size.
      for (const line of lines) {
        const e = JSON.parse(line) as { k: string; w: number; h: number };
        expect(e.k).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/media\/[^?|]+\|[0-9a-f]{40}\|\d+$/);
        expect(e.w).toBeGreaterThan(0);
        expect(e.h).toBeGreaterThan(0);
      }
      const labels = hashes(join(out, 'labels'));
      fake.log.length = 0;
      // Every media request now fails: a header read would leave the image unsized.
      fake.setFaults({ routes: { media: { serverError: 1, burst: 100, maxConsecutive: 100 } } });
      const second = await runExport({ ...request, retry: { retries: 0 } });
      expect(second.status).toBe('complete');
      expect(second.counts.unsizedImages).toBe(0);
      expect(fake.log.filter((e) => e.route === 'media')).toEqual([]);
      expect(hashes(join(out, 'labels'))).toEqual(labels);
      // The same run writes the same cache.
      expect(readFileSync(join(out, 'synx-image-sizes.jsonl'), 'utf8')).toBe(cache);
    } finally {
      await fake.close();
    }
  });

  it('a torn or foreign line is ignored: that size is read again', async () => {
    const fake = await startFakeSynapse({ from: src, token: TOKEN, seed: 6 });
    try {
      const out = join(root, 'size-cache-torn');
      const request = apiRequest(fake, out);
      await runExport(request);
      const path = join(out, 'synx-image-sizes.jsonl');
      const lines = readFileSync(path, 'utf8').trim().split('\n');
      // Drop two entries, tear one, and claim an absurd size for none of them.
      writeFileSync(path, `${lines.slice(3).join('\n')}\n${lines[2]?.slice(0, 20) ?? ''}`);
      const labels = hashes(join(out, 'labels'));
      fake.log.length = 0;
      const again = await runExport(request);
      expect(again.status).toBe('complete');
      expect(fake.log.filter((e) => e.route === 'media')).toHaveLength(3);
      expect(hashes(join(out, 'labels'))).toEqual(labels);
      expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(60);
    } finally {
      await fake.close();
    }
  });
});

describe('--save-original-files from the API', () => {
  let fake: FakeSynapse;
  const apiSrc = join(root, 'api-src');
  beforeAll(async () => {
    await writeSyntheticFolder({
      outDir: apiSrc,
      items: 150,
      objectsPerItem: 1,
      seed: 17,
      padMediaTo: 20_000,
    });
    const stems = readdirSync(join(apiSrc, 'json'))
      .map((f) => f.replace(/\.json$/, ''))
      .sort();
    // names a server could send; each must land inside the output folder
    const fileNames: Record<string, string> = {
      [stems[0] ?? '']: '../../etc/passwd',
      [stems[1] ?? '']: 'a/b\\c.jpg',
      [stems[2] ?? '']: '/abs/olute.jpg',
      [stems[3] ?? '']: 'ctrl\u0007\u0000name.jpg',
      [stems[4] ?? '']: '..',
      [stems[5] ?? '']: 'Ünïcödé 写真.JPG',
      [stems[6] ?? '']: 'same.jpg',
      [stems[7] ?? '']: 'SAME.jpg',
    };
    // sizes in the data-unit meta, as Synapse gives them, so no header reads are needed
    const dataUnitMeta: Record<string, { width: number; height: number }> = {};
    for (const stem of stems) {
      const h = readImageHeaderFromFileSync(join(apiSrc, 'origin_files', `${stem}.jpg`));
      dataUnitMeta[stem] = { width: h.width, height: h.height };
    }
    writeFileSync(join(apiSrc, 'synapse-fake.json'), JSON.stringify({ fileNames, dataUnitMeta }));
    fake = await startFakeSynapse({ from: apiSrc, token: TOKEN, seed: 5 });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('ends byte-identical despite 5% failed media requests and expiring URLs; hostile names stay inside', async () => {
    // 5% of media requests fail (5xx, dropped connections, truncated bodies), some are refused
    // as expired, and every URL expires 400 ms after it was handed out — long before the last
    // download starts (the listing hands all URLs out at once).
    fake.setFaults({
      routes: {
        media: {
          serverError: 0.02,
          burst: 1,
          drop: 0.015,
          truncate: 0.015,
          expire: 0.02,
          urlTtlMs: 400,
          latencyMs: 15,
        },
      },
    });
    fake.log.length = 0;
    const out = join(root, 'api-faults');
    const summary = await runExport({
      source: {
        kind: 'api',
        host: fake.url,
        token: TOKEN,
        target: 'assignment',
        project: fake.projectId,
      },
      format: coco,
      output: out,
      media: { downloader: { concurrency: 4 } },
      retry: { baseDelayMs: 20, maxDelayMs: 200 },
    });
    fake.setFaults({});
    expect(summary.media?.failedCount, JSON.stringify(summary.media?.failed)).toBe(0);
    expect(summary.media?.files).toBe(150);
    const media = fake.log.filter((e) => e.route === 'media');
    const faults = media.filter((e) => e.fault !== undefined);
    // the faults really happened, and so did the refreshes of expired URLs
    expect(faults.filter((e) => e.fault === 'server-error').length).toBeGreaterThan(0);
    expect(faults.filter((e) => e.fault === 'drop').length).toBeGreaterThan(0);
    expect(faults.filter((e) => e.fault === 'truncate').length).toBeGreaterThan(0);
    expect(media.filter((e) => e.status === 403).length).toBeGreaterThan(0);
    expect(summary.media?.refreshes).toBeGreaterThan(0);
    expect(fake.log.some((e) => e.route === 'data-units')).toBe(true);

    // every file byte-identical to its source, named as the server said, made safe
    const got = hashes(join(out, 'images'));
    expect(got.size).toBe(150);
    const want = readdirSync(join(apiSrc, 'origin_files')).map((f) =>
      sha1(join(apiSrc, 'origin_files', f)),
    );
    expect([...got.values()].sort()).toEqual(want.sort());
    const names = [...got.keys()];
    for (const n of names) {
      expect(resolve(out, 'images', n).startsWith(resolve(out, 'images'))).toBe(true);
      // eslint-disable-next-line no-control-regex -- control characters are what must not appear
      expect(n).not.toMatch(/[/\\\u0000-\u001f]/);
    }
    expect(names).toContain('Ünïcödé 写真.JPG');
    expect(names.filter((n) => n.toLowerCase().startsWith('same'))).toHaveLength(2);
    expect(existsSync(join(root, 'etc'))).toBe(false);
    expect(existsSync('/abs')).toBe(false);
    // the labels name the images as they are on disk
    const data = JSON.parse(
      readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8'),
    ) as {
      images: { file_name: string }[];
    };
    expect(data.images.map((i) => i.file_name).sort()).toEqual(names.sort());
    // nothing secret in the manifest or the issues
    const manifest = readFileSync(join(out, 'synx-export.json'), 'utf8');
    expect(manifest).not.toContain(TOKEN);
    expect(manifest).not.toContain('signature=');
    expect((JSON.parse(manifest) as ExportManifest).media).toMatchObject({
      mode: 'download',
      failedCount: 0,
    });
  });

  it('lists files that still fail in the report and manifest, writes their labels, and a rerun fetches only them', async () => {
    const out = join(root, 'api-missing');
    const request = {
      source: {
        kind: 'api' as const,
        host: fake.url,
        token: TOKEN,
        target: 'assignment' as const,
        project: fake.projectId,
      },
      format: coco,
      output: out,
      media: { downloader: { concurrency: 8 } },
      retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
    };
    // every media request fails with a 503 (bursts longer than the retries)
    fake.setFaults({ routes: { media: { serverError: 1, burst: 100, maxConsecutive: 100 } } });
    const first = await runExport(request);
    fake.setFaults({});
    expect(first.media?.failedCount).toBe(150);
    expect(first.media?.failed[0]).toMatchObject({ code: 'http-503' });
    expect(first.counts.items).toBe(150);
    const manifest = JSON.parse(
      readFileSync(join(out, 'synx-export.json'), 'utf8'),
    ) as ExportManifest;
    // the labels are all there, the media are not: the export is incomplete (exit 10)
    expect(manifest.status).toBe('incomplete');
    expect(first.status).toBe('incomplete');
    expect(manifest.media?.failedCount).toBe(150);
    const labels = JSON.parse(
      readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8'),
    ) as {
      images: unknown[];
    };
    expect(labels.images).toHaveLength(150);
    const issues = readFileSync(join(out, 'synx-issues.jsonl'), 'utf8');
    expect(issues.match(/SYNX_MEDIA_MISSING/g)).toHaveLength(150);

    fake.log.length = 0;
    const second = await runExport(request);
    expect(second.media).toMatchObject({ failedCount: 0, downloaded: 150, skipped: 0 });
    fake.log.length = 0;
    const third = await runExport(request);
    expect(third.media).toMatchObject({ failedCount: 0, downloaded: 0, skipped: 150 });
    // not one media request
    expect(fake.log.filter((e) => e.route === 'media')).toEqual([]);
  });
});

describe('the @synx/export/api entry point', () => {
  const small = join(root, 'api-entry');
  beforeAll(async () => {
    await writeSyntheticFolder({ outDir: small, items: 6, objectsPerItem: 1, seed: 21 });
  });

  it('opens the live API as a source and reads image bytes by HTTP Range', async () => {
    const fake = await startFakeSynapse({ from: small, token: TOKEN });
    try {
      const source = await openApiSource({
        host: fake.url,
        token: TOKEN,
        target: 'assignment',
        project: fake.projectId,
      });
      const names: string[] = [];
      let first: { url: string; name: string } | undefined;
      try {
        for await (const { item } of source.items({ sizes: false })) {
          const file = item?.media[0]?.file;
          if (file?.name !== undefined && file.url !== undefined) {
            names.push(file.name);
            first ??= { url: file.url, name: file.name };
          }
        }
      } finally {
        source.close();
      }
      expect(names.sort()).toEqual(readdirSync(join(small, 'origin_files')).sort());
      if (first === undefined) {
        throw new Error('no media URL');
      }
      const head = await fetchRange(first.url, 3, 40);
      expect(Buffer.from(head)).toEqual(
        readFileSync(join(small, 'origin_files', first.name)).subarray(3, 43),
      );
    } finally {
      await fake.close();
    }
  });
});
