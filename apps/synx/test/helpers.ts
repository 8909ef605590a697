import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export { tempDir, tree } from '@synx/format-testkit';

export const BIN = join(import.meta.dirname, '..', 'bin', 'run.js');
export const DEMO = join(import.meta.dirname, '..', 'demo', 'synapse-demo');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run: an isolated HOME and oclif data/config/cache dirs. */
export function isolatedEnv(home: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    SYNX_DATA_DIR: join(home, 'data'),
    SYNX_CONFIG_DIR: join(home, 'config'),
    SYNX_CACHE_DIR: join(home, 'cache'),
    NO_COLOR: '1',
  };
}

/** Runs the built CLI with an isolated HOME and oclif data/config/cache dirs. */
export function synx(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    home?: string;
    /** Node options before the bin (e.g. `--import` of a module hook). */
    nodeArgs?: string[];
  } = {},
): Promise<RunResult> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'synx-home-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), BIN, ...args],
      {
        cwd: options.cwd ?? home,
        env: { ...isolatedEnv(home), ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        resolve({
          code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1,
          stdout,
          stderr,
        });
      },
    );
  });
}

/** `synx export` arguments for a project of a (fake) backend, plus `extra`. */
export function apiExportArgs(
  backend: { readonly url: string; readonly projectId: number | string },
  token: string,
  format: string,
  out: string,
  extra: readonly string[] = [],
): string[] {
  const project = String(backend.projectId);
  return ['export', '--host', backend.url, '--token', token, '--project', project]
    .concat(['--format', format, '--output', out])
    .concat(extra);
}
