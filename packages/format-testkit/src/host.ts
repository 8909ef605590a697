// What the testkit takes from the host side of the plugin contract (manifest schema, option
// parsing). One module, so a move of these out of @synx/plugin-api changes one import.
export {
  ExportItemNamer,
  optionKeys,
  parseFormatOptions,
  PluginManifestSchema,
  type FormatManifestEntry,
  type PluginManifest,
} from '@synx/plugin-host';
