// Public surface of @synx/plugin-host: how synx (and the format testkit) host format plugins.
export {
  FlagAliasSchema,
  FormatManifestEntrySchema,
  PluginManifestSchema,
  type FlagAlias,
  type FormatManifestEntry,
  type PluginManifest,
} from './manifest.js';
export {
  FormatRegistry,
  splitFormatName,
  type FormatEntry,
  type FormatStatus,
  type PluginDiagnostic,
  type PluginInfo,
  type PluginType,
} from './registry.js';
export {
  optionKeys,
  optionsJsonSchema,
  parseFormatOptions,
  parseOptionPairs,
  type JsonSchema,
} from './options.js';
export {
  flagOptions,
  formatArg,
  formatFlags,
  translateFormatFlags,
  type FormatFlag,
} from './aliases.js';
export {
  ExportItemNamer,
  toExportItems,
  type ItemNamingOptions,
  type NamedItem,
  type WithheldMedia,
} from './items.js';
export { NameAllocator } from './names.js';
