import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO, synx, tempDir } from './helpers.js';

/**
 * Runs the CLI under a module-resolution hook that records every module it loads (ESM), so
 * start-up regressions — a heavy package imported at the top of the export path — fail here.
 */
async function loadedModules(args: string[]): Promise<{ code: number; loaded: string[] }> {
  const dir = tempDir('startup');
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}
`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
`,
  );
  const r = await synx(args, {
    cwd: dir,
    home: dir,
    nodeArgs: ['--import', pathToFileURL(register).href],
  });
  return { code: r.code, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const fromPackage = (loaded: string[], name: string): string[] =>
  loaded.filter((url) => url.includes(`/packages/${name}/`));

describe('start-up of a folder export (ADR 0016)', () => {
  it('loads the format and the pipeline, but not the HTTP client or the media downloader', async () => {
    const out = join(tempDir('startup-out'), 'out');
    const args = ['export', '--from', DEMO, '--format', 'coco', '--output', out, '--json'];
    const { code, loaded } = await loadedModules(args);
    expect(code).toBe(0);
    // The hook saw the export path (so an empty list below means something).
    expect(fromPackage(loaded, 'export').length).toBeGreaterThan(0);
    expect(fromPackage(loaded, 'format-coco').length).toBeGreaterThan(0);
    expect(fromPackage(loaded, 'client')).toEqual([]);
    expect(fromPackage(loaded, 'media-downloader')).toEqual([]);
    expect(loaded.filter((url) => url.endsWith('/sources/api.js'))).toEqual([]);
    expect(loaded.filter((url) => url.endsWith('/sources/http-range.js'))).toEqual([]);
  });
});

describe('start-up without prompts', () => {
  it('login with --token does not load @inquirer/prompts (only the prompting path imports it)', async () => {
    const dir = tempDir('startup-login');
    const config = join(dir, 'config.json');
    const args = ['login', '--host', 'http://127.0.0.1:9', '--token', 't', '--no-verify'];
    const { code, loaded } = await loadedModules([...args, '--config', config]);
    expect(code).toBe(0);
    expect(fromPackage(loaded, 'client').length).toBeGreaterThan(0);
    expect(loaded.filter((url) => url.includes('/@inquirer/'))).toEqual([]);
  });

  it('formats list does not load @inquirer/prompts, nor any format', async () => {
    const { code, loaded } = await loadedModules(['formats', 'list', '--json']);
    expect(code).toBe(0);
    expect(fromPackage(loaded, 'plugin-host').length).toBeGreaterThan(0);
    expect(loaded.filter((url) => url.includes('/@inquirer/'))).toEqual([]);
    expect(loaded.filter((url) => url.includes('/packages/format-'))).toEqual([]);
  });

  it("a format's flags are resolved from manifests: only the chosen format is loaded", async () => {
    const out = join(tempDir('startup-alias'), 'out');
    const args = ['export', '--from', DEMO, '--format', 'csv', '--csv-preset', 'tfod'];
    const { code, loaded } = await loadedModules([...args, '--output', out, '--json']);
    expect(code).toBe(0);
    expect(fromPackage(loaded, 'format-csv').length).toBeGreaterThan(0);
    for (const other of ['format-coco', 'format-yolo', 'format-voc', 'format-json']) {
      expect(fromPackage(loaded, other), other).toEqual([]);
    }
  });
});
