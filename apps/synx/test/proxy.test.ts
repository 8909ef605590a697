// An API export behind a corporate proxy: the backend's host name resolves only through the
// forward proxy (on 127.0.0.1), so every request — API pages, header reads, downloads — must go
// through it, as HTTPS_PROXY/HTTP_PROXY say. The proxy wants credentials, which never show.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startFakeSynapse,
  startForwardProxy,
  writeSyntheticFolder,
  type FakeSynapse,
  type ForwardProxy,
} from '@synx/fake-synapse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synx, tempDir } from './helpers.js';

const root = tempDir('cli-proxy');
const TOKEN = 'cli-proxy-token-5c2a';
const PROXY_PASSWORD = 'pr0xy-secret-91f';
const ITEMS = 24;
const src = join(root, 'src');
const HOST = 'synapse.internal';
let fake: FakeSynapse;
let proxy: ForwardProxy;
let objects = 0;

const sha1 = (path: string): string => createHash('sha1').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  ({ objects } = await writeSyntheticFolder({
    outDir: src,
    items: ITEMS,
    objectsPerItem: 2,
    seed: 5,
  }));
  fake = await startFakeSynapse({ from: src, token: TOKEN, publicHost: HOST });
  proxy = await startForwardProxy({
    hosts: { [HOST]: '127.0.0.1' },
    credentials: `corp:${PROXY_PASSWORD}`,
  });
});
afterAll(async () => {
  await proxy.close();
  await fake.close();
});

const args = (out: string): string[] => [
  'export',
  '--host',
  fake.url,
  '--token',
  TOKEN,
  '--project',
  String(fake.projectId),
  '--format',
  'coco',
  '--save-original-files',
  '--output',
  out,
];

describe('synx export through a forward proxy', () => {
  it('exports with --save-original-files when the host resolves only through HTTPS_PROXY', async () => {
    expect(fake.url).toBe(`http://${HOST}:${String(fake.port)}`);
    const out = join(root, 'via-proxy');
    const proxyUrl = proxy.url.replace('http://', `http://corp:${PROXY_PASSWORD}@`);
    const r = await synx([...args(out), '--json'], {
      env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl },
    });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { status: string; media?: { files: number } };
    expect(summary.status).toBe('complete');
    expect(summary.media?.files).toBe(ITEMS);

    // Every original arrived intact, from the backend, through the proxy.
    const images = readdirSync(join(out, 'images')).sort();
    expect(images).toHaveLength(ITEMS);
    const sources = new Map(
      readdirSync(join(src, 'origin_files')).map((f) => [f, sha1(join(src, 'origin_files', f))]),
    );
    for (const f of images) {
      expect(sha1(join(out, 'images', f)), f).toBe(sources.get(f));
    }
    const coco = JSON.parse(
      readFileSync(join(out, 'annotations', 'instances_default.json'), 'utf8'),
    ) as {
      images: unknown[];
      annotations: unknown[];
    };
    expect(coco.images).toHaveLength(ITEMS);
    expect(coco.annotations).toHaveLength(objects);
    const routes = new Set(fake.log.map((e) => e.route));
    expect(routes.has('media')).toBe(true);
    expect(proxy.log.length).toBeGreaterThan(0);
    expect(proxy.log.every((e) => e.target === `${HOST}:${String(fake.port)}`)).toBe(true);

    // The proxy's password is nowhere: not in the output, the manifest or the issue log.
    expect(r.stdout + r.stderr).not.toContain(PROXY_PASSWORD);
    for (const f of ['synx-export.json', join('annotations', 'instances_default.json')]) {
      expect(readFileSync(join(out, f), 'utf8')).not.toContain(PROXY_PASSWORD);
    }
  });

  it('without the proxy the host does not resolve, and the hint names HTTPS_PROXY', async () => {
    const r = await synx(args(join(root, 'no-proxy')));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('could not be resolved');
    expect(r.stderr).toContain('HTTPS_PROXY');
  });

  it('a proxy that refuses the credentials fails fast, naming the proxy settings, not the password', async () => {
    const wrong = proxy.url.replace('http://', 'http://corp:wrong-pass-77@');
    const r = await synx(args(join(root, 'refused')), {
      env: { HTTP_PROXY: wrong, HTTPS_PROXY: wrong },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('proxy');
    expect(r.stderr).toContain('HTTPS_PROXY');
    expect(r.stderr).not.toContain('wrong-pass-77');
  });
});
