import { Flags } from '@oclif/core';
import { findGroundTruthVersions, type GroundTruthDatasetInfo } from '@synx/client';
import { SynxCommand } from '../../lib/base.js';
import { connect, connectionFlags, dateOf, oneLine, table } from '../../lib/connect.js';
import { n } from '../../lib/render.js';

export default class GtList extends SynxCommand {
  static override summary =
    'List ground-truth datasets and their versions, to find a --gt-version id.';
  static override description = `Lists the ground-truth datasets your token can see (of one project with --project), each version with its id, name, number of items, creation date and whether it is archived. The version id is what \`synx export --gt-version\` takes.`;
  static override examples = [
    '<%= config.bin %> gt list',
    '<%= config.bin %> gt list --project 12 --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    project: Flags.string({ char: 'p', description: 'Only the datasets of this project id.' }),
    ...connectionFlags,
  };

  async run(): Promise<{ datasets: GroundTruthDatasetInfo[] }> {
    const { flags } = await this.parse(GtList);
    const client = await connect(flags, 'gt');
    try {
      const datasets = await findGroundTruthVersions(client, {
        ...(flags.project === undefined ? {} : { project: flags.project }),
      });
      if (!this.jsonEnabled()) {
        this.render(datasets, flags.project);
      }
      return { datasets };
    } finally {
      client.close();
    }
  }

  private render(datasets: readonly GroundTruthDatasetInfo[], project: string | undefined): void {
    if (datasets.length === 0) {
      this.log(
        project === undefined
          ? 'no ground-truth datasets: the token sees none'
          : `no ground-truth datasets in project ${oneLine(project)}`,
      );
      return;
    }
    datasets.forEach((d, i) => {
      if (i > 0) {
        this.log('');
      }
      const owner = d.projectId === undefined ? '' : ` (project ${String(d.projectId)})`;
      this.log(`dataset ${String(d.id)}: ${oneLine(d.name ?? 'unnamed')}${owner}`);
      if (d.versions.length === 0) {
        this.log('  no versions');
        return;
      }
      const rows = d.versions.map((v) => [
        String(v.id),
        oneLine(v.version ?? ''),
        v.items === undefined ? '?' : n(v.items),
        dateOf(v.created),
        v.archived ? 'archived' : '',
      ]);
      for (const line of table(['version id', 'name', 'items', 'created', ''], rows)) {
        this.log(`  ${line}`);
      }
    });
    this.log('');
    this.log('export one with: synx export --gt-version ID --format FORMAT');
  }
}
