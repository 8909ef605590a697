// Packs every workspace package the way `npm publish` would, for the publish and registry tests.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..', '..');
export const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

export interface Packed {
  name: string;
  version: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  files: string[];
}

export interface Exec {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; never rejects (the caller asserts on code and output). */
export function run(
  cmd: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<Exec> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeout ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        resolve({
          code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1,
          stdout,
          stderr:
            err !== null && typeof err.code !== 'number' ? `${stderr}\n${err.message}` : stderr,
        });
      },
    );
  });
}

/** `npm pack --workspaces` into `dest`: one tarball per workspace package (private ones skipped). */
export async function packAll(dest: string, env?: NodeJS.ProcessEnv): Promise<Packed[]> {
  const r = await run(
    'npm',
    ['pack', '--workspaces', '--json', '--ignore-scripts', '--pack-destination', dest],
    { cwd: REPO, ...(env === undefined ? {} : { env }) },
  );
  if (r.code !== 0) {
    throw new Error(`npm pack failed (${r.code}):\n${r.stderr}`);
  }
  const out = JSON.parse(r.stdout) as {
    name: string;
    version: string;
    filename: string;
    files: { path: string }[];
  }[];
  return out.map((p) => ({
    name: p.name,
    version: p.version,
    tarball: join(dest, p.filename),
    files: p.files.map((f) => f.path),
  }));
}
