import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commands } from '@oclif/plugin-plugins';
import { reportPlugin } from '../../lib/plugin-report.js';
import { pluginInfos } from '../../lib/registry.js';

const Base: (typeof commands)['plugins:link'] = commands['plugins:link'];

/**
 * `plugins link` of @oclif/plugin-plugins, plus: afterwards synx says what the linked plugin's
 * formats shadow (a linked plugin wins over a user-installed one of the same id), conflict
 * with, or why they are not usable.
 */
export default class PluginsLink extends Base {
  static override description = `${Base.description}
A linked plugin's format wins over a user-installed one with the same id (synx says so); a built-in format is never replaced (use --format <package>:<id>). synx warns when the "synx" manifest is invalid or needs another plugin API.`;

  override async run(): Promise<void> {
    await super.run();
    // Parsed as the base command does (its args are defined there).
    const { args } = await this.parse(Base);
    const root = resolve(args.path);
    const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const name = String(pjson['name']);
    const infos = [
      ...pluginInfos(this.config).filter((p) => p.name !== name),
      {
        name,
        version: typeof pjson['version'] === 'string' ? pjson['version'] : '0.0.0',
        type: 'link',
        root,
        pjson,
      },
    ];
    reportPlugin(this, infos, name);
  }
}
