// `synx plugins new`: writes a standalone format-plugin package from the templates in
// apps/synx/templates/plugin (shipped with the CLI).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { SynxError } from '@synx/model';

/** The templates of a new plugin package (each file ends with `.tpl`). */
export const TEMPLATE_DIR = join(import.meta.dirname, '..', '..', 'templates', 'plugin');

/** What `synx plugins new` is asked for. */
export interface ScaffoldRequest {
  /** npm package name, e.g. `synx-format-demo` or `@acme/synx-format-demo`. */
  readonly name: string;
  /** Folder to create (default `./<name without scope>`, relative to `cwd`). */
  readonly directory?: string | undefined;
  /** Format id (default derived from the name). */
  readonly id?: string | undefined;
  /** SPDX licence of the package (default MIT). */
  readonly license?: string | undefined;
  readonly cwd: string;
}

/** What was written. */
export interface ScaffoldResult {
  readonly dir: string;
  readonly id: string;
  readonly exportName: string;
  /** Written files, relative to `dir`, sorted. */
  readonly files: string[];
}

/** The version ranges a new plugin depends on (the synx packages this CLI was built with). */
export interface ScaffoldVersions {
  readonly pluginApi: string;
  readonly formatTestkit: string;
  readonly model: string;
}

/**
 * Why `name` is not a valid npm package name for a new package, or undefined when it is
 * (the rules of npm's validate-npm-package-name for new packages).
 */
export function npmNameProblem(name: string): string | undefined {
  if (name.length === 0) {
    return 'it is empty';
  }
  if (name.length > 214) {
    return 'it is longer than 214 characters';
  }
  if (name !== name.toLowerCase()) {
    return 'it has capital letters';
  }
  if (name.trim() !== name) {
    return 'it has leading or trailing spaces';
  }
  const m = /^(?:@([^/]+)\/)?([^/]+)$/.exec(name);
  if (m === null) {
    return 'a scoped name is @scope/name; any other name has no "/"';
  }
  const [, scope, bare = ''] = m;
  for (const part of scope === undefined ? [bare] : [scope, bare]) {
    if (part.startsWith('.') || part.startsWith('_')) {
      return 'it starts with "." or "_"';
    }
    if (!/^[a-z0-9._~-]+$/.test(part)) {
      return 'it may only have a-z, 0-9 and "-._~" (and one @scope/)';
    }
  }
  if (scope === undefined && (builtinModules.includes(bare) || bare === 'node_modules')) {
    return `"${bare}" is a Node.js core module name`;
  }
  return undefined;
}

/** The format id a package name suggests: `synx-format-demo` → `demo`, `@acme/labelme` → `labelme`. */
export function formatIdFromName(name: string): string {
  const bare = name.replace(/^@[^/]+\//, '');
  const id = bare
    .replace(/^synx-format-/, '')
    .replace(/^synx-/, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return id === '' ? 'format' : id;
}

const ID = /^[a-z0-9][a-z0-9-]*$/;

function pascal(id: string): string {
  const p = id
    .split('-')
    .filter((s) => s !== '')
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
    .join('');
  // An identifier cannot start with a digit.
  return /^[0-9]/.test(p) ? `F${p}` : p;
}

/** `^1.0.0` from `1.0.0`; a range is kept as it is. */
function caret(version: string): string {
  return /^\d/.test(version) ? `^${version}` : version;
}

/** The ranges from synx's own package.json (its dependencies are the versions it was built with). */
export function scaffoldVersions(): ScaffoldVersions {
  const pkg = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'),
  ) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const all = { ...pkg.devDependencies, ...pkg.dependencies };
  const get = (n: string): string => caret(all[n] ?? '1.0.0');
  return {
    pluginApi: get('@synx/plugin-api'),
    formatTestkit: get('@synx/format-testkit'),
    model: get('@synx/model'),
  };
}

function templates(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      out.push(...templates(p, base));
    } else if (name.endsWith('.tpl')) {
      out.push(relative(base, p));
    }
  }
  return out;
}

function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (all, key: string) => values[key] ?? all);
}

