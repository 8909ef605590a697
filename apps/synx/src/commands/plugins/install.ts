import { commands } from '@oclif/plugin-plugins';
import { localInstallSpec, localPath } from '../../lib/local-plugin.js';
import { reportPlugin } from '../../lib/plugin-report.js';
import { pluginInfos } from '../../lib/registry.js';

const Base: (typeof commands)['plugins:install'] = commands['plugins:install'];
type Plugins = Parameters<InstanceType<typeof Base>['parsePlugin']>[0];
type Parsed = Awaited<ReturnType<InstanceType<typeof Base>['parsePlugin']>>;

/**
 * `plugins install` of @oclif/plugin-plugins, plus: a local folder or tarball
 * (`./x.tgz`, `../dir`, `/abs/dir`) is installed as such instead of being read as a GitHub
 * slug, and afterwards synx says what the new plugin's formats shadow, conflict with, or why
 * they are not usable (invalid manifest, plugin-API mismatch, a built-in id).
 */
export default class PluginsInstall extends Base {
  static override description = `${Base.description}

A local plugin works too: a folder (./dir, ../dir, /abs/dir; packed with npm pack, then installed as a copy — use \`plugins link\` to use a folder live) or a tarball made by npm pack (./x.tgz).

After installing, synx lists what the plugin's formats shadow or conflict with, and warns when its "synx" manifest is invalid, needs another plugin API, or declares a built-in format id (a built-in is never replaced: use --format <package>:<id>).`;

  static override examples = [
    ...Base.examples,
    {
      command: '<%= config.bin %> <%= command.id %> ./synx-format-labelme-1.0.0.tgz',
      description: 'Install a plugin tarball made by npm pack.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> ../synx-format-labelme',
      description: 'Install a plugin folder (a copy of what it would publish).',
    },
  ];

  override async parsePlugin(plugins: Plugins, input: string): Promise<Parsed> {
    const path = localPath(input);
    if (path !== undefined) {
      return { type: 'repo', url: await localInstallSpec(path, this.config.dataDir) };
    }
    return super.parsePlugin(plugins, input);
  }

  override async run(): Promise<void> {
    const before = new Map(this.config.plugins);
    await super.run();
    // The plugins whose instance changed are the ones just installed (as user plugins).
    const installed = [...this.config.plugins.values()].filter((p) => before.get(p.name) !== p);
    const infos = pluginInfos(this.config).map((p) =>
      installed.some((i) => i.name === p.name) ? { ...p, type: 'user' } : p,
    );
    for (const p of installed) {
      reportPlugin(this, infos, p.name);
    }
  }
}
