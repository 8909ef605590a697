// What a user gets from the registry: every workspace package packed with `npm pack`, each
// tarball checked (LICENSE, repository/homepage/bugs, no workspace:/file: ranges, every module its
// .d.ts files import declared), then installed into a strict TypeScript consumer outside the
// repository (strict, nodenext, skipLibCheck false, no @types/node of its own) that imports every public
// entry and must type-check.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAll, REPO, run, TSC, type Packed } from './packing.js';

const LICENSE = readFileSync(join(REPO, 'LICENSE'), 'utf8');
const BUILTINS = new Set(
  execFileSync(process.execPath, ['-p', 'require("node:module").builtinModules.join(",")'], {
    encoding: 'utf8',
  })
    .trim()
    .split(','),
);

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

let work = '';
let packed: Packed[];
/** Files of each tarball, by package name: path → text. */
const contents = new Map<string, Map<string, string>>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'synx-publish-'));
  mkdirSync(join(work, 'tarballs'));
  packed = await packAll(join(work, 'tarballs'));
  for (const p of packed) {
    const into = join(work, 'unpacked', p.name.replace('/', '__'));
    mkdirSync(into, { recursive: true });
    execFileSync('tar', ['-xzf', p.tarball, '-C', into]);
    const files = new Map<string, string>();
    for (const f of p.files) {
      files.set(f, readFileSync(join(into, 'package', f), 'utf8'));
    }
    contents.set(p.name, files);
  }
}, 300_000);

afterAll(() => {
  if (work !== '') {
    rmSync(work, { recursive: true, force: true });
  }
});

const manifestOf = (name: string): Manifest =>
  JSON.parse(contents.get(name)?.get('package.json') ?? '{}') as Manifest;

/**
 * Every module specifier a .d.ts text imports or references (`/// <reference types>` → `@types/x`),
 * read by TypeScript's own pre-processor: a regex also matches "from '…'" inside string types.
 */
export function dtsModules(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return [
    ...info.importedFiles.map((f) => f.fileName),
    ...info.typeReferenceDirectives.map((f) => `@types/${f.fileName}`),
  ].filter((s) => s !== '' && !s.startsWith('.'));
}

