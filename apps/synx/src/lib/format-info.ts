import {
  ANNOTATION_FEATURES,
  type AnnotationFeature,
  type AnyFormat,
  type FormatDescription,
  type KindTreatment,
} from '@synx/plugin-api';
import { resolveTreatment } from '@synx/export';
import {
  formatFlags,
  optionKeys,
  optionsJsonSchema,
  parseFormatOptions,
  type FormatEntry,
  type FormatRegistry,
  type PluginDiagnostic,
} from '@synx/plugin-host';

/** One option of a format, as `synx formats show` lists it. */
export interface OptionInfo {
  readonly key: string;
  /** JSON Schema type(s), e.g. `string`, `boolean | string`, `string[]`. */
  readonly type?: string;
  readonly default?: unknown;
  /** Allowed values, when the schema lists them. */
  readonly values?: readonly unknown[];
  readonly description?: string;
  /** Format flags that set it (`--<flag>` from the manifest). */
  readonly flags: readonly string[];
}

/** What a format does with one annotation feature (default options). */
export interface TreatmentInfo {
  readonly feature: string;
  readonly action: 'keep' | 'convert' | 'drop';
  readonly to?: string;
  /** The note (keep/convert) or reason (drop). */
  readonly text?: string;
}

/** Everything `synx formats show <id>` prints. */
export interface FormatInfo {
  readonly id: string;
  readonly qualified: string;
  readonly title: string;
  readonly description?: string;
  readonly plugin: { readonly name: string; readonly version: string; readonly type: string };
  readonly status: FormatEntry['status'];
  readonly capabilities: readonly string[];
  readonly extensions: readonly string[];
  readonly options: readonly OptionInfo[];
  readonly flags: readonly {
    readonly flag: string;
    readonly option: string;
    readonly multiple: boolean;
    readonly description?: string;
  }[];
  /** The features describe() declares a treatment for. */
  readonly treatments: readonly TreatmentInfo[];
  /** Features it declares nothing for: dropped. */
  readonly undeclared: readonly string[];
  readonly splits: boolean;
  readonly layout: readonly string[];
  /** What the plan says of the default options (`describe().notes`), e.g. the class rule. */
  readonly rules: readonly string[];
  readonly verbatim: boolean;
  readonly notes: readonly PluginDiagnostic[];
}

/** Every annotation feature, in the order they are shown. */
const FEATURES: readonly AnnotationFeature[] = ANNOTATION_FEATURES;

/** One describe() treatment as shown: action, target and its words (from the format's messages). */
export function treatmentOf(
  feature: AnnotationFeature,
  t: KindTreatment | undefined,
  format: Pick<AnyFormat, 'title' | 'messages'>,
): TreatmentInfo {
  const r = resolveTreatment(format, feature, t);
  if (r.action === 'keep') {
    return { feature, action: 'keep', ...(r.note === undefined ? {} : { text: r.note }) };
  }
  if (r.action === 'convert') {
    return { feature, action: 'convert', to: r.to, text: r.note };
  }
  return { feature, action: 'drop', text: r.reason };
}

function typeOf(schema: Readonly<Record<string, unknown>>): string | undefined {
  const t = schema['type'];
  if (typeof t === 'string') {
    return t === 'array' && typeof schema['items'] === 'object' && schema['items'] !== null
      ? `${typeOf(schema['items'] as Record<string, unknown>) ?? 'value'}[]`
      : t;
  }
  if (Array.isArray(t)) {
    return t.join(' | ');
  }
  const any = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(any)) {
    const parts = any
      .map((s) =>
        typeof s === 'object' && s !== null ? typeOf(s as Record<string, unknown>) : undefined,
      )
      .filter((s): s is string => s !== undefined);
    return parts.length === 0 ? undefined : [...new Set(parts)].join(' | ');
  }
  return undefined;
}

/**
 * What a format is: manifest facts, options (from its JSON Schema; defaults from validating
 * no options), flags, and its describe() with default options. Imports the format's module.
 */
