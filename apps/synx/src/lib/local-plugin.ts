import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SynxError } from '@synx/model';

/**
 * The local path an install argument names, or `undefined` for a package name, a GitHub slug
 * or a URL: `./x`, `../x`, `/abs/x`, `~/x`, `.`, `..`, or an existing `*.tgz` / `*.tar.gz`.
 */
export function localPath(arg: string): string | undefined {
  if (arg.startsWith('file:')) {
    return undefined; // already what npm takes
  }
  if (arg === '~' || arg.startsWith('~/')) {
    return join(homedir(), arg.slice(1));
  }
  if (
    arg === '.' ||
    arg === '..' ||
    arg.startsWith('./') ||
    arg.startsWith('../') ||
    isAbsolute(arg) ||
    (/\.(tgz|tar\.gz)$/.test(arg) && existsSync(arg))
  ) {
    return resolve(arg);
  }
  return undefined;
}

/** npm's command line, as @oclif/plugin-plugins finds it (its pinned npm, else `npm` on PATH). */
function npmCommand(): { file: string; args: string[] } {
  try {
    const from = createRequire(import.meta.url).resolve('@oclif/plugin-plugins');
    const pjson = createRequire(from).resolve('npm/package.json');
    return { file: process.execPath, args: [join(dirname(pjson), 'bin', 'npm-cli.js')] };
  } catch {
    return { file: 'npm', args: [] };
  }
}

/**
 * The `file:` spec npm installs a local plugin from. A tarball is installed as it is; a folder
 * is packed first (`npm pack`, into `<dataDir>/packed/`) and its tarball installed, so the
 * install is a copy of what the folder would publish (`synx plugins link` uses a folder live).
 * Installing folders directly would leave @oclif/plugin-plugins unable to tell two local
 * folders apart when it looks the installed name up.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` when the path does not exist or cannot be packed.
 */
export async function localInstallSpec(path: string, dataDir: string): Promise<string> {
  if (!existsSync(path)) {
    throw new SynxError('SYNX_INVALID_INPUT', `no plugin at ${path}`, {
      hint: 'give a plugin folder (with a package.json) or a tarball made by `npm pack`',
    });
  }
  if (!statSync(path).isDirectory()) {
    return `file:${path}`;
  }
  if (!existsSync(join(path, 'package.json'))) {
    throw new SynxError('SYNX_INVALID_INPUT', `${path} has no package.json`, {
      hint: 'give the folder of a plugin package',
    });
  }
  const dest = join(dataDir, 'packed');
  mkdirSync(dest, { recursive: true });
  const npm = npmCommand();
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(
      npm.file,
      [...npm.args, 'pack', path, '--pack-destination', dest, '--json', '--loglevel', 'error'],
      { cwd: dest, maxBuffer: 16 * 1024 * 1024 },
    ));
  } catch (err) {
    throw new SynxError('SYNX_INVALID_INPUT', `cannot pack ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: 'check the folder is a valid npm package (`npm pack` in it shows why)',
    });
  }
  const packed = (JSON.parse(stdout) as { filename?: string }[])[0]?.filename;
  if (packed === undefined) {
    throw new SynxError('SYNX_INVALID_INPUT', `npm pack made no tarball of ${path}`);
  }
  // Scoped names are packed as scope-name-1.0.0.tgz
  return `file:${join(dest, packed.replace(/^@/, '').replace(/\//g, '-'))}`;
}
