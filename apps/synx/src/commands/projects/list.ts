import { Flags } from '@oclif/core';
import { ProjectCatalog, type Project } from '@synx/client';
import { SynxCommand } from '../../lib/base.js';
import { connect, connectionFlags, dateOf, oneLine, table } from '../../lib/connect.js';
import { n } from '../../lib/render.js';

/** A project as `--json` prints it. */
interface ProjectRow {
  id: number | string;
  title: string | null;
  category: string | null;
  task_count: number | null;
  created: string | null;
  is_archived: boolean | null;
  description: string | null;
}

function rowOf(p: Project): ProjectRow {
  return {
    id: p.id,
    title: p.title ?? null,
    category: p.category ?? null,
    task_count: p.task_count ?? null,
    created: p.created ?? null,
    is_archived: p.is_archived ?? null,
    description: p.description ?? null,
  };
}

export default class ProjectsList extends SynxCommand {
  static override summary = 'List the projects your token can see, to find a project id.';
  static override description = `Lists projects from /v2/projects/, reading pages only as far as needed. --search keeps projects whose title or id contains the text (case-insensitive). When more projects match than --limit, the last line says so (--json: "more": true).`;
  static override examples = [
    '<%= config.bin %> projects list',
    '<%= config.bin %> projects list --search street --limit 10',
    '<%= config.bin %> projects list --category video --all --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    search: Flags.string({
      char: 's',
      description: 'Only projects whose title or id contains this text.',
    }),
    category: Flags.string({
      description: 'Only projects of this category (image, video, text, pcd, …).',
    }),
    limit: Flags.integer({
      char: 'n',
      min: 1,
      default: 50,
      description: 'Show at most this many projects.',
    }),
    all: Flags.boolean({ description: 'Show every matching project (reads the whole list).' }),
    ...connectionFlags,
  };

  async run(): Promise<{ projects: ProjectRow[]; more: boolean }> {
    const { flags } = await this.parse(ProjectsList);
    const client = await connect(flags, 'projects');
    try {
      const catalog = new ProjectCatalog(client, { perPage: 100, category: flags.category });
      const limit = flags.all ? Infinity : flags.limit;
      // One more than shown: "more" is then known, not guessed.
      const found = await catalog.find(flags.search ?? '', limit + 1);
      const shown = found.projects.slice(0, limit);
      const more = found.projects.length > limit;
      const projects = shown.map(rowOf);
      if (!this.jsonEnabled()) {
        this.render(projects, more, flags.search, flags.limit);
      }
      return { projects, more };
    } finally {
      client.close();
    }
  }

  private render(
    projects: readonly ProjectRow[],
    more: boolean,
    search: string | undefined,
    limit: number,
  ): void {
    if (projects.length === 0) {
      this.log(
        search === undefined
          ? 'no projects: the token sees none'
          : `no project title or id contains "${oneLine(search)}"`,
      );
      return;
    }
    const rows = projects.map((p) => [
      String(p.id),
      `${oneLine(p.title ?? '')}${p.is_archived === true ? ' (archived)' : ''}`,
      oneLine(p.category ?? ''),
      p.task_count === null ? '' : n(p.task_count),
      dateOf(p.created),
    ]);
    for (const line of table(['id', 'title', 'category', 'items', 'created'], rows)) {
      this.log(line);
    }
    if (more) {
      this.log(`… more: --limit ${limit * 2} or --search TEXT`);
    }
  }
}
