// Format plugins through the built CLI: install from local paths, what synx says at install and
// link time, precedence (a built-in id is never taken), qualified names, strict options,
// `formats show`, and format flags declared in manifests.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO, synx, tempDir } from './helpers.js';

const LINES = join(import.meta.dirname, 'fixtures', 'synx-format-lines');

/** A plugin package on disk: `id` formats writing `<file>` with the plugin's name in it. */
function makePlugin(
  dir: string,
  name: string,
  ids: string[],
  options: { apiVersion?: number; flags?: object } = {},
): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '2.0.0',
      type: 'module',
      main: './index.js',
      files: ['index.js'],
      oclif: {},
      synx: {
        apiVersion: options.apiVersion ?? 1,
        formats: ids.map((id) => ({
          id,
          title: `${id} by ${name}`,
          module: './index.js',
          export: `f_${id.replace(/-/g, '_')}`,
          capabilities: ['write'],
          ...(options.flags === undefined ? {} : { flags: options.flags }),
        })),
      },
    }),
  );
  writeFileSync(
    join(dir, 'index.js'),
    `import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
const one = (id) => ({
  apiVersion: 1,
  id,
  title: id + ' by ${name}',
  describe: () => ({ kinds: { bbox: { action: 'keep' } }, splits: false, layout: () => ['which.txt'], owns: ['which.txt'] }),
  async write(input, to, _options, ctx) {
    for await (const e of input.items) {
      for (const image of e.images) {
        for (const a of image.media.annotations) {
          ctx.account({ item: e.item, media: image.media, annotation: a, outcome: 'dropped', messageId: 'unsupported' });
        }
      }
    }
    await mkdir(to.dir, { recursive: true });
    await writeFile(join(to.dir, 'which.txt'), '${name}\\n');
    return { files: 1 };
  },
});
${ids.map((id) => `export const f_${id.replace(/-/g, '_')} = one('${id}');`).join('\n')}
`,
  );
  return dir;
}

/** `npm pack` of a folder (npm as @oclif/plugin-plugins finds it), returning the tarball. */
function pack(dir: string, dest: string): string {
  mkdirSync(dest, { recursive: true });
  const npm = join(
    dirname(createRequire(import.meta.url).resolve('npm/package.json')),
    'bin',
    'npm-cli.js',
  );
  const out = execFileSync(
    process.execPath,
    [npm, 'pack', dir, '--pack-destination', dest, '--json', '--loglevel', 'error'],
    { cwd: dest, encoding: 'utf8' },
  );
  const file = (JSON.parse(out) as { filename: string }[])[0]?.filename ?? '';
  return join(dest, file);
}

/** Output as one line (oclif wraps warnings and prefixes them with ›). */
const flat = (text: string): string => text.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ');

interface Row {
  row: string;
  id?: string;
  qualified?: string;
  package?: string;
  type?: string;
  status?: string;
  shadows?: string[];
  shadowedBy?: string;
  conflictsWith?: string[];
  kind?: string;
  plugin?: string;
  message?: string;
}

async function listRows(home: string): Promise<Row[]> {
  const r = await synx(['formats', 'list', '--json'], { home });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Row[];
}

