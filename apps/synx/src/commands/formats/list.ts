import { SynxCommand } from '../../lib/base.js';
import { loadFormatRegistry } from '../../lib/registry.js';

interface Row {
  id: string;
  title: string;
  package: string;
  version: string;
  type: string;
  capabilities: string[];
  annotationKinds: string[];
  description?: string;
}

export default class FormatsList extends SynxCommand {
  static override summary = 'List the formats synx can read and write.';
  static override description =
    'Reads the "synx" manifest of every installed plugin (built-in formats are core plugins); no plugin code runs.';
  static override examples = [
    '<%= config.bin %> formats list',
    '<%= config.bin %> formats list --json',
  ];
  static override enableJsonFlag = true;

  run(): Promise<Row[]> {
    const registry = loadFormatRegistry(this.config, (issue) => {
      this.warn(issue.message);
    });
    const rows: Row[] = registry.list().map((e) => ({
      id: e.id,
      title: e.title,
      package: e.plugin.name,
      version: e.plugin.version,
      type: e.plugin.type,
      capabilities: e.capabilities ?? ['write'],
      annotationKinds: e.annotationKinds ?? [],
      ...(e.description === undefined ? {} : { description: e.description }),
    }));
    if (!this.jsonEnabled()) {
      for (const r of rows) {
        this.log(`${r.id.padEnd(10)} ${r.title}`);
        this.log(
          `${''.padEnd(10)} ${r.package}@${r.version} (${r.type}) · ${r.capabilities.join(', ')}${r.annotationKinds.length > 0 ? ` · keeps ${r.annotationKinds.join(', ')}` : ''}`,
        );
      }
    }
    return Promise.resolve(rows);
  }
}
