import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SynxError, type Issue } from '@synx/model';
import { PLUGIN_API_VERSION, SUPPORTED_API_VERSIONS, type Format } from './format.js';
import { PluginManifestSchema, type FormatManifestEntry } from './manifest.js';

/** How a plugin was installed (oclif's plugin types; `dev` and `link` are local checkouts). */
export type PluginType = 'core' | 'user' | 'link' | 'dev';

/** A plugin as the host (oclif) knows it. */
export interface PluginInfo {
  readonly name: string;
  readonly version: string;
  /** `core`, `user`, `link` or `dev` (oclif's plugin types); other values rank lowest. */
  readonly type: string;
  readonly root: string;
  /** The plugin's package.json. Only its `synx` key is read. */
  readonly pjson: Readonly<Record<string, unknown>>;
}

/** A format known to the registry, before its module is imported. */
export interface FormatEntry extends FormatManifestEntry {
  readonly plugin: {
    readonly name: string;
    readonly version: string;
    readonly type: string;
    readonly root: string;
  };
  /** Other plugins that declare the same id and lost (or conflict). */
  readonly shadows: readonly string[];
}

const RANK: Record<string, number> = { link: 3, dev: 3, user: 2, core: 1 };

function validateFormat(value: unknown, entry: FormatEntry): Format<unknown> {
  const where = `${entry.plugin.name}@${entry.plugin.version} (${entry.module}#${entry.export ?? 'default'})`;
  const fail = (why: string): never => {
    throw new SynxError(
      'SYNX_PLUGIN_INVALID',
      `format "${entry.id}" from ${where} is invalid: ${why}`,
      {
        hint: `run \`synx plugins inspect ${entry.plugin.name}\`, or reinstall the plugin`,
      },
    );
  };
  if (typeof value !== 'object' || value === null) {
    return fail('the export is not an object');
  }
  const f = value as Partial<Format<unknown>>;
  if (f.apiVersion !== PLUGIN_API_VERSION) {
    throw new SynxError(
      'SYNX_PLUGIN_API_MISMATCH',
      `format "${entry.id}" from ${where} implements plugin API ${String(f.apiVersion)}; this synx supports ${[...SUPPORTED_API_VERSIONS].join(', ')}`,
    );
  }
  if (f.id !== entry.id) {
    fail(`its id is "${String(f.id)}" but the manifest says "${entry.id}"`);
  }
  if (typeof f.title !== 'string') {
    fail('it has no title');
  }
  if (typeof f.describe !== 'function') {
    fail('it has no describe() function');
  }
  for (const cap of entry.capabilities ?? ['write']) {
    if (typeof (f as Record<string, unknown>)[cap] !== 'function') {
      fail(`the manifest declares "${cap}" but the format has no ${cap}() function`);
    }
  }
  return f as Format<unknown>;
}

/**
 * Formats found in plugins' `"synx"` manifests. Listing needs no imports; a format's module is
 * imported (and validated) the first time it is asked for. For one id, a linked plugin beats a
 * user-installed one, which beats a core one; two non-core plugins with one id conflict.
 */
export class FormatRegistry {
  readonly #entries = new Map<string, FormatEntry>();
  readonly #conflicts = new Map<string, string[]>();
  readonly #loaded = new Map<string, Promise<Format<unknown>>>();
  readonly #direct = new Map<string, Format<unknown>>();

