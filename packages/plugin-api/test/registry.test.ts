import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Issue } from '@synx/model';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatRegistry, type PluginInfo } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'synx-registry-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A plugin package on disk whose module defines `source`. */
function plugin(name: string, type: string, manifest: unknown, source?: string): PluginInfo {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (source !== undefined) {
    writeFileSync(join(dir, 'index.js'), source);
  }
  return {
    name,
    version: '1.2.3',
    type,
    root: dir,
    pjson: { name, version: '1.2.3', oclif: {}, synx: manifest },
  };
}

const fmt = (id: string, extra = '') =>
  `export const f = { apiVersion: 1, id: '${id}', title: 'T', describe: () => ({ kinds: {}, splits: false, layout: () => [], owns: [] }), write: async () => ({ files: 0 }) ${extra} };`;
const entry = (id: string, more: object = {}) => ({
  apiVersion: 1,
  formats: [
    {
      id,
      title: id.toUpperCase(),
      module: './index.js',
      export: 'f',
      capabilities: ['write'],
      ...more,
    },
  ],
});

describe('FormatRegistry', () => {
  it('lists formats from manifests without importing plugin code', () => {
    const warnings: Issue[] = [];
    const reg = FormatRegistry.fromPlugins(
      [
        plugin(
          'synx-format-b',
          'user',
          entry('bee'),
          'throw new Error("must not be imported by list()")',
        ),
        plugin('@acme/synx-format-a', 'core', entry('ant', { annotationKinds: ['bbox'] })),
        { name: 'not-a-format', version: '1.0.0', type: 'core', root: root, pjson: { oclif: {} } },
      ],
      (i) => warnings.push(i),
    );
    expect(reg.list().map((e) => [e.id, e.plugin.name, e.plugin.type])).toEqual([
      ['ant', '@acme/synx-format-a', 'core'],
      ['bee', 'synx-format-b', 'user'],
    ]);
    expect(warnings).toEqual([]);
  });

  it('skips invalid manifests and unsupported API versions with a warning', () => {
    const warnings: Issue[] = [];
    const reg = FormatRegistry.fromPlugins(
      [
        plugin('bad-manifest', 'user', {
          apiVersion: 1,
          formats: [{ id: 'Not Kebab', title: 'x', module: './x.js' }],
        }),
        plugin('future', 'user', {
          apiVersion: 9,
          formats: [{ id: 'fut', title: 'F', module: './x.js' }],
        }),
      ],
      (i) => warnings.push(i),
    );
    expect(reg.list()).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual([
      'SYNX_PLUGIN_INVALID',
      'SYNX_PLUGIN_API_MISMATCH',
    ]);
    expect(warnings[1]?.message).toContain('needs plugin API 9; this synx supports 1');
  });

  it('imports a format lazily, validates it, and caches it', async () => {
    const reg = FormatRegistry.fromPlugins([plugin('good', 'user', entry('good'), fmt('good'))]);
    const f = await reg.get('good');
    expect(f.id).toBe('good');
    expect(await reg.get('good')).toBe(f);
  });

  it('names what is wrong with an invalid module', async () => {
    const cases: [string, string, object, string][] = [
      [
        'id-mismatch',
        fmt('other'),
        entry('mine'),
        'its id is "other" but the manifest says "mine"',
      ],
      [
        'no-write',
        "export const f = { apiVersion: 1, id: 'nw', title: 'T', describe: () => ({}) };",
        entry('nw'),
        'declares "write" but the format has no write()',
      ],
      [
        'wrong-api',
        fmt('wa').replace('apiVersion: 1', 'apiVersion: 2'),
        entry('wa'),
        'implements plugin API 2',
      ],
      ['throws', 'throw new Error("boom")', entry('th'), 'boom'],
    ];
    for (const [name, src, manifest, message] of cases) {
      const reg = FormatRegistry.fromPlugins([plugin(name, 'user', manifest, src)]);
      const id = (manifest as { formats: { id: string }[] }).formats[0]?.id ?? '';
      await expect(reg.get(id), name).rejects.toMatchObject({
        message: expect.stringContaining(message) as string,
      });
    }
  });

  it('lets a linked plugin override a user one, and a user one a core one; two user plugins conflict', async () => {
    const reg = FormatRegistry.fromPlugins([
      plugin('core-coco', 'core', entry('coco'), fmt('coco')),
      plugin('user-coco', 'user', entry('coco'), fmt('coco')),
      plugin('link-coco', 'link', entry('coco'), fmt('coco')),
    ]);
    expect(reg.entry('coco')?.plugin.name).toBe('link-coco');
    expect(reg.entry('coco')?.shadows).toEqual(expect.arrayContaining(['core-coco', 'user-coco']));
    const clash = FormatRegistry.fromPlugins([
      plugin('u1', 'user', entry('yolo'), fmt('yolo')),
      plugin('u2', 'user', entry('yolo'), fmt('yolo')),
    ]);
    await expect(clash.get('yolo')).rejects.toMatchObject({
      code: 'SYNX_FORMAT_CONFLICT',
      message: 'two plugins provide the format "yolo": u1 and u2',
    });
  });

  it('an unknown id lists what is installed', async () => {
    const reg = FormatRegistry.fromPlugins([plugin('p', 'core', entry('ant'))]);
    await expect(reg.get('kitti')).rejects.toMatchObject({
      code: 'SYNX_UNKNOWN_FORMAT',
      hint: 'installed formats: ant',
    });
  });
});
