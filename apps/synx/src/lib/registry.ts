import type { Config } from '@oclif/core';
import { FormatRegistry, type PluginInfo } from '@synx/plugin-api';
import type { Issue } from '@synx/model';

/**
 * Formats from every oclif plugin (core, user-installed, linked) that declares a `"synx"`
 * manifest. Built-in formats are core plugins, so they are found the same way.
 */
export function loadFormatRegistry(config: Config, warn: (issue: Issue) => void): FormatRegistry {
  const plugins: PluginInfo[] = config.getPluginsList().map((p) => ({
    name: p.name,
    version: p.version,
    type: p.type,
    root: p.root,
    pjson: p.pjson,
  }));
  return FormatRegistry.fromPlugins(plugins, warn);
}
