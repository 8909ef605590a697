// docs/plugin-authoring.md's walkthrough, run literally: every ```sh walkthrough block, in
// order, in one shell, in a folder outside the repository. `synx` on PATH is the CLI built here
// (the walkthrough-install block is not run), and npm takes the `@synx/*` packages from a local
// registry serving them packed (`npm_config_@synx:registry`); the steps are not changed.
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, DEMO, isolatedEnv, tempDir } from './helpers.js';
import { NPM_ENV, packWorkspaces, REPO, run, serveScope, workspaceClosure } from './pack.js';

const DOC = join(REPO, 'docs', 'plugin-authoring.md');

/** The shell blocks of a Markdown file whose info string is exactly `sh <tag>`. */
export function shellBlocks(markdown: string, tag: string): string[] {
  const out: string[] = [];
  const re = /^```sh[ \t]+(\S+)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (const m of markdown.matchAll(re)) {
    if (m[1] === tag) {
      out.push(m[2] ?? '');
    }
  }
  return out;
}

describe('docs/plugin-authoring.md walkthrough', () => {
  const root = tempDir('walkthrough');
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) {
      await c();
    }
  });

  it('has the steps from install to publish', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(shellBlocks(doc, 'walkthrough-install').join('')).toContain('npm install -g synx');
    const steps = shellBlocks(doc, 'walkthrough').join('');
    for (const step of [
      'synx plugins new synx-format-demo',
      'npm test',
      'npm run build',
      'synx plugins link .',
      '--format demo',
    ]) {
      expect(steps).toContain(step);
    }
    expect(shellBlocks(doc, 'walkthrough-publish').join('')).toContain('npm publish');
  });

  it('runs as written: new, install, test, build, link, export', async () => {
    const doc = readFileSync(DOC, 'utf8');
    const script = shellBlocks(doc, 'walkthrough').join('\n');
    // What the reader has: a Synapse export folder next to where they work, and synx on PATH.
    const work = join(root, 'work');
    mkdirSync(work, { recursive: true });
    cpSync(DEMO, join(work, 'my-synapse-export'), { recursive: true });
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'synx'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'synx'), 0o755);

    // The @synx packages a new plugin needs, packed as they would be published.
    const template = JSON.parse(
      readFileSync(join(REPO, 'apps', 'synx', 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    const needs = workspaceClosure({
      name: 'x',
      version: '0.0.0',
      dependencies: {
        '@synx/plugin-api': template.dependencies['@synx/plugin-api'] ?? '',
        '@synx/model': '',
        '@synx/format-testkit': '',
      },
    });
    const packs = join(root, 'packs');
    mkdirSync(packs, { recursive: true });
    const registry = await serveScope(await packWorkspaces(needs, packs));
    closers.push(() => registry.close());

    const home = join(root, 'home');
    mkdirSync(home, { recursive: true });
    const synxEnv = isolatedEnv(home);
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: work,
      env: {
        ...NPM_ENV,
        ...registry.env,
        // synx's own state isolated; npm keeps the user's cache (HOME stays for npm).
        SYNX_DATA_DIR: synxEnv['SYNX_DATA_DIR'],
        SYNX_CONFIG_DIR: synxEnv['SYNX_CONFIG_DIR'],
        SYNX_CACHE_DIR: synxEnv['SYNX_CACHE_DIR'],
        XDG_DATA_HOME: join(home, 'xdg-data'),
        XDG_CONFIG_HOME: join(home, 'xdg-config'),
        XDG_CACHE_HOME: join(home, 'xdg-cache'),
        PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      },
      timeoutMs: 900_000,
    });
    expect(stdout).toContain('Created synx-format-demo (format "demo")');
    expect(stdout).toMatch(/Tests\s+\d+ passed/);
    expect(stdout).toMatch(/demo\s+Demo JSON/);
    const labels = readdirSync(join(work, 'demo-out', 'labels'));
    expect(labels).toContain('00_street.json');
    const street = JSON.parse(
      readFileSync(join(work, 'demo-out', 'labels', '00_street.json'), 'utf8'),
    ) as { image: string; objects: { class: string; type: string }[] };
    expect(street.image).toBe('00_street.jpg');
    expect(street.objects).toContainEqual(expect.objectContaining({ class: 'Dog', type: 'box' }));
    // `cat ../demo-out/labels/*.json` printed them.
    expect(stdout).toContain('"image": "00_street.jpg"');
    // The install took @synx/plugin-api from the packed tarball, by name.
    const installed = JSON.parse(
      readFileSync(
        join(work, 'synx-format-demo', 'node_modules', '@synx', 'plugin-api', 'package.json'),
        'utf8',
      ),
    ) as { version: string };
    expect(installed.version).toBe(template.dependencies['@synx/plugin-api']);
  }, 900_000);
});
