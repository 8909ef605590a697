// What an API export asks the backend for, counted from the fake backend's log: a flags run
// (its pre-flight plan samples 5 of the list's pages) with --save-original-files asks for every
// list page once and every file once (the size comes from the saved bytes), plus the project;
// a rerun into the same folder asks for the pages only. A labels-only rerun reads no header
// again (the size cache).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSynapse, writeSyntheticFolder, type FakeSynapse } from '@synx/fake-synapse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiExportArgs, synx, tempDir } from './helpers.js';

const root = tempDir('cli-requests');
const TOKEN = 'cli-requests-token-3f8b';
const ITEMS = 1250; // 13 pages of 100
const PAGES = 13;
const src = join(root, 'src');
let fake: FakeSynapse;

beforeAll(async () => {
  await writeSyntheticFolder({ outDir: src, items: ITEMS, objectsPerItem: 1, seed: 12 });
  fake = await startFakeSynapse({ from: src, token: TOKEN, seed: 3 });
}, 120_000);
afterAll(async () => {
  await fake.close();
});

const run = (out: string, extra: string[] = []) =>
  synx(apiExportArgs(fake, TOKEN, 'coco', out, ['--quiet', ...extra]));

/** The requests since the last call, by kind; the log is emptied. */
function served(): {
  all: number;
  project: number;
  pages: number[];
  reads: number;
  downloads: number;
} {
  const log = fake.log.splice(0);
  const media = log.filter((e) => e.route === 'media');
  return {
    all: log.length,
    project: log.filter((e) => e.route === 'projects' || e.route === 'v2-projects').length,
    pages: log
      .filter((e) => e.route === 'assignments')
      .map((e) => Number(new URL(e.path, fake.url).searchParams.get('page') ?? '1'))
      .sort((a, b) => a - b),
    reads: media.filter((e) => e.range !== undefined).length,
    downloads: media.filter((e) => e.range === undefined).length,
  };
}

const everyPage = Array.from({ length: PAGES }, (_, i) => i + 1);

describe('requests of an API export', () => {
  it('with --save-original-files: every page once, every file once, the project; a rerun: the pages', async () => {
    fake.log.length = 0;
    const out = join(root, 'media');
    const first = await run(out, ['--save-original-files']);
    expect(first.code, first.stderr).toBe(0);
    const a = served();
    expect(a.pages).toEqual(everyPage);
    expect(a.downloads).toBe(ITEMS);
    expect(a.reads).toBe(0);
    expect(a.project).toBe(1);
    expect(a.all).toBe(PAGES + ITEMS + 1);
    const coco = JSON.parse(
      readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8'),
    ) as {
      images: { width: number; height: number }[];
    };
    expect(coco.images).toHaveLength(ITEMS);
    expect(coco.images.every((i) => i.width > 0 && i.height > 0)).toBe(true);

    const written = readFileSync(join(out, 'annotations', 'instances_default.json'));
    const again = await run(out, ['--save-original-files']);
    expect(again.code, again.stderr).toBe(0);
    const b = served();
    expect(b.pages).toEqual(everyPage);
    expect(b.downloads + b.reads).toBe(0);
    expect(b.all).toBe(PAGES + 1);
    expect(readFileSync(join(out, 'annotations', 'instances_default.json')).equals(written)).toBe(
      true,
    );
  }, 180_000);

  it('labels only: one header read per image, and a rerun reads none', async () => {
    fake.log.length = 0;
    const out = join(root, 'labels');
    const first = await run(out);
    expect(first.code, first.stderr).toBe(0);
    const a = served();
    expect(a.pages).toEqual(everyPage);
    expect(a.reads).toBe(ITEMS);
    expect(a.downloads).toBe(0);
    const before = readFileSync(join(out, 'annotations', 'instances_default.json'));
    const again = await run(out);
    expect(again.code, again.stderr).toBe(0);
    const b = served();
    expect(b.pages).toEqual(everyPage);
    expect(b.reads + b.downloads).toBe(0);
    expect(readFileSync(join(out, 'annotations', 'instances_default.json')).equals(before)).toBe(
      true,
    );
  }, 180_000);
});
