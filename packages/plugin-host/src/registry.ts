import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SynxError } from '@synx/model';
import { PLUGIN_API_VERSION, SUPPORTED_API_VERSIONS, type Format } from '@synx/plugin-api';
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

/**
 * How one plugin's format stands among the plugins that declare its id:
 * - `active`: `--format <id>` resolves to it;
 * - `shadowed`: a plugin of higher precedence (link/dev > user) declares the id and wins;
 * - `reserved`: the id is built in; synx keeps the built-in, this one is used only as
 *   `--format <package>:<id>`;
 * - `conflict`: plugins of equal precedence declare the id; `--format <id>` fails until one is
 *   uninstalled, `--format <package>:<id>` picks one.
 */
export type FormatStatus = 'active' | 'shadowed' | 'reserved' | 'conflict';

/** A format known to the registry, before its module is imported. */
export interface FormatEntry extends FormatManifestEntry {
  readonly plugin: {
    readonly name: string;
    readonly version: string;
    readonly type: string;
    readonly root: string;
  };
  /** `<package>:<id>`: names this plugin's format whatever wins the id. */
  readonly qualified: string;
  readonly status: FormatStatus;
  /** Plugins whose format of this id this one wins over (it is active). */
  readonly shadows: readonly string[];
  /** The plugin that wins the id over this one (status `shadowed` or `reserved`). */
  readonly shadowedBy?: string;
  /** Plugins of equal precedence that declare the id too (status `conflict`). */
  readonly conflictsWith: readonly string[];
}

/** A problem or notable fact about installed plugins, found from manifests alone. */
export interface PluginDiagnostic {
  readonly kind: 'invalid-manifest' | 'api-mismatch' | 'conflict' | 'reserved-id' | 'shadows';
  readonly severity: 'warning' | 'info';
  /** The plugin the diagnostic is about. */
  readonly plugin: string;
  /** The format id, for format-level diagnostics. */
  readonly id?: string;
  /** Other plugins involved (the built-in, the shadowed or the conflicting ones). */
  readonly others: readonly string[];
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
}

type Draft = Omit<FormatEntry, 'status' | 'shadows' | 'shadowedBy' | 'conflictsWith'>;

/** Precedence of plugin types: a local checkout beats an installed plugin beats a built-in. */
const RANK: Record<string, number> = { link: 3, dev: 3, user: 2, core: 1 };
const rankOf = (type: string): number => RANK[type] ?? 0;

/** Splits `<package>:<id>` (a scoped package name has no `:`, so the last one separates). */
export function splitFormatName(name: string): { pkg?: string; id: string } {
  const colon = name.lastIndexOf(':');
  return colon <= 0 ? { id: name } : { pkg: name.slice(0, colon), id: name.slice(colon + 1) };
}

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
      { hint: `update ${entry.plugin.name}, or the synx it was written for` },
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

const byId = (x: { id: string }, y: { id: string }): number =>
  x.id < y.id ? -1 : x.id > y.id ? 1 : 0;

/**
 * Formats found in plugins' `"synx"` manifests. Listing needs no imports; a format's module is
 * imported (and validated) the first time it is asked for.
 *
 * Precedence for one id, from the final set of plugins that declare it: a built-in (core)
 * format is never replaced — another plugin's format of a built-in id is reachable only as
 * `<package>:<id>`. Otherwise a linked (or dev) plugin beats a user-installed one; two winners
 * of equal precedence conflict. Every format is also reachable as `<package>:<id>`.
 */
export class FormatRegistry {
  readonly #entries: FormatEntry[] = [];
  readonly #active = new Map<string, FormatEntry>();
  readonly #diagnostics: PluginDiagnostic[] = [];
  readonly #loaded = new Map<string, Promise<Format<unknown>>>();
  readonly #direct = new Map<string, Format<unknown>>();

