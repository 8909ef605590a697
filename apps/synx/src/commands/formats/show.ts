import { Args } from '@oclif/core';
import { SynxCommand } from '../../lib/base.js';
import { formatInfo, renderFormatInfo, type FormatInfo } from '../../lib/format-info.js';
import { loadFormatRegistry } from '../../lib/registry.js';

export default class FormatsShow extends SynxCommand {
  static override summary = 'Show one format: its options, flags, what it keeps and its layout.';
  static override description =
    'Imports the format (a plugin’s code runs) and prints its plugin, capabilities, options (types, defaults, allowed values), the flags synx export takes for it, what it keeps, converts and drops with default options, and its output layout. The id may be <package>:<id> to name one plugin’s format.';
  static override examples = [
    '<%= config.bin %> formats show coco',
    '<%= config.bin %> formats show synx-format-labelme:labelme --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    id: Args.string({ description: 'Format id, or <package>:<id>.', required: true }),
  };

  async run(): Promise<FormatInfo> {
    const { args } = await this.parse(FormatsShow);
    const registry = loadFormatRegistry(this.config, (d) => {
      this.warn(d.message);
    });
    const info = await formatInfo(registry, args.id);
    if (!this.jsonEnabled()) {
      this.log(renderFormatInfo(info));
    }
    return info;
  }
}