describe('synx plugins install from local paths, and what it says', () => {
  it('installs ../dir (relative to the working directory) and ./x.tgz; a built-in id is never taken', async () => {
    const root = tempDir('plugins-install');
    const home = join(root, 'home');
    const work = join(root, 'work', 'here');
    mkdirSync(home, { recursive: true });
    mkdirSync(work, { recursive: true });
    cpSync(LINES, join(root, 'work', 'lines'), { recursive: true });

    const dir = await synx(['plugins', 'install', '../lines'], { home, cwd: work });
    expect(dir.code, dir.stderr).toBe(0);
    expect(dir.stdout).toContain('synx-format-lines adds --format lines');
    expect(dir.stderr).not.toContain('Warning');
    expect((await listRows(home)).find((r) => r.id === 'lines')).toMatchObject({
      row: 'format',
      package: 'synx-format-lines',
      type: 'user',
      status: 'active',
    });

    // A packed plugin declaring a built-in id (coco) and a new one.
    const src = makePlugin(join(root, 'src', 'mycoco'), 'synx-format-mycoco', ['coco', 'mine']);
    const tgz = pack(src, join(root, 'work'));
    expect(tgz.endsWith('synx-format-mycoco-2.0.0.tgz')).toBe(true);
    const t = await synx(['plugins', 'install', `./${tgz.split('/').pop() ?? ''}`], {
      home,
      cwd: join(root, 'work'),
    });
    expect(t.code, t.stderr).toBe(0);
    const stderr = flat(t.stderr);
    expect(stderr).toContain(
      'plugin synx-format-mycoco declares format "coco", which is built into synx (@synx/format-coco); synx keeps the built-in',
    );
    expect(stderr).toContain("use the plugin's with --format synx-format-mycoco:coco");
    expect(t.stdout).toContain('synx-format-mycoco adds --format mine');

    const rows = await listRows(home);
    expect(
      rows
        .filter((r) => r.row === 'format' && r.id === 'coco')
        .map((r) => [r.package, r.type, r.status]),
    ).toEqual([
      ['synx-format-mycoco', 'user', 'reserved'],
      ['@synx/format-coco', 'core', 'active'],
    ]);
    expect(rows).toContainEqual(
      expect.objectContaining({
        row: 'warning',
        kind: 'reserved-id',
        plugin: 'synx-format-mycoco',
      }),
    );
    const text = await synx(['formats', 'list'], { home });
    expect(text.stdout).toContain(
      'built-in id kept (@synx/format-coco): use --format synx-format-mycoco:coco',
    );

    // --format coco is still the built-in; the qualified name picks the plugin's.
    const builtIn = await synx(
      ['export', '--from', DEMO, '--format', 'coco', '--output', join(root, 'b'), '--json'],
      { home },
    );
    expect(builtIn.code, builtIn.stderr).toBe(0);
    expect(existsSync(join(root, 'b', 'which.txt'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(root, 'b', 'synx-export.json'), 'utf8')) as {
      format: { package: string };
    };
    expect(manifest.format.package).toBe('@synx/format-coco');
    const qualified = await synx(
      [
        'export',
        '--from',
        DEMO,
        '--format',
        'synx-format-mycoco:coco',
        '--output',
        join(root, 'q'),
        '--json',
      ],
      { home },
    );
    expect(qualified.code, qualified.stderr).toBe(0);
    expect(readFileSync(join(root, 'q', 'which.txt'), 'utf8')).toBe('synx-format-mycoco\n');
    // Any format takes its qualified name.
    const q2 = await synx(
      [
        'export',
        '--from',
        DEMO,
        '--format',
        '@synx/format-json:json',
        '--output',
        join(root, 'j'),
        '--json',
      ],
      { home },
    );
    expect(q2.code, q2.stderr).toBe(0);
  });

  it('a link shadowing a user plugin wins and says so; an API mismatch is named at link time', async () => {
    const root = tempDir('plugins-link');
    const home = join(root, 'home');
    mkdirSync(home, { recursive: true });
    const user = makePlugin(join(root, 'user-lab'), 'synx-format-lab', ['lab']);
    expect((await synx(['plugins', 'install', user], { home })).code).toBe(0);
    const dev = makePlugin(join(root, 'dev-lab'), 'synx-format-lab-dev', ['lab']);
    const link = await synx(['plugins', 'link', dev, '--no-install'], { home });
    expect(link.code, link.stderr).toBe(0);
    expect(flat(link.stdout)).toContain(
      'Note: format "lab" comes from synx-format-lab-dev (link), which shadows synx-format-lab (user)',
    );
    expect(link.stdout).toContain('--format synx-format-lab:lab');
    const rows = await listRows(home);
    expect(
      rows
        .filter((r) => r.row === 'format' && r.id === 'lab')
        .map((r) => [r.package, r.status, r.shadowedBy ?? r.shadows?.join()]),
    ).toEqual([
      ['synx-format-lab-dev', 'active', 'synx-format-lab'],
      ['synx-format-lab', 'shadowed', 'synx-format-lab-dev'],
    ]);
    const r = await synx(
      ['export', '--from', DEMO, '--format', 'lab', '--output', join(root, 'o')],
      {
        home,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(root, 'o', 'which.txt'), 'utf8')).toBe('synx-format-lab-dev\n');

    const future = makePlugin(join(root, 'future'), 'synx-format-future', ['fut'], {
      apiVersion: 9,
    });
    const f = await synx(['plugins', 'link', future, '--no-install'], { home });
    expect(f.code, f.stderr).toBe(0);
    expect(flat(f.stderr)).toContain(
      'plugin synx-format-future@2.0.0 needs plugin API 9; this synx supports 1; its formats are ignored',
    );
    expect(flat(f.stderr)).toContain(
      'install a version of synx-format-future written for plugin API 1, or update synx',
    );
    expect(await listRows(home)).toContainEqual(
      expect.objectContaining({
        row: 'warning',
        kind: 'api-mismatch',
        plugin: 'synx-format-future',
      }),
    );
  });
});

describe('format options and flags', () => {
  it('an unknown option key fails with exit 2, naming the format, the key and the valid keys', async () => {
    const root = tempDir('strict');
    const r = await synx([
      'export',
      '--from',
      DEMO,
      '--format',
      'yolo',
      '-O',
      'colour=red',
      '--output',
      join(root, 'o'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'format yolo has no option "colour"; its options are task, classFrom, boxes, masks, crowd, yamlPath',
    );
    expect(r.stderr).toContain('`synx formats show yolo` lists its options');
    expect(existsSync(join(root, 'o'))).toBe(false);
  });

  it('formats show: options, defaults, values, flags, treatments and layout (text and --json)', async () => {
    const text = await synx(['formats', 'show', 'yolo']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Plugin:        @synx/format-yolo@0.1.0 (core)');
    expect(text.stdout).toMatch(
      /task\s+detect \| segment \| pose \| obb \| classify · default detect · flag --yolo-task/,
    );
    expect(text.stdout).toContain('--yolo-task  = --option task=<value>');
    expect(text.stdout).toMatch(/keypoint\s+drop {2}\(keypoints need --yolo-task pose\)/);
    expect(text.stdout).toMatch(/bbox\s+keep/);
    expect(text.stdout).toContain('labels/<image stem>.txt');
    const json = await synx(['formats', 'show', 'voc', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const info = JSON.parse(json.stdout) as {
      id: string;
      qualified: string;
      plugin: { name: string; type: string };
      options: { key: string; values?: string[]; default?: unknown; flags: string[] }[];
      flags: { flag: string; option: string; multiple: boolean }[];
      treatments: { feature: string; action: string; to?: string }[];
    };
    expect(info).toMatchObject({
      id: 'voc',
      qualified: '@synx/format-voc:voc',
      plugin: { name: '@synx/format-voc', type: 'core' },
    });
    expect(info.options.find((o) => o.key === 'layout')).toMatchObject({
      values: ['devkit', 'flat'],
      default: 'devkit',
      flags: [],
    });
    expect(info.options.find((o) => o.key === 'attr')?.flags).toEqual(['--voc-attr']);
    expect(info.flags).toEqual([
      expect.objectContaining({ flag: '--voc-attr', option: 'attr', multiple: true }),
    ]);
    expect(info.treatments.find((t) => t.feature === 'bbox')).toMatchObject({ action: 'keep' });
    const unknown = await synx(['formats', 'show', 'kitti']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no format "kitti" is installed');
  });

  it('format flags from manifests work; a flag of another format fails naming its format', async () => {
    const root = tempDir('aliases');
    const pose = await synx([
      'export',
      '--from',
      DEMO,
      '--format',
      'yolo',
      '--yolo-task=pose',
      '--output',
      join(root, 'y'),
      '--json',
    ]);
    expect(pose.code, pose.stderr).toBe(0);
    expect(readFileSync(join(root, 'y', 'data.yaml'), 'utf8')).toContain('kpt_shape');
    const voc = await synx([
      'export',
      '--from',
      DEMO,
      '--format',
      'voc',
      '--voc-attr',
      'difficult=hard',
      '--dry-run',
      '--json',
    ]);
    expect(voc.code, voc.stderr).toBe(0);
    const plan = JSON.parse(voc.stdout) as { format: { options: unknown } };
    expect(plan.format.options).toMatchObject({ attr: { difficult: 'hard' } });
    const foreign = await synx([
      'export',
      '--from',
      DEMO,
      '--format',
      'coco',
      '--csv-preset',
      'tfod',
      '--output',
      join(root, 'c'),
    ]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('--csv-preset applies to --format csv, not coco');
    expect(existsSync(join(root, 'c'))).toBe(false);
  });
});
