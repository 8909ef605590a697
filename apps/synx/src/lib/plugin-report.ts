import {
  FormatRegistry,
  type FormatEntry,
  type PluginDiagnostic,
  type PluginInfo,
} from '@synx/plugin-host';

/** One format of `synx formats list`. */
export interface FormatRow {
  readonly row: 'format';
  readonly id: string;
  /** `<package>:<id>`: what `--format` takes to name this plugin's format. */
  readonly qualified: string;
  readonly title: string;
  readonly package: string;
  readonly version: string;
  readonly type: string;
  /** `active` (what `--format <id>` uses), `shadowed`, `reserved` (a built-in id) or `conflict`. */
  readonly status: FormatEntry['status'];
  readonly shadows: readonly string[];
  readonly shadowedBy?: string;
  readonly conflictsWith: readonly string[];
  readonly capabilities: readonly string[];
  readonly annotationKinds: readonly string[];
  readonly flags: readonly string[];
  readonly description?: string;
}

/** A plugin problem of `synx formats list` (invalid manifest, API mismatch, conflict, built-in id). */
export interface WarningRow {
  readonly row: 'warning';
  readonly kind: PluginDiagnostic['kind'];
  readonly plugin: string;
  readonly id?: string;
  readonly message: string;
  readonly hint: string;
}

export function formatRows(registry: FormatRegistry): (FormatRow | WarningRow)[] {
  const formats: FormatRow[] = registry.all().map((e) => ({
    row: 'format',
    id: e.id,
    qualified: e.qualified,
    title: e.title,
    package: e.plugin.name,
    version: e.plugin.version,
    type: e.plugin.type,
    status: e.status,
    shadows: e.shadows,
    ...(e.shadowedBy === undefined ? {} : { shadowedBy: e.shadowedBy }),
    conflictsWith: e.conflictsWith,
    capabilities: e.capabilities ?? ['write'],
    annotationKinds: e.annotationKinds ?? [],
    flags: Object.keys(e.flags ?? {}).map((f) => `--${f}`),
    ...(e.description === undefined ? {} : { description: e.description }),
  }));
  const warnings: WarningRow[] = registry
    .diagnostics()
    .filter((d) => d.severity === 'warning')
    .map((d) => ({
      row: 'warning',
      kind: d.kind,
      plugin: d.plugin,
      ...(d.id === undefined ? {} : { id: d.id }),
      message: d.message,
      hint: d.hint,
    }));
  return [...formats, ...warnings];
}

function relation(r: FormatRow): string | undefined {
  switch (r.status) {
    case 'active':
      return r.shadows.length === 0 ? undefined : `shadows ${r.shadows.join(', ')}`;
    case 'shadowed':
      return `shadowed by ${r.shadowedBy ?? '?'}: use --format ${r.qualified}`;
    case 'reserved':
      return `built-in id kept (${r.shadowedBy ?? '?'}): use --format ${r.qualified}`;
    case 'conflict':
      return `conflicts with ${r.conflictsWith.join(', ')}: use --format ${r.qualified}`;
  }
}

export function renderFormatRows(rows: readonly (FormatRow | WarningRow)[]): string {
  const lines: string[] = [];
  const formats = rows.filter((r): r is FormatRow => r.row === 'format');
  const w = Math.max(10, ...formats.map((r) => r.id.length));
  for (const r of formats) {
    lines.push(`${r.id.padEnd(w)} ${r.title}`);
    lines.push(
      `${''.padEnd(w)} ${r.package}@${r.version} (${r.type}) · ${r.capabilities.join(', ')}${r.annotationKinds.length > 0 ? ` · keeps ${r.annotationKinds.join(', ')}` : ''}`,
    );
    const rel = relation(r);
    if (rel !== undefined) {
      lines.push(`${''.padEnd(w)} ${rel}`);
    }
  }
  const warnings = rows.filter((r): r is WarningRow => r.row === 'warning');
  if (warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const d of warnings) {
      lines.push(`  ! ${d.message}`, `    ${d.hint}`);
    }
  }
  lines.push('', '`synx formats show <id>` lists a format’s options and flags.');
  return lines.join('\n');
}

/**
 * What a just-installed or just-linked plugin's formats do among the others: the diagnostics
 * that name it (it shadows, is shadowed, conflicts, takes a built-in id, has an invalid
 * manifest or needs another plugin API), and the formats it adds.
 */
export function pluginReport(
  registry: FormatRegistry,
  plugin: string,
): { diagnostics: PluginDiagnostic[]; formats: string[] } {
  return {
    diagnostics: registry
      .diagnostics()
      .filter((d) => d.plugin === plugin || d.others.includes(plugin)),
    formats: registry
      .all()
      .filter((e) => e.plugin.name === plugin && e.status === 'active')
      .map((e) => e.id),
  };
}

/** Prints {@link pluginReport}: warnings on stderr, notes and the formats added on stdout. */
export function reportPlugin(
  out: { log(text: string): void; warn(text: string): unknown },
  plugins: readonly PluginInfo[],
  plugin: string,
): void {
  const { diagnostics, formats } = pluginReport(FormatRegistry.fromPlugins(plugins), plugin);
  for (const d of diagnostics) {
    if (d.severity === 'warning') {
      out.warn(`${d.message}\n${d.hint}`);
    } else {
      out.log(`Note: ${d.message}\n  ${d.hint}`);
    }
  }
  if (formats.length > 0) {
    out.log(`${plugin} adds ${formats.map((id) => `--format ${id}`).join(', ')}`);
  }
}