  /**
   * Builds a registry from host plugins. Invalid manifests and unsupported API versions are
   * reported through `warn` (codes `SYNX_PLUGIN_INVALID`, `SYNX_PLUGIN_API_MISMATCH`) and skipped.
   */
  static fromPlugins(
    plugins: readonly PluginInfo[],
    warn: (issue: Issue) => void = () => undefined,
  ): FormatRegistry {
    const registry = new FormatRegistry();
    for (const plugin of plugins) {
      const raw = plugin.pjson['synx'];
      if (raw === undefined) {
        continue;
      }
      const parsed = PluginManifestSchema.safeParse(raw);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        warn({
          code: 'SYNX_PLUGIN_INVALID',
          severity: 'warning',
          message: `plugin ${plugin.name}@${plugin.version} has an invalid "synx" manifest (${first === undefined ? 'invalid' : `${first.path.join('.')}: ${first.message}`}); its formats are ignored`,
        });
        continue;
      }
      if (!SUPPORTED_API_VERSIONS.has(parsed.data.apiVersion)) {
        warn({
          code: 'SYNX_PLUGIN_API_MISMATCH',
          severity: 'warning',
          message: `plugin ${plugin.name}@${plugin.version} needs plugin API ${parsed.data.apiVersion}; this synx supports ${[...SUPPORTED_API_VERSIONS].join(', ')}; its formats are ignored`,
        });
        continue;
      }
      for (const f of parsed.data.formats) {
        registry.#add({
          ...f,
          plugin: {
            name: plugin.name,
            version: plugin.version,
            type: plugin.type,
            root: plugin.root,
          },
          shadows: [],
        });
      }
    }
    return registry;
  }

  /** A registry of formats already imported (for programs that use synx as a library). */
  static fromFormats(formats: readonly Format<never>[]): FormatRegistry {
    const registry = new FormatRegistry();
    for (const f of formats) {
      const format = f as unknown as Format<unknown>;
      registry.#add({
        id: format.id,
        title: format.title,
        ...(format.description === undefined ? {} : { description: format.description }),
        module: '(in memory)',
        capabilities: (['detect', 'read', 'write'] as const).filter(
          (c) => typeof format[c] === 'function',
        ),
        plugin: { name: '(program)', version: '0.0.0', type: 'core', root: '' },
        shadows: [],
      });
      registry.#direct.set(format.id, format);
    }
    return registry;
  }

  #add(entry: FormatEntry): void {
    const existing = this.#entries.get(entry.id);
    if (existing === undefined) {
      this.#entries.set(entry.id, entry);
      return;
    }
    const a = RANK[existing.plugin.type] ?? 0;
    const b = RANK[entry.plugin.type] ?? 0;
    if (a === b && a > 1) {
      this.#conflicts.set(entry.id, [existing.plugin.name, entry.plugin.name]);
    }
    const [winner, loser] = b > a ? [entry, existing] : [existing, entry];
    this.#entries.set(entry.id, {
      ...winner,
      shadows: [
        ...winner.shadows,
        ...existing.shadows.filter((s) => s !== winner.plugin.name),
        loser.plugin.name,
      ],
    });
  }

  /** Every format, sorted by id, from manifests only (no plugin code runs). */
  list(): FormatEntry[] {
    return [...this.#entries.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  entry(id: string): FormatEntry | undefined {
    return this.#entries.get(id);
  }

  /**
   * The format with this id, imported and validated on first use.
   *
   * @throws SynxError `SYNX_UNKNOWN_FORMAT` (listing the installed ids), `SYNX_FORMAT_CONFLICT`,
   * `SYNX_PLUGIN_INVALID`, `SYNX_PLUGIN_API_MISMATCH`.
   */
  get(id: string): Promise<Format<unknown>> {
    const direct = this.#direct.get(id);
    if (direct !== undefined) {
      return Promise.resolve(direct);
    }
    const entry = this.#entries.get(id);
    if (entry === undefined) {
      const known = this.list().map((e) => e.id);
      return Promise.reject(
        new SynxError('SYNX_UNKNOWN_FORMAT', `no format "${id}" is installed`, {
          hint:
            known.length > 0
              ? `installed formats: ${known.join(', ')}`
              : 'no formats are installed',
          details: { installed: known },
        }),
      );
    }
    const conflict = this.#conflicts.get(id);
    if (conflict !== undefined) {
      return Promise.reject(
        new SynxError(
          'SYNX_FORMAT_CONFLICT',
          `two plugins provide the format "${id}": ${conflict.join(' and ')}`,
          {
            hint: `uninstall one of them with \`synx plugins uninstall <name>\``,
          },
        ),
      );
    }
    let p = this.#loaded.get(id);
    if (p === undefined) {
      p = (async () => {
        let mod: Record<string, unknown>;
        const url = pathToFileURL(join(entry.plugin.root, entry.module)).href;
        try {
          mod = (await import(url)) as Record<string, unknown>;
        } catch (err) {
          throw new SynxError(
            'SYNX_PLUGIN_INVALID',
            `cannot load format "${id}" from ${entry.plugin.name}: ${(err as Error).message}`,
            {
              cause: err,
            },
          );
        }
        return validateFormat(mod[entry.export ?? 'default'], entry);
      })();
      this.#loaded.set(id, p);
    }
    return p;
  }
}