export async function formatInfo(registry: FormatRegistry, name: string): Promise<FormatInfo> {
  const format = await registry.get(name);
  const entry = registry.entry(name);
  if (entry === undefined) {
    throw new Error(`no entry for ${name}`); // get() resolved it
  }
  const defaults = (await parseFormatOptions(format, {})) as Record<string, unknown> | undefined;
  const json = optionsJsonSchema(format);
  const props = (json?.['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const flags = formatFlags(entry);
  const keys = await optionKeys(format);
  const options: OptionInfo[] = keys.map((key) => {
    const p = props[key] ?? {};
    const values = Array.isArray(p['enum']) ? (p['enum'] as unknown[]) : undefined;
    const def =
      defaults !== undefined && typeof defaults === 'object' && key in defaults
        ? defaults[key]
        : p['default'];
    const type = typeOf(p);
    const description = typeof p['description'] === 'string' ? p['description'] : undefined;
    return {
      key,
      ...(type === undefined ? {} : { type }),
      ...(def === undefined ||
      (typeof def === 'object' && def !== null && Object.keys(def).length === 0)
        ? {}
        : { default: def }),
      ...(values === undefined ? {} : { values }),
      ...(description === undefined ? {} : { description }),
      flags: flags.filter((f) => f.option === key).map((f) => `--${f.flag}`),
    };
  });
  const description: FormatDescription = format.describe(defaults);
  const summary = format.description ?? entry.description;
  return {
    id: entry.id,
    qualified: entry.qualified,
    title: format.title,
    ...(summary === undefined ? {} : { description: summary }),
    plugin: { name: entry.plugin.name, version: entry.plugin.version, type: entry.plugin.type },
    status: entry.status,
    capabilities: entry.capabilities ?? ['write'],
    extensions: entry.extensions ?? [],
    options,
    flags: flags.map((f) => ({
      flag: `--${f.flag}`,
      option: f.option,
      multiple: f.multiple === true,
      ...(f.description === undefined ? {} : { description: f.description }),
    })),
    treatments: FEATURES.filter((f) => description.kinds[f] !== undefined).map((feature) =>
      treatmentOf(feature, description.kinds[feature], format),
    ),
    undeclared: FEATURES.filter((f) => description.kinds[f] === undefined),
    splits: description.splits,
    layout: description.layout(undefined),
    rules: [...(description.notes ?? [])],
    verbatim: description.verbatim === true,
    notes: registry
      .diagnostics()
      .filter(
        (d) =>
          d.id === entry.id &&
          (d.plugin === entry.plugin.name || d.others.includes(entry.plugin.name)),
      ),
  };
}

const show = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);

/** `synx formats show` as text. */
export function renderFormatInfo(info: FormatInfo): string {
  const lines: string[] = [];
  lines.push(`${info.title} (${info.id})`);
  if (info.description !== undefined) {
    lines.push(info.description);
  }
  lines.push('');
  lines.push(
    `Plugin:        ${info.plugin.name}@${info.plugin.version} (${info.plugin.type})${info.status === 'active' ? '' : ` · ${info.status}: use --format ${info.qualified}`}`,
  );
  lines.push(`Capabilities:  ${info.capabilities.join(', ')}`);
  if (info.extensions.length > 0) {
    lines.push(`Extensions:    ${info.extensions.join(', ')}`);
  }
  lines.push('');
  if (info.options.length === 0) {
    lines.push('Options: none');
  } else {
    lines.push('Options (--option key=value):');
    const w = Math.max(...info.options.map((o) => o.key.length));
    for (const o of info.options) {
      const parts = [
        o.values !== undefined ? o.values.map(show).join(' | ') : (o.type ?? 'value'),
        ...(o.default === undefined ? [] : [`default ${show(o.default)}`]),
        ...(o.flags.length === 0 ? [] : [`flag ${o.flags.join(', ')}`]),
      ];
      lines.push(`  ${o.key.padEnd(w)}  ${parts.join(' · ')}`);
      if (o.description !== undefined) {
        lines.push(`  ${''.padEnd(w)}  ${o.description}`);
      }
    }
  }
  if (info.flags.length > 0) {
    lines.push('');
    lines.push('Flags of synx export:');
    const w = Math.max(...info.flags.map((f) => f.flag.length));
    for (const f of info.flags) {
      lines.push(
        `  ${f.flag.padEnd(w)}  = --option ${f.option}=<value>${f.multiple ? ' (repeatable)' : ''}${f.description === undefined ? '' : `  ${f.description}`}`,
      );
    }
  }
  lines.push('');
  lines.push('Annotations (default options):');
  const w = Math.max(6, ...info.treatments.map((t) => t.feature.length));
  for (const t of info.treatments) {
    const what = t.action === 'convert' ? `convert → ${t.to ?? '?'}` : t.action;
    lines.push(`  ${t.feature.padEnd(w)}  ${what}${t.text === undefined ? '' : `  (${t.text})`}`);
  }
  if (info.undeclared.length > 0) {
    lines.push(
      `  ${'others'.padEnd(w)}  drop  (not supported by ${info.title}: ${info.undeclared.join(', ')})`,
    );
  }
  if (info.verbatim) {
    lines.push('  (writes each item as received)');
  }
  lines.push('');
  lines.push(`Layout (default options${info.splits ? '; one output per split' : ''}):`);
  for (const l of info.layout) {
    lines.push(`  ${l}`);
  }
  if (info.rules.length > 0) {
    lines.push('');
    lines.push('Rules (default options):');
    for (const r of info.rules) {
      lines.push(`  - ${r}`);
    }
  }
  for (const d of info.notes) {
    lines.push('');
    lines.push(`Note: ${d.message}; ${d.hint}`);
  }
  return lines.join('\n');
}
