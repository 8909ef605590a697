import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatRegistry, type PluginDiagnostic, type PluginInfo } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'synx-registry-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A plugin package on disk whose module defines `source`. */
function plugin(name: string, type: string, manifest: unknown, source?: string): PluginInfo {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), source ?? 'export {};');
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
    const warnings: PluginDiagnostic[] = [];
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
    const warnings: PluginDiagnostic[] = [];
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
    expect(warnings.map((w) => [w.kind, w.plugin])).toEqual([
      ['invalid-manifest', 'bad-manifest'],
      ['api-mismatch', 'future'],
    ]);
    expect(reg.diagnostics()).toEqual(warnings);
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

  it('precedence is link > user, computed from the final winner: user a + user b + link c picks c', async () => {
    const reg = FormatRegistry.fromPlugins([
      plugin('user-a', 'user', entry('lab'), fmt('lab')),
      plugin('user-b', 'user', entry('lab'), fmt('lab')),
      plugin('link-c', 'link', entry('lab'), fmt('lab')),
    ]);
    expect(reg.entry('lab')?.plugin.name).toBe('link-c');
    expect(reg.entry('lab')?.shadows).toEqual(['user-a', 'user-b']);
    expect((await reg.get('lab')).id).toBe('lab');
    expect(reg.all().map((e) => [e.plugin.name, e.status, e.shadowedBy ?? ''])).toEqual([
      ['link-c', 'active', ''],
      ['user-a', 'shadowed', 'link-c'],
      ['user-b', 'shadowed', 'link-c'],
    ]);
    expect(reg.diagnostics()).toMatchObject([
      {
        kind: 'shadows',
        severity: 'info',
        plugin: 'link-c',
        id: 'lab',
        others: ['user-a', 'user-b'],
      },
    ]);
    // The order plugins come in does not matter.
    const reversed = FormatRegistry.fromPlugins([
      plugin('link-c', 'link', entry('lab'), fmt('lab')),
      plugin('user-b', 'user', entry('lab'), fmt('lab')),
      plugin('user-a', 'user', entry('lab'), fmt('lab')),
    ]);
    expect(reversed.entry('lab')?.plugin.name).toBe('link-c');
  });

  it('precedence matrix: equal-rank non-core winners conflict, lower ranks never do', async () => {
    const cases: [string, [string, string][], string][] = [
      ['user alone', [['u1', 'user']], 'u1'],
      [
        'link over user',
        [
          ['u1', 'user'],
          ['l1', 'link'],
        ],
        'l1',
      ],
      [
        'dev ranks as link',
        [
          ['u1', 'user'],
          ['d1', 'dev'],
        ],
        'd1',
      ],
      [
        'two users conflict',
        [
          ['u1', 'user'],
          ['u2', 'user'],
        ],
        'conflict',
      ],
      [
        'two links conflict',
        [
          ['l1', 'link'],
          ['l2', 'link'],
          ['u1', 'user'],
        ],
        'conflict',
      ],
      [
        'link and dev conflict',
        [
          ['l1', 'link'],
          ['d1', 'dev'],
        ],
        'conflict',
      ],
      [
        'users lose to one link',
        [
          ['u1', 'user'],
          ['u2', 'user'],
          ['l1', 'link'],
        ],
        'l1',
      ],
    ];
    for (const [name, plugins, want] of cases) {
      const reg = FormatRegistry.fromPlugins(
        plugins.map(([p, type]) => plugin(p, type, entry('mx'), fmt('mx'))),
      );
      if (want === 'conflict') {
        expect(reg.entry('mx'), name).toBeUndefined();
        await expect(reg.get('mx'), name).rejects.toMatchObject({ code: 'SYNX_FORMAT_CONFLICT' });
        expect(
          reg.diagnostics().map((d) => d.kind),
          name,
        ).toContain('conflict');
        // Each conflicting one stays reachable by its qualified name.
        const first = plugins[0]?.[0] ?? '';
        expect((await reg.get(`${first}:mx`)).id, name).toBe('mx');
      } else {
        expect(reg.entry('mx')?.plugin.name, name).toBe(want);
        expect(
          reg.diagnostics().map((d) => d.kind),
          name,
        ).not.toContain('conflict');
      }
    }
  });

  it('a plugin never takes a built-in id; it is used only by its qualified name', async () => {
    const reg = FormatRegistry.fromPlugins([
      plugin('@synx/format-coco', 'core', entry('coco'), fmt('coco', ", title2: 'built-in'")),
      plugin('synx-format-coco', 'user', entry('coco'), fmt('coco', ', mine: true')),
      plugin('coco-dev', 'link', entry('coco'), fmt('coco', ', linked: true')),
    ]);
    expect(reg.entry('coco')?.plugin.name).toBe('@synx/format-coco');
    expect(reg.list().map((e) => e.qualified)).toEqual(['@synx/format-coco:coco']);
    expect(await reg.get('coco')).toHaveProperty('title2', 'built-in');
    expect(await reg.get('synx-format-coco:coco')).toHaveProperty('mine', true);
    expect(await reg.get('coco-dev:coco')).toHaveProperty('linked', true);
    expect(await reg.get('@synx/format-coco:coco')).toHaveProperty('title2', 'built-in');
    expect(reg.all().map((e) => [e.plugin.name, e.status])).toEqual([
      ['coco-dev', 'reserved'],
      ['synx-format-coco', 'reserved'],
      ['@synx/format-coco', 'active'],
    ]);
    const d = reg.diagnostics().find((x) => x.plugin === 'synx-format-coco');
    expect(d).toMatchObject({ kind: 'reserved-id', severity: 'warning', id: 'coco' });
    expect(d?.message).toBe(
      'plugin synx-format-coco declares format "coco", which is built into synx (@synx/format-coco); synx keeps the built-in',
    );
    expect(d?.hint).toBe("use the plugin's with --format synx-format-coco:coco");
    await expect(reg.get('nobody:coco')).rejects.toMatchObject({
      code: 'SYNX_UNKNOWN_FORMAT',
      message: 'plugin nobody provides no format "coco"',
    });
  });

  it('two user plugins with one id conflict, naming both and the qualified names', async () => {
    const clash = FormatRegistry.fromPlugins([
      plugin('u1', 'user', entry('yolo2'), fmt('yolo2')),
      plugin('u2', 'user', entry('yolo2'), fmt('yolo2')),
    ]);
    await expect(clash.get('yolo2')).rejects.toMatchObject({
      code: 'SYNX_FORMAT_CONFLICT',
      message: 'two plugins provide the format "yolo2": u1 and u2',
      hint: 'pick one with --format u1:yolo2 or --format u2:yolo2, or uninstall one with `synx plugins uninstall <name>`',
    });
  });

  it('a manifest whose module file is missing is reported, not listed', () => {
    const dir = join(root, 'unbuilt');
    mkdirSync(dir, { recursive: true });
    const reg = FormatRegistry.fromPlugins([
      {
        name: 'unbuilt',
        version: '0.0.1',
        type: 'link',
        root: dir,
        pjson: { synx: entry('ub') },
      },
    ]);
    expect(reg.list()).toEqual([]);
    expect(reg.diagnostics()[0]?.message).toBe(
      'plugin unbuilt@0.0.1 declares format "ub" in ./index.js, which does not exist; the format is ignored',
    );
  });

  it('an unknown id lists what is installed', async () => {
    const reg = FormatRegistry.fromPlugins([plugin('p', 'core', entry('ant'))]);
    await expect(reg.get('kitti')).rejects.toMatchObject({
      code: 'SYNX_UNKNOWN_FORMAT',
      hint: 'installed formats: ant (`synx formats list`)',
    });
  });
});