/** The package.json of a new plugin. */
export function pluginPackageJson(
  name: string,
  id: string,
  exportName: string,
  license: string,
  versions: ScaffoldVersions,
): Record<string, unknown> {
  return {
    name,
    version: '0.1.0',
    description: `A synx format plugin: ${id} (one JSON file per image).`,
    license,
    type: 'module',
    keywords: ['synx-plugin', 'synx-format', 'oclif'],
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist'],
    engines: { node: '^20.19.0 || >=22.12.0' },
    scripts: {
      build: 'tsc -p tsconfig.json',
      // The conformance suite runs the built module in child processes: build first.
      pretest: 'npm run build',
      test: 'vitest run',
      prepublishOnly: 'npm test',
    },
    oclif: {},
    synx: {
      apiVersion: 1,
      formats: [
        {
          id,
          title: `${pascal(id)} JSON`,
          module: './dist/index.js',
          export: exportName,
          extensions: ['.json'],
          capabilities: ['write', 'read'],
          annotationKinds: ['bbox', 'polygon'],
        },
      ],
    },
    dependencies: {
      '@synx/model': versions.model,
      '@synx/plugin-api': versions.pluginApi,
      zod: '^4.1.0',
    },
    devDependencies: {
      '@synx/format-testkit': versions.formatTestkit,
      '@types/node': '^22.0.0',
      typescript: '~6.0.3',
      vitest: '^4.1.0',
    },
  };
}

function isEmptyDir(dir: string): boolean | undefined {
  try {
    if (!statSync(dir).isDirectory()) {
      return false;
    }
  } catch {
    return undefined;
  }
  return readdirSync(dir).length === 0;
}

/** Writes a new plugin package; refuses an existing file or a folder that is not empty. */
export function scaffoldPlugin(
  req: ScaffoldRequest,
  versions: ScaffoldVersions = scaffoldVersions(),
  year: number = new Date().getFullYear(),
): ScaffoldResult {
  const problem = npmNameProblem(req.name);
  if (problem !== undefined) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `"${req.name}" is not a valid npm package name: ${problem}`,
      {
        hint: 'use lower-case letters, digits and "-", e.g. synx-format-demo',
      },
    );
  }
  const id = req.id ?? formatIdFromName(req.name);
  if (!ID.test(id)) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `"${id}" is not a valid format id: it must be lower-case kebab case`,
      { hint: 'give one with --id, e.g. --id demo' },
    );
  }
  const license = req.license ?? 'MIT';
  const dir = resolve(req.cwd, req.directory ?? req.name.replace(/^@[^/]+\//, ''));
  const empty = isEmptyDir(dir);
  if (empty === false) {
    throw new SynxError('SYNX_INVALID_INPUT', `${dir} exists and is not an empty folder`, {
      hint: 'choose another name or --directory',
    });
  }
  const camel = pascal(id).charAt(0).toLowerCase() + pascal(id).slice(1);
  const exportName = `${camel}Format`;
  const values = {
    name: req.name,
    id,
    pascal: pascal(id),
    constName: id.toUpperCase().replace(/-/g, '_'),
    exportName,
    title: `${pascal(id)} JSON`,
    license,
    year: String(year),
  };
  const files: string[] = [];
  const put = (rel: string, text: string): void => {
    const path = join(dir, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text, { flag: 'wx' });
    files.push(rel.split('\\').join('/'));
  };
  try {
    mkdirSync(dir, { recursive: true });
    put(
      'package.json',
      `${JSON.stringify(pluginPackageJson(req.name, id, exportName, license, versions), null, 2)}\n`,
    );
    for (const rel of templates(TEMPLATE_DIR)) {
      if (rel === 'LICENSE.tpl' && license !== 'MIT') {
        continue; // only the MIT text is shipped; any other licence is the author's to add
      }
      // npm leaves `.gitignore` out of packages: the template is `_gitignore`.
      const target = rel.slice(0, -'.tpl'.length).replace(/^_gitignore$/, '.gitignore');
      put(target, fill(readFileSync(join(TEMPLATE_DIR, rel), 'utf8'), values));
    }
  } catch (err) {
    if (err instanceof SynxError) {
      throw err;
    }
    throw new SynxError('SYNX_IO', `cannot write ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { dir, id, exportName, files: files.sort() };
}
