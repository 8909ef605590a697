// The release as a user meets it: every workspace package published to a local verdaccio on
// 127.0.0.1, `synx` installed globally from it into a fresh folder outside the repository and
// run from there, then a format plugin installed by name from the same registry and used.
//
// verdaccio serves @synx/*, synx and synx-format-* from its own storage only (they never come
// from elsewhere); any other package (zod, @oclif/core, …) goes through its uplink to the public
// npm registry, since the installs need them. HOME, the npm cache and the npm user config are
// temp dirs; the port is a free one; verdaccio is stopped in afterAll.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAll, REPO, run, type Packed } from './packing.js';

const DEMO = join(import.meta.dirname, '..', 'demo', 'synapse-demo');
const VERDACCIO = join(REPO, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
const PLUGIN = 'synx-format-probe';

let work = '';
let url: string;
let env: NodeJS.ProcessEnv;
let verdaccio: ChildProcess | undefined;
let verdaccioLog = '';
let packed: Packed[];
const timings: Record<string, number> = {};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => {
        resolve(port);
      });
    });
  });
}

async function waitForPing(deadline: number): Promise<void> {
  for (;;) {
    try {
      const r = await fetch(`${url}/-/ping`);
      if (r.ok) {
        return;
      }
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      throw new Error(`verdaccio did not start:\n${verdaccioLog}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function timed<T>(name: string, f: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    timings[name] = Date.now() - t0;
  }
}

/** The minimal format plugin the test publishes: writes probe/<stem>.txt per item. */
function writePlugin(dir: string): void {
  const features = [
    'bbox',
    'polygon',
    'polyline',
    'keypoint',
    'classification',
    'mask',
    'video-segment',
    'relation',
    'group',
    'named-entity',
    'cuboid',
    'point-segmentation',
    'prompt',
    'answer',
    'other',
    'rotated-bbox',
    'ungrouped-keypoint',
  ];
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: PLUGIN,
        version: '1.0.0',
        type: 'module',
        main: './dist/index.js',
        files: ['dist'],
        license: 'MIT',
        dependencies: { '@synx/plugin-api': '^1.0.0' },
        oclif: {},
        synx: {
          apiVersion: 1,
          formats: [
            {
              id: 'probe',
              title: 'Probe (one text file per item)',
              module: './dist/index.js',
              export: 'probeFormat',
              extensions: ['.txt'],
              capabilities: ['write'],
              annotationKinds: features.slice(0, 15),
            },
          ],
        },
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'dist', 'index.js'),
    `import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineFormat } from '@synx/plugin-api';

const kinds = Object.fromEntries(${JSON.stringify(features)}.map((k) => [k, { action: 'keep' }]));

export const probeFormat = defineFormat({
  apiVersion: 1,
  id: 'probe',
  title: 'Probe (one text file per item)',
  describe: () => ({
    kinds,
    splits: false,
    mediaKinds: ['image'],
    mediaDir: () => 'images',
    layout: () => ['probe/<stem>.txt (one per item)'],
    owns: ['probe'],
  }),
  async write(input, to, options, ctx) {
    let files = 0;
    mkdirSync(join(to.dir, 'probe'), { recursive: true });
    for await (const e of input.items) {
      let n = 0;
      for (const m of e.item.media) {
        for (const a of m.annotations) {
          ctx.account({ item: e.item, media: m, annotation: a, outcome: 'written' });
          n++;
        }
      }
      writeFileSync(join(to.dir, 'probe', e.stem + '.txt'), 'probe ' + e.stem + ' annotations=' + n + '\\n');
      files++;
    }
    return { files };
  },
});
`,
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'synx-registry-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  for (const d of ['home', 'cache', 'storage', 'tarballs', 'global', 'plugin', 'cwd']) {
    mkdirSync(join(work, d));
  }
  const local = { access: '$all', publish: '$authenticated', unpublish: '$authenticated' };
  writeFileSync(
    join(work, 'config.yaml'),
    [
      `storage: ${join(work, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(work, 'htpasswd')}`,
      '    max_users: 10',
      'uplinks:',
      '  npmjs:',
      '    url: https://registry.npmjs.org/',
      '    timeout: 120s',
      '    max_fails: 20',
      'packages:',
      ...['@synx/*', 'synx', 'synx-format-*'].flatMap((p) => [
        `  '${p}':`,
        `    access: ${local.access}`,
        `    publish: ${local.publish}`,
        `    unpublish: ${local.unpublish}`,
      ]),
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: npmjs',
      'web:',
      '  enable: false',
      'max_body_size: 100mb',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  verdaccio = spawn(
    process.execPath,
    [VERDACCIO, '--config', join(work, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    {
      cwd: work,
      env: { ...process.env, HOME: join(work, 'home') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  verdaccio.stdout?.on('data', (b: Buffer) => (verdaccioLog += b.toString()));
  verdaccio.stderr?.on('data', (b: Buffer) => (verdaccioLog += b.toString()));
  await timed('verdaccio start', () => waitForPing(Date.now() + 60_000));

  // A user created through the registry's API; its token goes into a temp npm user config.
  const res = await fetch(`${url}/-/user/org.couchdb.user:synx-test`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'synx-test', password: 'synx-test-password' }),
  });
  const body = (await res.json()) as { token?: string };
  if (body.token === undefined) {
    throw new Error(`no token from verdaccio: ${JSON.stringify(body)}`);
  }
  const npmrc = join(work, 'npmrc');
  writeFileSync(npmrc, `registry=${url}/\n//127.0.0.1:${port}/:_authToken=${body.token}\n`);
  env = {
    PATH: process.env['PATH'] ?? '',
    HOME: join(work, 'home'),
    SYNX_DATA_DIR: join(work, 'home', 'data'),
    SYNX_CONFIG_DIR: join(work, 'home', 'config'),
    SYNX_CACHE_DIR: join(work, 'home', 'cache'),
    NO_COLOR: '1',
    OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
    npm_config_userconfig: npmrc,
    npm_config_cache: join(work, 'cache'),
    npm_config_registry: `${url}/`,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };

  packed = await timed('npm pack', () => packAll(join(work, 'tarballs')));
  await timed(`npm publish (${packed.length} packages)`, async () => {
    const queue = [...packed];
    const failures: string[] = [];
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
          const r = await run('npm', ['publish', p.tarball, '--registry', `${url}/`], {
            cwd: join(work, 'cwd'),
            env,
          });
          if (r.code !== 0) {
            failures.push(`${p.name}: ${r.stderr}`);
          }
        }
      }),
    );
    if (failures.length > 0) {
      throw new Error(failures.join('\n'));
    }
  });
}, 900_000);