  /**
   * Builds a registry from host plugins. Invalid manifests, unsupported API versions,
   * conflicts, built-in ids and shadowing are recorded as {@link diagnostics}; invalid and
   * mismatched manifests are also passed to `warn` and their formats skipped.
   */
  static fromPlugins(
    plugins: readonly PluginInfo[],
    warn: (d: PluginDiagnostic) => void = () => undefined,
  ): FormatRegistry {
    const registry = new FormatRegistry();
    const drafts: Draft[] = [];
    for (const plugin of plugins) {
      const raw = plugin.pjson['synx'];
      if (raw === undefined) {
        continue;
      }
      const at = `${plugin.name}@${plugin.version}`;
      const parsed = PluginManifestSchema.safeParse(raw);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        const d: PluginDiagnostic = {
          kind: 'invalid-manifest',
          severity: 'warning',
          plugin: plugin.name,
          others: [],
          message: `plugin ${at} has an invalid "synx" manifest (${first === undefined ? 'invalid' : `${first.path.join('.')}: ${first.message}`}); its formats are ignored`,
          hint: `fix the "synx" key of its package.json, or \`synx plugins uninstall ${plugin.name}\``,
        };
        registry.#diagnostics.push(d);
        warn(d);
        continue;
      }
      if (!SUPPORTED_API_VERSIONS.has(parsed.data.apiVersion)) {
        const d: PluginDiagnostic = {
          kind: 'api-mismatch',
          severity: 'warning',
          plugin: plugin.name,
          others: [],
          message: `plugin ${at} needs plugin API ${parsed.data.apiVersion}; this synx supports ${[...SUPPORTED_API_VERSIONS].join(', ')}; its formats are ignored`,
          hint: `install a version of ${plugin.name} written for plugin API ${[...SUPPORTED_API_VERSIONS].join(' or ')}, or update synx`,
        };
        registry.#diagnostics.push(d);
        warn(d);
        continue;
      }
      for (const f of parsed.data.formats) {
        if (plugin.root !== '' && !existsSync(join(plugin.root, f.module))) {
          const d: PluginDiagnostic = {
            kind: 'invalid-manifest',
            severity: 'warning',
            plugin: plugin.name,
            id: f.id,
            others: [],
            message: `plugin ${at} declares format "${f.id}" in ${f.module}, which does not exist; the format is ignored`,
            hint: `build the plugin (its module must exist), or \`synx plugins uninstall ${plugin.name}\``,
          };
          registry.#diagnostics.push(d);
          warn(d);
          continue;
        }
        drafts.push({
          ...f,
          plugin: {
            name: plugin.name,
            version: plugin.version,
            type: plugin.type,
            root: plugin.root,
          },
          qualified: `${plugin.name}:${f.id}`,
        });
      }
    }
    registry.#resolve(drafts);
    return registry;
  }

  /** A registry of formats already imported (for programs that use synx as a library). */
  static fromFormats(formats: readonly Format<never>[]): FormatRegistry {
    const registry = new FormatRegistry();
    const drafts: Draft[] = [];
    for (const f of formats) {
      const format = f as unknown as Format<unknown>;
      drafts.push({
        id: format.id,
        title: format.title,
        ...(format.description === undefined ? {} : { description: format.description }),
        module: '(in memory)',
        capabilities: (['detect', 'read', 'write'] as const).filter(
          (c) => typeof format[c] === 'function',
        ),
        plugin: { name: '(program)', version: '0.0.0', type: 'core', root: '' },
        qualified: `(program):${format.id}`,
      });
      registry.#direct.set(`(program):${format.id}`, format);
    }
    registry.#resolve(drafts);
    return registry;
  }

  /** Applies precedence per id over the final set of formats. */
  #resolve(drafts: readonly Draft[]): void {
    const groups = new Map<string, Draft[]>();
    for (const d of drafts) {
      const g = groups.get(d.id) ?? [];
      if (!g.some((x) => x.plugin.name === d.plugin.name)) {
        g.push(d);
      }
      groups.set(d.id, g);
    }
    for (const [id, group] of groups) {
      const names = (list: readonly Draft[]): string[] => list.map((d) => d.plugin.name);
      const core = group.filter((d) => d.plugin.type === 'core');
      const builtIn = core[0];
      if (builtIn !== undefined) {
        // A built-in id is never taken over: the first core plugin keeps it.
        const others = group.filter((d) => d !== builtIn);
        this.#push({ ...builtIn, status: 'active', shadows: [], conflictsWith: [] }, id);
        for (const d of others) {
          this.#push({
            ...d,
            status: 'reserved',
            shadows: [],
            shadowedBy: builtIn.plugin.name,
            conflictsWith: [],
          });
          this.#diagnostics.push({
            kind: 'reserved-id',
            severity: 'warning',
            plugin: d.plugin.name,
            id,
            others: [builtIn.plugin.name],
            message: `plugin ${d.plugin.name} declares format "${id}", which is built into synx (${builtIn.plugin.name}); synx keeps the built-in`,
            hint: `use the plugin's with --format ${d.qualified}`,
          });
        }
        continue;
      }
      const top = Math.max(...group.map((d) => rankOf(d.plugin.type)));
      const winners = group.filter((d) => rankOf(d.plugin.type) === top);
      const losers = group.filter((d) => rankOf(d.plugin.type) < top);
      const only = winners.length === 1 ? winners[0] : undefined;
      if (only !== undefined) {
        this.#push({ ...only, status: 'active', shadows: names(losers), conflictsWith: [] }, id);
        if (losers.length > 0) {
          this.#diagnostics.push({
            kind: 'shadows',
            severity: 'info',
            plugin: only.plugin.name,
            id,
            others: names(losers),
            message: `format "${id}" comes from ${only.plugin.name} (${only.plugin.type}), which shadows ${losers.map((l) => `${l.plugin.name} (${l.plugin.type})`).join(', ')}`,
            hint: `use the shadowed one with --format ${losers[0]?.qualified ?? `<package>:${id}`}, or \`synx plugins unlink ${only.plugin.name}\``,
          });
        }
      } else {
        for (const w of winners) {
          this.#push({
            ...w,
            status: 'conflict',
            shadows: names(losers),
            conflictsWith: names(winners.filter((x) => x !== w)),
          });
        }
        this.#diagnostics.push({
          kind: 'conflict',
          severity: 'warning',
          plugin: winners[0]?.plugin.name ?? '',
          id,
          others: names(winners.slice(1)),
          message: `format "${id}" is declared by ${names(winners).join(' and ')} (${winners[0]?.plugin.type ?? ''}); --format ${id} is ambiguous`,
          hint: `pick one with --format ${winners.map((w) => w.qualified).join(' or --format ')}, or uninstall one with \`synx plugins uninstall <name>\``,
        });
      }
      for (const d of losers) {
        this.#push({
          ...d,
          status: 'shadowed',
          shadows: [],
          ...(only === undefined ? {} : { shadowedBy: only.plugin.name }),
          conflictsWith: [],
        });
      }
    }
  }

  #push(entry: FormatEntry, activeId?: string): void {
    this.#entries.push(entry);
    if (activeId !== undefined) {
      this.#active.set(activeId, entry);
    }
  }

  /** The format `--format <id>` resolves to, for every usable id, sorted by id (no code runs). */
  list(): FormatEntry[] {
    return [...this.#active.values()].sort(byId);
  }

  /** Every plugin's format, whatever its status, sorted by id then precedence. */
  all(): FormatEntry[] {
    return [...this.#entries].sort(
      (x, y) => byId(x, y) || rankOf(y.plugin.type) - rankOf(x.plugin.type),
    );
  }

  /** What was found wrong or notable in the plugins' manifests (nothing imported). */
  diagnostics(): PluginDiagnostic[] {
    return [...this.#diagnostics];
  }

  has(name: string): boolean {
    return this.entry(name) !== undefined;
  }

  /** The entry `name` (`<id>` or `<package>:<id>`) resolves to; `undefined` if none (or ambiguous). */
  entry(name: string): FormatEntry | undefined {
    const { pkg, id } = splitFormatName(name);
    if (pkg === undefined) {
      return this.#active.get(id);
    }
    return this.#entries.find((e) => e.id === id && e.plugin.name === pkg);
  }

  /**
   * The format `name` (`<id>` or `<package>:<id>`) names, imported and validated on first use.
   *
   * @throws SynxError `SYNX_UNKNOWN_FORMAT` (listing the installed ids), `SYNX_FORMAT_CONFLICT`,
   * `SYNX_PLUGIN_INVALID`, `SYNX_PLUGIN_API_MISMATCH`.
   */
  get(name: string): Promise<Format<unknown>> {
    const entry = this.entry(name);
    if (entry === undefined) {
      return Promise.reject(this.#unknown(name));
    }
    const direct = this.#direct.get(entry.qualified);
    if (direct !== undefined) {
      return Promise.resolve(direct);
    }
    let p = this.#loaded.get(entry.qualified);
    if (p === undefined) {
      p = (async () => {
        let mod: Record<string, unknown>;
        const url = pathToFileURL(join(entry.plugin.root, entry.module)).href;
        try {
          mod = (await import(url)) as Record<string, unknown>;
        } catch (err) {
          throw new SynxError(
            'SYNX_PLUGIN_INVALID',
            `cannot load format "${entry.id}" from ${entry.plugin.name}: ${(err as Error).message}`,
            { cause: err },
          );
        }
        return validateFormat(mod[entry.export ?? 'default'], entry);
      })();
      this.#loaded.set(entry.qualified, p);
    }
    return p;
  }

  #unknown(name: string): SynxError {
    const { pkg, id } = splitFormatName(name);
    const tied = this.#entries.filter((e) => e.id === id && e.status === 'conflict');
    if (pkg === undefined && tied.length > 0) {
      return new SynxError(
        'SYNX_FORMAT_CONFLICT',
        `two plugins provide the format "${id}": ${tied.map((e) => e.plugin.name).join(' and ')}`,
        {
          hint: `pick one with --format ${tied.map((e) => e.qualified).join(' or --format ')}, or uninstall one with \`synx plugins uninstall <name>\``,
          details: { candidates: tied.map((e) => e.qualified) },
        },
      );
    }
    const known = this.list().map((e) => e.id);
    const offered = this.#entries.filter((e) => e.id === id).map((e) => e.qualified);
    return new SynxError(
      'SYNX_UNKNOWN_FORMAT',
      pkg === undefined
        ? `no format "${id}" is installed`
        : `plugin ${pkg} provides no format "${id}"`,
      {
        hint:
          offered.length > 0
            ? `"${id}" is provided as: ${offered.join(', ')}`
            : known.length > 0
              ? `installed formats: ${known.join(', ')} (\`synx formats list\`)`
              : 'no formats are installed',
        details: { installed: known },
      },
    );
  }
}
