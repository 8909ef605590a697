import type { Config } from '@oclif/core';
import { FormatRegistry, type PluginDiagnostic, type PluginInfo } from '@synx/plugin-host';

/** The plugins oclif knows, as the format registry reads them (manifests only). */
export function pluginInfos(config: Config): PluginInfo[] {
  return config.getPluginsList().map((p) => ({
    name: p.name,
    version: p.version,
    type: p.type,
    root: p.root,
    pjson: p.pjson,
  }));
}

/**
 * Formats from every oclif plugin (core, user-installed, linked) that declares a `"synx"`
 * manifest. Built-in formats are core plugins, so they are found the same way. Invalid and
 * API-mismatched manifests go to `warn` (other findings: `registry.diagnostics()`).
 */
export function loadFormatRegistry(
  config: Config,
  warn: (d: PluginDiagnostic) => void = () => undefined,
): FormatRegistry {
  return FormatRegistry.fromPlugins(pluginInfos(config), warn);
}
