import { SynxCommand } from '../../lib/base.js';
import { loadFormatRegistry } from '../../lib/registry.js';
import {
  formatRows,
  renderFormatRows,
  type FormatRow,
  type WarningRow,
} from '../../lib/plugin-report.js';

export default class FormatsList extends SynxCommand {
  static override summary = 'List the formats synx can read and write.';
  static override description =
    'Reads the "synx" manifest of every installed plugin (built-in formats are core plugins); no plugin code runs. Each format shows its plugin and type, and what it shadows, is shadowed by or conflicts with; invalid manifests and plugin-API mismatches are listed as warnings. `synx formats show <id>` shows one format’s options and flags.';
  static override examples = [
    '<%= config.bin %> formats list',
    '<%= config.bin %> formats list --json',
  ];
  static override enableJsonFlag = true;

  run(): Promise<(FormatRow | WarningRow)[]> {
    const registry = loadFormatRegistry(this.config);
    const rows = formatRows(registry);
    if (!this.jsonEnabled()) {
      this.log(renderFormatRows(rows));
    }
    return Promise.resolve(rows);
  }
}