describe('npm pack of every workspace package', () => {
  it('reads module specifiers the way TypeScript does, not from string types', () => {
    const text = [
      '/// <reference types="node" />',
      "import type { A } from 'x';",
      "export * from './y.js';",
      'export type Z = import("z/deep").T;',
      'export declare const M: { readonly why: "drawn from"; readonly how: "from \'q\'" };',
      "import 'side';",
    ].join('\n');
    expect(dtsModules(text)).toEqual(['x', 'z/deep', 'side', '@types/node']);
  });

  it('packs all 23 publishable packages, plugin-api at 1.1.0', () => {
    expect(packed.map((p) => p.name).sort()).toEqual([
      '@synx/client',
      '@synx/export',
      '@synx/fake-synapse',
      '@synx/format-coco',
      '@synx/format-csv',
      '@synx/format-imagefolder',
      '@synx/format-json',
      '@synx/format-ner',
      '@synx/format-testkit',
      '@synx/format-voc',
      '@synx/format-yolo',
      '@synx/geometry',
      '@synx/http',
      '@synx/image-header',
      '@synx/media-downloader',
      '@synx/media-transform',
      '@synx/model',
      '@synx/plugin-api',
      '@synx/plugin-host',
      '@synx/report',
      '@synx/split',
      '@synx/synapse-folder',
      'synx',
    ]);
    expect(packed.find((p) => p.name === '@synx/plugin-api')?.version).toBe('1.1.0');
  });

  it('every tarball holds the LICENSE, a README and the publish metadata', () => {
    const problems: string[] = [];
    for (const p of packed) {
      const files = contents.get(p.name) ?? new Map<string, string>();
      if (files.get('LICENSE') !== LICENSE) {
        problems.push(`${p.name}: LICENSE missing or different`);
      }
      if (!files.has('README.md')) {
        problems.push(`${p.name}: no README.md`);
      }
      const pj = manifestOf(p.name);
      if (pj.private === true) {
        problems.push(`${p.name}: private`);
      }
      if (pj.repository?.url !== 'git+https://github.com/datamaker/synx.git') {
        problems.push(`${p.name}: repository.url ${String(pj.repository?.url)}`);
      }
      if (pj.repository?.directory === undefined) {
        problems.push(`${p.name}: no repository.directory`);
      }
      if (!(pj.homepage ?? '').startsWith('https://')) {
        problems.push(`${p.name}: no homepage`);
      }
      if (!(pj.bugs?.url ?? '').startsWith('https://')) {
        problems.push(`${p.name}: no bugs.url`);
      }
      for (const deps of [pj.dependencies, pj.peerDependencies, pj.optionalDependencies]) {
        for (const [dep, range] of Object.entries(deps ?? {})) {
          if (/^(workspace|file|link):|^\.{0,2}\//.test(range)) {
            problems.push(`${p.name}: ${dep}@${range}`);
          }
        }
      }
      if ([...files.keys()].some((f) => f.endsWith('.tsbuildinfo') || f.endsWith('.map'))) {
        problems.push(`${p.name}: build leftovers in the tarball`);
      }
      if ([...files.keys()].some((f) => f.startsWith('src/') || f.startsWith('test/'))) {
        problems.push(`${p.name}: sources or tests in the tarball`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every module a tarball's .d.ts files import is a dependency or peer of that package", () => {
    const problems: string[] = [];
    for (const p of packed) {
      const pj = manifestOf(p.name);
      const declared = { ...pj.dependencies, ...pj.peerDependencies };
      for (const [file, text] of contents.get(p.name) ?? []) {
        if (!/\.d\.[mc]?ts$/.test(file)) {
          continue;
        }
        let node = /\bBuffer\b|\bNodeJS\./.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''));
        for (const spec of dtsModules(text)) {
          if (spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0] ?? '')) {
            node = true;
            continue;
          }
          const name = spec.startsWith('@')
            ? spec.split('/').slice(0, 2).join('/')
            : (spec.split('/')[0] ?? '');
          if (name === '@types/node') {
            node = true;
          } else if (name !== p.name && !(name in declared)) {
            problems.push(`${p.name}: ${file} imports ${name}, not a dependency or peer`);
          }
        }
        if (node && !('@types/node' in declared)) {
          problems.push(
            `${p.name}: ${file} uses Node's types, @types/node is not a dependency or peer`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('a strict nodenext consumer outside the repo installs the tarballs and type-checks every public entry', async () => {
    const consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '0.0.0', private: true, type: 'module' }),
    );
    const install = await run(
      'npm',
      [
        'install',
        ...packed.map((p) => p.tarball),
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--loglevel=error',
      ],
      { cwd: consumer },
    );
    expect(install.stderr + install.stdout).not.toMatch(/ERR!/);
    expect(install.code).toBe(0);

    // Every public entry: each "exports" key but ./package.json and data files.
    const entries: { pkg: string; spec: string }[] = [];
    for (const p of packed) {
      for (const key of Object.keys(manifestOf(p.name).exports ?? { '.': {} })) {
        if (key === './package.json' || key.endsWith('.json')) {
          continue;
        }
        entries.push({ pkg: p.name, spec: key === '.' ? p.name : `${p.name}/${key.slice(2)}` });
      }
    }
    expect(entries.length).toBeGreaterThanOrEqual(18);
    mkdirSync(join(consumer, 'src'));
    writeFileSync(
      join(consumer, 'src', 'all.ts'),
      entries.map((e, i) => `import * as m${i} from '${e.spec}';`).join('\n') +
        `\nexport const all: object[] = [${entries.map((_, i) => `m${i}`).join(', ')}];\n`,
    );
    // A Node consumer names `types: ["node"]` (TS 6 loads no ambient types by default, and
    // `node:` modules are ambient declarations of @types/node), but installs no @types/node of
    // its own: it must come from the packages whose .d.ts use it.
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          skipLibCheck: false,
          types: ['node'],
          noEmit: true,
        },
        files: ['src/all.ts'],
      }),
    );
    const tsc = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: consumer });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  }, 900_000);
});