afterAll(() => {
  if (verdaccio?.exitCode === null) {
    verdaccio.kill('SIGTERM');
  }
  process.stderr.write(`registry test timings (ms): ${JSON.stringify(timings)}\n`);
  if (work !== '') {
    rmSync(work, { recursive: true, force: true });
  }
});

const synxBin = (): string => join(work, 'global', 'bin', 'synx');

describe('synx from a local registry', () => {
  it('the registry serves every published package at its version', async () => {
    const r = await fetch(`${url}/@synx%2fplugin-api`);
    const doc = (await r.json()) as { 'dist-tags'?: { latest?: string } };
    expect(doc['dist-tags']?.latest).toBe('1.1.0');
    for (const p of packed) {
      const v = await fetch(`${url}/${p.name.replace('/', '%2f')}/${p.version}`);
      expect(v.status, p.name).toBe(200);
    }
  });

  it('installs globally by name into a fresh folder and runs from there', async () => {
    const install = await timed('npm install -g synx', () =>
      run(
        'npm',
        ['install', '-g', '--prefix', join(work, 'global'), 'synx', '--registry', `${url}/`],
        {
          cwd: join(work, 'cwd'),
          env,
          timeout: 900_000,
        },
      ),
    );
    expect(install.stderr).not.toMatch(/ERR!/);
    expect(install.code).toBe(0);
    expect(existsSync(synxBin())).toBe(true);
    const installed = JSON.parse(
      readFileSync(join(work, 'global', 'lib', 'node_modules', 'synx', 'package.json'), 'utf8'),
    ) as { version: string };
    expect(installed.version).toBe(packed.find((p) => p.name === 'synx')?.version);

    const version = await run(synxBin(), ['--version'], { cwd: join(work, 'cwd'), env });
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(new RegExp(`^synx/${installed.version} `));

    const list = await run(synxBin(), ['formats', 'list'], { cwd: join(work, 'cwd'), env });
    expect(list.code).toBe(0);
    for (const id of ['coco', 'csv', 'json', 'voc', 'yolo']) {
      expect(list.stdout).toMatch(new RegExp(`\\b${id}\\b`));
    }

    const out = join(work, 'out');
    const exp = await run(
      synxBin(),
      ['export', '--from', DEMO, '--format', 'coco', '--output', out],
      { cwd: join(work, 'cwd'), env },
    );
    expect(exp.stderr).not.toMatch(/SYNX_[A-Z_]+/);
    expect(exp.code).toBe(0);
    const json = readdirSync(join(out, 'annotations')).filter((f) => f.endsWith('.json'));
    expect(json.length).toBeGreaterThan(0);
    const coco = JSON.parse(readFileSync(join(out, 'annotations', json[0] ?? ''), 'utf8')) as {
      images: unknown[];
      annotations: unknown[];
      categories: unknown[];
    };
    expect(coco.images.length).toBeGreaterThan(0);
    expect(coco.annotations.length).toBeGreaterThan(0);
    expect(coco.categories.length).toBeGreaterThan(0);
  }, 900_000);

  it('installs a format plugin by name from the registry and exports with it', async () => {
    expect(existsSync(synxBin()), 'needs the global install of the previous test').toBe(true);
    const dir = join(work, 'plugin');
    writePlugin(dir);
    const pub = await run('npm', ['publish', '--registry', `${url}/`], { cwd: dir, env });
    expect(pub.stderr).not.toMatch(/ERR!/);
    expect(pub.code).toBe(0);

    const install = await timed('synx plugins install', () =>
      run(synxBin(), ['plugins', 'install', PLUGIN], {
        cwd: join(work, 'cwd'),
        env,
        timeout: 900_000,
      }),
    );
    expect(install.stdout + install.stderr).not.toMatch(/Error/);
    expect(install.code).toBe(0);

    const list = await run(synxBin(), ['formats', 'list'], { cwd: join(work, 'cwd'), env });
    expect(list.stdout).toMatch(/\bprobe\b/);

    const out = join(work, 'out-probe');
    const exp = await run(
      synxBin(),
      ['export', '--from', DEMO, '--format', 'probe', '--output', out],
      { cwd: join(work, 'cwd'), env },
    );
    expect(exp.stderr).not.toMatch(/SYNX_[A-Z_]+/);
    expect(exp.code).toBe(0);
    const files = readdirSync(join(out, 'probe')).sort();
    expect(files.length).toBe(readdirSync(join(DEMO, 'json')).length);
    expect(readFileSync(join(out, 'probe', files[0] ?? ''), 'utf8')).toMatch(
      /^probe .+ annotations=\d+\n$/,
    );
  }, 900_000);

  it('scaffolds a plugin, tests and publishes it, then installs it by name and exports', async () => {
    expect(existsSync(synxBin()), 'needs the global install of an earlier test').toBe(true);
    const cwd = join(work, 'author');
    mkdirSync(cwd, { recursive: true });
    const made = await run(synxBin(), ['plugins', 'new', 'synx-format-demo'], { cwd, env });
    expect(made.code, made.stderr).toBe(0);
    const dir = join(cwd, 'synx-format-demo');
    const reg = ['--registry', `${url}/`];
    const steps: [string, string[]][] = [
      ['npm install', ['install', ...reg]],
      ['npm test', ['test']],
      ['npm publish', ['publish', ...reg]],
    ];
    for (const [name, args] of steps) {
      const r = await timed(name, () => run('npm', args, { cwd: dir, env, timeout: 900_000 }));
      expect(r.code, `${name}: ${r.stderr.slice(-2000)}`).toBe(0);
    }
    const install = await timed('synx plugins install synx-format-demo', () =>
      run(synxBin(), ['plugins', 'install', 'synx-format-demo'], {
        cwd: join(work, 'cwd'),
        env,
        timeout: 900_000,
      }),
    );
    expect(install.code, install.stderr).toBe(0);
    const out = join(work, 'out-demo');
    const exp = await run(
      synxBin(),
      ['export', '--from', DEMO, '--format', 'demo', '--output', out],
      { cwd: join(work, 'cwd'), env },
    );
    expect(exp.code, exp.stderr).toBe(0);
    const labels = readdirSync(join(out, 'labels')).filter((f) => f.endsWith('.json'));
    expect(labels.length).toBe(readdirSync(join(DEMO, 'json')).length);
    const first = JSON.parse(readFileSync(join(out, 'labels', labels.sort()[0] ?? ''), 'utf8')) as {
      objects: unknown[];
    };
    expect(first.objects.length).toBeGreaterThan(0);
  }, 1_800_000);
});
