/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- package.json and label files read back as JSON; the assertions check their shape */
// `synx plugins new` writes a package that works outside the monorepo: it installs from packed
// tarballs of the synx packages (as published), builds, passes its own tests, links into synx
// and exports. The example plugin in examples/synx-format-labelme is held to the same standard.
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO, synx, tempDir } from './helpers.js';
import {
  installWithTarballs,
  NPM_ENV,
  packWorkspaces,
  REPO,
  run,
  workspaceClosure,
  type Packed,
} from './pack.js';

const root = tempDir('scaffold');
const LONG = 600_000;

/** Every file under `dir` except node_modules and dist, relative, sorted. */
function sourceFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'dist') {
      continue;
    }
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      out.push(...sourceFiles(p, base));
    } else {
      out.push(relative(base, p));
    }
  }
  return out;
}

/** Relative references (`../x`, `./x/../../y`) in a package's files that point outside it. */
function referencesOutside(dir: string): string[] {
  const bad: string[] = [];
  for (const rel of sourceFiles(dir)) {
    const text = readFileSync(join(dir, rel), 'utf8');
    if (text.includes(REPO)) {
      bad.push(`${rel}: names ${REPO}`);
    }
    for (const m of text.matchAll(/(?:\.{1,2}\/)*\.\.\/[^\s'"`)]*/g)) {
      const target = resolve(dirname(join(dir, rel)), m[0]);
      if (relative(dir, target).startsWith('..')) {
        bad.push(`${rel}: ${m[0]}`);
      }
    }
  }
  return bad;
}

/** Packs the workspace packages a package needs (its dependency closure) into a temp folder. */
async function packFor(dir: string): Promise<Packed[]> {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Parameters<
    typeof workspaceClosure
  >[0];
  const dest = join(root, `packs-${relative(root, dir).replace(/[\\/]/g, '_')}`);
  mkdirSync(dest, { recursive: true });
  return packWorkspaces(workspaceClosure(pkg), dest);
}

describe('synx plugins new', () => {
  it('derives the format id from the name, and --id, --license and --directory set it', async () => {
    const cwd = join(root, 'names');
    mkdirSync(cwd, { recursive: true });
    const a = await synx(['plugins', 'new', 'synx-format-boxes', '--json'], { cwd });
    expect(a.code, a.stderr).toBe(0);
    const made = JSON.parse(a.stdout) as { id: string; exportName: string; files: string[] };
    expect(made.id).toBe('boxes');
    expect(made.exportName).toBe('boxesFormat');
    expect(made.files).toEqual([
      '.gitignore',
      'LICENSE',
      'README.md',
      'package.json',
      'src/index.ts',
      'test/conformance.test.ts',
      'tsconfig.json',
      'vitest.config.ts',
    ]);
    const pkg = JSON.parse(readFileSync(join(cwd, 'synx-format-boxes', 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: 'synx-format-boxes',
      type: 'module',
      license: 'MIT',
      oclif: {},
      synx: { apiVersion: 1, formats: [{ id: 'boxes', export: 'boxesFormat' }] },
      scripts: { build: expect.any(String), test: 'vitest run' },
    });
    expect(Object.keys(pkg.dependencies)).toContain('@synx/plugin-api');
    expect(Object.keys(pkg.devDependencies)).toContain('@synx/format-testkit');
    expect(pkg.synx.formats[0].capabilities).toEqual(['write', 'read']);

    const b = await synx(
      [
        'plugins',
        'new',
        '@acme/labels',
        '--id',
        'acme-labels',
        '--license',
        'Apache-2.0',
        '--directory',
        'x',
      ],
      { cwd },
    );
    expect(b.code, b.stderr).toBe(0);
    const pb = JSON.parse(readFileSync(join(cwd, 'x', 'package.json'), 'utf8'));
    expect(pb.name).toBe('@acme/labels');
    expect(pb.license).toBe('Apache-2.0');
    expect(pb.synx.formats[0]).toMatchObject({ id: 'acme-labels', export: 'acmeLabelsFormat' });
    expect(readdirSync(join(cwd, 'x'))).not.toContain('LICENSE');
    expect(readFileSync(join(cwd, 'x', 'src', 'index.ts'), 'utf8')).toContain("id: 'acme-labels'");
  });

  it('refuses a folder that is not empty and a name npm would refuse', async () => {
    const cwd = join(root, 'refuse');
    mkdirSync(join(cwd, 'synx-format-taken'), { recursive: true });
    writeFileSync(join(cwd, 'synx-format-taken', 'notes.txt'), 'mine\n');
    const taken = await synx(['plugins', 'new', 'synx-format-taken'], { cwd });
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('exists and is not an empty folder');
    expect(readdirSync(join(cwd, 'synx-format-taken'))).toEqual(['notes.txt']);
    for (const name of ['Synx-Format-Caps', 'has space', '.hidden', 'http', 'a/b/c']) {
      const r = await synx(['plugins', 'new', name], { cwd });
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toContain('is not a valid npm package name');
    }
    const id = await synx(['plugins', 'new', 'synx-format-x', '--id', 'Not_Kebab'], { cwd });
    expect(id.code).toBe(2);
    expect(id.stderr).toContain('is not a valid format id');
    expect(readdirSync(cwd)).toEqual(['synx-format-taken']);
  });

  describe('a new plugin, outside the repository', () => {
    const cwd = join(root, 'outside');
    const dir = join(cwd, 'synx-format-demo');
    let packed: Packed[];

    beforeAll(async () => {
      expect(relative(REPO, root).startsWith('..'), `${root} is outside ${REPO}`).toBe(true);
      mkdirSync(cwd, { recursive: true });
      const r = await synx(['plugins', 'new', 'synx-format-demo'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('format "demo"');
    });

    it('refers to nothing outside its folder', () => {
      expect(referencesOutside(dir)).toEqual([]);
      const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
      expect(tsconfig.extends).toBeUndefined();
      expect(tsconfig.compilerOptions).toMatchObject({ strict: true, outDir: 'dist' });
    });

    it(
      'installs from packed synx packages, builds, passes its tests, links and exports',
      async () => {
        packed = await packFor(dir);
        expect(packed.map((p) => p.name)).toEqual(
          expect.arrayContaining(['@synx/plugin-api', '@synx/format-testkit', '@synx/model']),
        );
        const before = new Map(
          sourceFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
        );
        await installWithTarballs(dir, packed);
        await run('npm', ['run', 'build'], { cwd: dir, env: NPM_ENV });
        expect(readdirSync(join(dir, 'dist'))).toContain('index.js');
        const test = await run('npm', ['test'], { cwd: dir, env: NPM_ENV });
        expect(test.stdout).toMatch(/Tests\s+\d+ passed/);
        expect(test.stdout).not.toMatch(/failed/);
        // A user's install changes none of the package's own files.
        for (const [f, text] of before) {
          expect(readFileSync(join(dir, f), 'utf8'), f).toBe(text);
        }

        const home = join(root, 'home-demo');
        mkdirSync(home, { recursive: true });
        const link = await synx(['plugins', 'link', dir, '--no-install'], { home });
        expect(link.code, link.stderr).toBe(0);
        const list = await synx(['formats', 'list', '--json'], { home });
        const rows = JSON.parse(list.stdout) as { id: string; package: string; type: string }[];
        expect(rows.map((r) => [r.id, r.package, r.type])).toContainEqual([
          'demo',
          'synx-format-demo',
          'link',
        ]);
        const out = join(root, 'demo-out');
        const ex = await synx(['export', '--from', DEMO, '--format', 'demo', '--output', out], {
          home,
        });
        expect(ex.code, ex.stderr).toBe(0);
        const labels = readdirSync(join(out, 'labels')).sort();
        expect(labels.length).toBeGreaterThan(10);
        const street = JSON.parse(readFileSync(join(out, 'labels', '00_street.json'), 'utf8'));
        expect(street).toMatchObject({ image: '00_street.jpg', width: 800, height: 600 });
        expect(street.objects).toContainEqual({
          class: 'Dog',
          type: 'box',
          x: 132.01,
          y: 368.43,
          width: 204.93,
          height: 60.46,
        });
        let objects = 0;
        for (const f of labels) {
          const file = JSON.parse(readFileSync(join(out, 'labels', f), 'utf8')) as {
            image: string;
            objects: { type: string }[];
          };
          expect(file.image.replace(/\.[^.]*$/, ''), f).toBe(f.replace(/\.json$/, ''));
          for (const o of file.objects) {
            expect(['box', 'polygon']).toContain(o.type);
          }
          objects += file.objects.length;
        }
        const manifest = JSON.parse(readFileSync(join(out, 'synx-export.json'), 'utf8'));
        expect(manifest.format).toMatchObject({ id: 'demo', package: 'synx-format-demo' });
        expect(ex.stdout).toContain(
          `labels/ — ${labels.length} files, ${labels.length} images, ${objects} annotations`,
        );
      },
      LONG,
    );
  });
});

describe('examples/synx-format-labelme, standalone', () => {
  it(
    'installs from packed synx packages, builds, passes its tests and exports LabelMe files',
    async () => {
      const src = join(REPO, 'examples', 'synx-format-labelme');
      const dir = join(root, 'synx-format-labelme');
      cpSync(src, dir, {
        recursive: true,
        filter: (p) => !/[\\/](node_modules|dist)$/.test(p),
      });
      expect(referencesOutside(dir)).toEqual([]);
      const packed = await packFor(dir);
      await installWithTarballs(dir, packed);
      await run('npm', ['run', 'build'], { cwd: dir, env: NPM_ENV });
      const test = await run('npm', ['test'], { cwd: dir, env: NPM_ENV });
      expect(test.stdout).toMatch(/Tests\s+\d+ passed/);
      expect(test.stdout).not.toMatch(/failed/);

      const home = join(root, 'home-labelme');
      mkdirSync(home, { recursive: true });
      const link = await synx(['plugins', 'link', dir, '--no-install'], { home });
      expect(link.code, link.stderr).toBe(0);
      const out = join(root, 'labelme-out');
      const ex = await synx(['export', '--from', DEMO, '--format', 'labelme', '--output', out], {
        home,
      });
      expect(ex.code, ex.stderr).toBe(0);
      const street = JSON.parse(readFileSync(join(out, '00_street.json'), 'utf8'));
      expect(street).toMatchObject({
        imagePath: '00_street.jpg',
        imageData: null,
        imageHeight: 600,
        imageWidth: 800,
      });
      expect(street.shapes).toContainEqual(
        expect.objectContaining({
          label: 'Dog',
          shape_type: 'rectangle',
          points: [
            [132.01, 368.43],
            [336.94, 428.89],
          ],
        }),
      );
    },
    LONG,
  );
});
