// Installing a plugin package the way its author would, outside the monorepo: the workspace
// packages it needs are packed with `npm pack` (as they would be published), and npm takes them
// from the tarballs — or, by name, from a small local registry that serves only `@synx/*` and
// leaves every other package to the usual registry (`npm_config_@synx:registry`).
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The monorepo root. */
export const REPO = join(import.meta.dirname, '..', '..', '..');

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Every workspace package under packages/ and apps/, by name, with its folder. */
export function workspacePackages(): Map<string, { dir: string; pkg: PackageJson }> {
  const out = new Map<string, { dir: string; pkg: PackageJson }>();
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(REPO, group)).sort()) {
      const dir = join(REPO, group, name);
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
        out.set(pkg.name, { dir, pkg });
      } catch {
        // not a package folder
      }
    }
  }
  return out;
}

/**
 * The workspace packages a package.json needs, transitively: its dependencies and
 * devDependencies that are workspace packages, and their (runtime) dependencies.
 */
export function workspaceClosure(pkg: PackageJson): string[] {
  const all = workspacePackages();
  const seen = new Set<string>();
  const visit = (deps: Record<string, string> | undefined): void => {
    for (const name of Object.keys(deps ?? {})) {
      const ws = all.get(name);
      if (ws !== undefined && !seen.has(name)) {
        seen.add(name);
        visit(ws.pkg.dependencies);
      }
    }
  };
  visit(pkg.dependencies);
  visit(pkg.devDependencies);
  return [...seen].sort();
}

/**
 * The environment without what an outer test run sets (vitest's, npm's lifecycle and nx's
 * variables), so that a nested `npm test` behaves as in a fresh shell.
 */
export function cleanEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(VITEST|VITE_|npm_|NODE_OPTIONS$|NODE_ENV$|NX_|TEST$)/i.test(k)) {
      out[k] = v;
    }
  }
  return out;
}

/** Runs a command; rejects with its output when it fails. */
export function run(
  cmd: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd: options.cwd,
        env: { ...cleanEnv(), ...options.env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 600_000,
      },
      (err, stdout, stderr) => {
        if (err !== null) {
          reject(
            new Error(
              `${cmd} ${args.join(' ')} failed in ${options.cwd}: ${err.message}\n${stdout}\n${stderr}`,
            ),
          );
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/** The environment for npm in tests: no update notice, no audit, no funding lines, no colour. */
export const NPM_ENV: Record<string, string> = {
  npm_config_update_notifier: 'false',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_color: 'false',
  npm_config_loglevel: 'error',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

/** One packed workspace package. */
export interface Packed {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the tarball. */
  readonly tarball: string;
}

/** `npm pack`s the given workspace packages (built already) into `dest`, in one npm run. */
export async function packWorkspaces(names: readonly string[], dest: string): Promise<Packed[]> {
  const all = workspacePackages();
  const args = ['pack', '--json', '--pack-destination', dest];
  for (const n of names) {
    const ws = all.get(n);
    if (ws === undefined) {
      throw new Error(`${n} is not a workspace package`);
    }
    args.push('--workspace', ws.dir);
  }
  const { stdout } = await run('npm', args, { cwd: REPO, env: NPM_ENV });
  const rows = JSON.parse(stdout) as { name: string; version: string; filename: string }[];
  return rows.map((r) => ({ name: r.name, version: r.version, tarball: join(dest, r.filename) }));
}

/** The package.json inside a tarball made by `npm pack` (`package/package.json`). */
export function packageJsonOfTarball(tarball: string): PackageJson {
  const tar = gunzipSync(readFileSync(tarball));
  for (let off = 0; off + 512 <= tar.length;) {
    const name = tar
      .subarray(off, off + 100)
      .toString('utf8')
      .replace(/\0.*$/s, '');
    const size = parseInt(
      tar
        .subarray(off + 124, off + 136)
        .toString('utf8')
        .trim() || '0',
      8,
    );
    if (name === '') {
      break;
    }
    if (name === 'package/package.json') {
      return JSON.parse(tar.subarray(off + 512, off + 512 + size).toString('utf8')) as PackageJson;
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${tarball} has no package/package.json`);
}

/** A registry on 127.0.0.1 serving the packed packages by name (packuments and tarballs). */
export interface LocalRegistry {
  readonly url: string;
  /** npm settings that send `@synx/*` to it and everything else to the usual registry. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** Serves `packed` (one version per package) as an npm registry for the `@synx` scope. */
export async function serveScope(packed: readonly Packed[]): Promise<LocalRegistry> {
  const byName = new Map(packed.map((p) => [p.name, p]));
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const tgz = /^\/-\/tarball\/(.+\.tgz)$/.exec(path);
    if (tgz !== null) {
      const p = packed.find((x) => x.tarball.endsWith(`/${tgz[1] ?? ''}`));
      if (p === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(readFileSync(p.tarball));
      return;
    }
    const p = byName.get(path.slice(1));
    if (p === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const bytes = readFileSync(p.tarball);
    const manifest = packageJsonOfTarball(p.tarball);
    const file = p.tarball.slice(p.tarball.lastIndexOf('/') + 1);
    const doc = {
      name: p.name,
      'dist-tags': { latest: p.version },
      versions: {
        [p.version]: {
          ...manifest,
          _id: `${p.name}@${p.version}`,
          dist: {
            tarball: `${base}/-/tarball/${file}`,
            shasum: createHash('sha1').update(bytes).digest('hex'),
            integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
          },
        },
      },
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/`,
    env: { 'npm_config_@synx:registry': `${base}/` },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * Installs a standalone package folder with the workspace packages it needs taken from
 * tarballs (`npm install --no-save <tarballs>`: package.json and the folder's files are left
 * as they are). Third-party dependencies come from the usual registry.
 */
export async function installWithTarballs(dir: string, packed: readonly Packed[]): Promise<void> {
  await run('npm', ['install', '--no-save', '--no-package-lock', ...packed.map((p) => p.tarball)], {
    cwd: dir,
    env: NPM_ENV,
  });
}
