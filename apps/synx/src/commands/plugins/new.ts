import { relative } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { SynxCommand } from '../../lib/base.js';
import { scaffoldPlugin, type ScaffoldResult } from '../../lib/scaffold.js';

export default class PluginsNew extends SynxCommand {
  static override summary = 'Create a new format plugin package.';
  static override description =
    'Writes a standalone npm package with a working format (one JSON file per image, with a reader), the synx conformance tests, a build and a README. The folder must not exist or be empty.';
  static override examples = [
    '<%= config.bin %> plugins new synx-format-demo',
    '<%= config.bin %> plugins new @acme/synx-format-labels --id labels --directory ./labels',
  ];
  static override enableJsonFlag = true;
  static override args = {
    name: Args.string({
      description: 'npm package name, e.g. synx-format-demo',
      required: true,
    }),
  };
  static override flags = {
    directory: Flags.string({
      description: 'Folder to create (default ./<name>).',
    }),
    id: Flags.string({
      description: 'Format id (default from the name: synx-format-demo → demo).',
    }),
    license: Flags.string({
      description: 'SPDX licence of the package.',
      default: 'MIT',
    }),
  };

  async run(): Promise<ScaffoldResult> {
    const { args, flags } = await this.parse(PluginsNew);
    const result = scaffoldPlugin({
      name: args.name,
      directory: flags.directory,
      id: flags.id,
      license: flags.license,
      cwd: process.cwd(),
    });
    if (!this.jsonEnabled()) {
      const at = relative(process.cwd(), result.dir) || '.';
      this.log(`Created ${args.name} (format "${result.id}") in ${at}:`);
      for (const f of result.files) {
        this.log(`  ${f}`);
      }
      this.log('');
      this.log('Next:');
      this.log(`  cd ${at}`);
      this.log('  npm install');
      this.log('  npm test');
      this.log('  npm run build');
      this.log('  synx plugins link .');
      this.log(`  synx export --from <folder> --format ${result.id} --output <out>`);
    }
    return result;
  }
}
