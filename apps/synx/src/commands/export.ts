import { relative } from 'node:path';
import { Flags } from '@oclif/core';
import type { AuthScheme, QueryParams } from '@synx/client';
import {
  planExport,
  runExport,
  type ExportPlan,
  type ExportRequest,
  type ExportSummary,
  type SourceRequest,
} from '@synx/export';
import { SynxError } from '@synx/model';
import { parseSplitRatios } from '@synx/split';
import { parseOptionPairs } from '@synx/plugin-api';
import { debugLogger, SynxCommand } from '../lib/base.js';
import { loadClassMap } from '../lib/class-map.js';
import { memoryGovernor } from '../lib/memory.js';
import { loadFormatRegistry } from '../lib/registry.js';
import { EXIT_INCOMPLETE } from '../lib/exit-codes.js';
import { n, renderMediaProgress, renderPlan, renderSummary } from '../lib/render.js';

/** Numeric ids as numbers (as Synapse sends them), other ids as given. */
function idFlag(value: string | undefined): string | number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : value;
}

function parseFilter(text: string): QueryParams {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SynxError('SYNX_INVALID_INPUT', `--filter is not JSON: ${text}`, {
      hint: `write it as a JSON object, e.g. --filter '{"status": "completed"}'`,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SynxError('SYNX_INVALID_INPUT', '--filter must be a JSON object of query parameters');
  }
  for (const [k, v] of Object.entries(value)) {
    const ok =
      ['string', 'number', 'boolean'].includes(typeof v) ||
      (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number'));
    if (!ok) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `--filter "${k}" must be a string, number, boolean or a list of them`,
      );
    }
  }
  return value as QueryParams;
}

/** `--option key=value` pairs plus the format flags, each checked against the chosen format. */
function formatOptions(
  formatId: string,
  flags: {
    option?: string[] | undefined;
    'yolo-task'?: string | undefined;
    'csv-preset'?: string | undefined;
    'voc-attr'?: string[] | undefined;
  },
): Record<string, unknown> {
  const options: Record<string, unknown> = parseOptionPairs(flags.option ?? []);
  const only = (flag: string, format: string): void => {
    if (formatId !== format) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `--${flag} applies to --format ${format}, not ${formatId}`,
      );
    }
  };
  if (flags['yolo-task'] !== undefined) {
    only('yolo-task', 'yolo');
    options['task'] = flags['yolo-task'];
  }
  if (flags['csv-preset'] !== undefined) {
    only('csv-preset', 'csv');
    options['preset'] = flags['csv-preset'];
  }
  if (flags['voc-attr'] !== undefined) {
    only('voc-attr', 'voc');
    options['attr'] = flags['voc-attr'].map((pair) => pair.replace('=', ':'));
  }
  return options;
}

export default class Export extends SynxCommand {
  static override summary =
    'Export a Synapse project, task set or ground-truth version to a training format.';
  static override description = `Reads assignments, tasks or a ground-truth dataset version from a Synapse backend (or a Synapse raw export folder with --from), converts every annotation to the chosen format and writes a dataset plus a manifest (synx-export.json) that counts what was written, converted and dropped, and why.

With all flags given it never asks. Missing inputs are named and the command exits with code 2.
--dry-run prints the plan (counts, classes, what the format cannot hold, the output tree) and writes nothing.
Exit codes: 0 complete, 2 invalid or missing input, 3 auth, 4 not found, 5 network/server, 6 --strict and errors were found, 7 not supported, 8 plugin problem, 9 file system, 10 finished but incomplete (what is missing is in synx-issues.jsonl; rerun to retry), 130 interrupted.`;

  static override examples = [
    '<%= config.bin %> export --from ./my_export --format coco',
    '<%= config.bin %> export --project 12 --format coco --output ./dataset',
    '<%= config.bin %> export --gt-version 3 --format json --dry-run',
    `<%= config.bin %> export --project 12 --target task --format coco --filter '{"status": "completed"}' --json`,
  ];

  static override enableJsonFlag = true;

  static override flags = {
    target: Flags.string({
      char: 't',
      options: ['assignment', 'task', 'ground_truth'],
      description: 'What to export (default: assignment, or ground_truth with --gt-version).',
    }),
    project: Flags.string({ char: 'p', description: 'Project id (assignments and tasks).' }),
    'gt-version': Flags.string({ description: 'Ground-truth dataset version id.' }),
    format: Flags.string({ char: 'f', description: 'Output format id (see `synx formats list`).' }),
    output: Flags.string({
      char: 'o',
      description: 'Output folder (default ./synapse_export_<name>).',
    }),
    filter: Flags.string({
      description:
        'JSON object of extra list filters sent to Synapse, e.g. {"status":"completed"}.',
    }),
    'dry-run': Flags.boolean({ description: 'Print the plan and write nothing.' }),
    full: Flags.boolean({
      description:
        'With --dry-run: read every item for exact counts and split previews (progress shown).',
      dependsOn: ['dry-run'],
    }),
    split: Flags.string({
      description:
        'Split into train/val[/test] by shares, e.g. 0.8/0.1/0.1 (or 80/10/10). Each item’s split is a seeded hash of its data unit: stable when the project grows.',
    }),
    seed: Flags.integer({
      min: 0,
      description: 'Seed of --split (default 0). Same seed and data, same split.',
      dependsOn: ['split'],
    }),
    stratify: Flags.boolean({
      description:
        'With --split: balance class frequencies across splits (iterative stratification; reads the source once more).',
      dependsOn: ['split'],
    }),
    'group-by': Flags.string({
      description:
        'With --split: keep items with the same data-unit meta value together (e.g. a video, sequence or source key).',
      dependsOn: ['split'],
    }),
    'save-original-files': Flags.boolean({
      description:
        'Save the original media into the format’s image folder: downloaded (resumable, verified) from the API, or copied/linked from --from. A rerun fetches only what is missing.',
    }),
    'media-mode': Flags.string({
      options: ['copy', 'hardlink', 'symlink'],
      description: 'With --from and --save-original-files: how files are placed (default copy).',
      dependsOn: ['save-original-files'],
    }),
    'media-concurrency': Flags.integer({
      min: 1,
      max: 256,
      description: 'With --save-original-files: files downloaded at once (default 16).',
      dependsOn: ['save-original-files'],
    }),
    storage: Flags.string({ description: 'Write to a Synapse storage instead of a local folder.' }),
    from: Flags.directory({
      description:
        'Read a Synapse raw export folder (json/, origin_files/, project.json) instead of the API.',
      exists: true,
    }),
    host: Flags.string({
      description:
        'Synapse host (default: SYNAPSE_HOST, ~/.synapse/config.json, https://api.synapse.sh).',
    }),
    token: Flags.string({
      description: 'Access token (default: SYNAPSE_ACCESS_TOKEN, ~/.synapse/config.json).',
    }),
    auth: Flags.string({
      options: ['sdk', 'access-token', 'drf'],
      default: 'sdk',
      description: 'How the token is sent.',
    }),
    tenant: Flags.string({ description: 'Workspace (tenant) code, for --auth drf.' }),
    'class-map': Flags.file({
      description: 'Class map (.txt, .json, .yaml) that fixes class ids and order.',
      exists: true,
    }),
    option: Flags.string({
      char: 'O',
      multiple: true,
      description: 'Format option key=value (repeatable).',
    }),
    'yolo-task': Flags.string({
      options: ['detect', 'segment', 'pose', 'obb'],
      description: 'YOLO: the label kind for the whole export (default detect).',
    }),
    'csv-preset': Flags.string({
      options: ['synx', 'tfod', 'openimages'],
      description:
        'CSV: column layout (default synx; tfod = TensorFlow Object Detection API; openimages = normalised).',
    }),
    'voc-attr': Flags.string({
      multiple: true,
      description:
        'VOC: take a VOC field from another attribute, e.g. difficult=hard (repeatable).',
    }),
    strict: Flags.boolean({
      description: 'Fail (exit 6) at the first per-item error instead of reporting it.',
    }),
    force: Flags.boolean({
      description: 'Write into a non-empty folder that is not a synx export.',
    }),
    yes: Flags.boolean({
      char: 'y',
      description:
        'Do not ask for confirmation (the interactive mode asks; flags-only runs never do).',
    }),
    concurrency: Flags.integer({
      min: 1,
      max: 64,
      default: 16,
      description: 'Image headers read over HTTP at once.',
    }),
    retries: Flags.integer({
      min: 0,
      max: 100,
      description:
        'Retries of a request that failed for a passing reason (429, 5xx, reset, timeout, cut-short body), for every request: pages, headers, downloads (default 8).',
    }),
  };

  async run(): Promise<ExportSummary | ExportPlan> {
    const { flags } = await this.parse(Export);
    if (flags.storage !== undefined) {
      throw new SynxError('SYNX_NOT_SUPPORTED', '--storage is not supported yet', {
        hint: 'run without it; the flag is reserved and will not be ignored silently',
      });
    }
    const split =
      flags.split === undefined
        ? undefined
        : {
            ratios: parseSplitRatios(flags.split),
            seed: flags.seed ?? 0,
            stratify: flags.stratify,
            groupBy: flags['group-by'],
          };
    if (flags['media-mode'] !== undefined && flags.from === undefined) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        '--media-mode applies to --from folders; media from the API are always downloaded',
      );
    }
    const registry = loadFormatRegistry(this.config, (issue) => {
      this.warn(issue.message);
    });
    const installed = registry.list().map((e) => e.id);
    const missing: string[] = [];
    if (
      flags.from === undefined &&
      flags.project === undefined &&
      flags['gt-version'] === undefined
    ) {
      missing.push('--project (or --gt-version, or --from DIR)');
    }
    if (flags.format === undefined) {
      missing.push(`--format (one of: ${installed.join(', ')})`);
    }
    if (missing.length > 0) {
      throw new SynxError('SYNX_MISSING_INPUT', `missing ${missing.join(' and ')}`, {
        hint: process.stdin.isTTY
          ? 'give them as flags (see synx export --help)'
          : 'no terminal to ask on: give them as flags (see synx export --help)',
        details: { missing },
      });
    }
    const formatId = flags.format ?? '';
    const format = await registry.get(formatId);
    const entry = registry.entry(formatId);
    const logger = debugLogger('export');

    let source: SourceRequest;
    if (flags.from !== undefined) {
      if (
        flags.project !== undefined ||
        flags['gt-version'] !== undefined ||
        flags.filter !== undefined
      ) {
        throw new SynxError(
          'SYNX_INVALID_INPUT',
          '--from reads a folder; it cannot be combined with --project, --gt-version or --filter',
        );
      }
      source = { kind: 'folder', dir: flags.from };
    } else {
      const target = (flags.target ??
        (flags['gt-version'] !== undefined ? 'ground_truth' : 'assignment')) as
        'assignment' | 'task' | 'ground_truth';
      if (target === 'ground_truth' && flags['gt-version'] === undefined) {
        throw new SynxError('SYNX_MISSING_INPUT', 'missing --gt-version for --target ground_truth');
      }
      if (target !== 'ground_truth' && flags.project === undefined) {
        throw new SynxError('SYNX_MISSING_INPUT', `missing --project for --target ${target}`);
      }
      // The client is loaded only for the live API: a folder export starts without it.
      const { resolveCredentials } = await import('@synx/client');
      const creds = await resolveCredentials({ host: flags.host, token: flags.token });
      if (creds.token === undefined) {
        throw new SynxError('SYNX_CONFIG', `no access token for ${creds.host}`, {
          hint: 'give --token, set SYNAPSE_ACCESS_TOKEN, or run `synapse login` (writes ~/.synapse/config.json)',
        });
      }
      source = {
        kind: 'api',
        host: creds.host,
        token: creds.token,
        auth: flags.auth as AuthScheme,
        tenant: flags.tenant,
        target,
        project: idFlag(flags.project),
        gtVersion: idFlag(flags['gt-version']),
        ...(flags.filter === undefined ? {} : { filter: parseFilter(flags.filter) }),
      };
    }
    const ac = new AbortController();
    const onSigint = (): void => {
      ac.abort(new SynxError('SYNX_ABORTED', 'interrupted'));
    };
    process.once('SIGINT', onSigint);
    const request: ExportRequest = {
      source,
      format,
      ...(entry === undefined
        ? {}
        : { formatPackage: { name: entry.plugin.name, version: entry.plugin.version } }),
      formatOptions: formatOptions(formatId, flags),
      output: flags.output,
      classMap:
        flags['class-map'] === undefined ? undefined : await loadClassMap(flags['class-map']),
      split,
      ...(flags['save-original-files']
        ? {
            media: {
              mode: (flags['media-mode'] ?? 'copy') as 'copy' | 'hardlink' | 'symlink',
              ...(flags['media-concurrency'] === undefined
                ? {}
                : { downloader: { concurrency: flags['media-concurrency'] } }),
            },
          }
        : {}),
      strict: flags.strict,
      force: flags.force,
      signal: ac.signal,
      logger,
      concurrency: flags.concurrency,
      ...(flags.retries === undefined ? {} : { retry: { retries: flags.retries } }),
      synxVersion: this.config.version,
    };
    try {
      if (flags['dry-run']) {
        const progressLine = process.stderr.isTTY && !this.jsonEnabled();
        const plan = await planExport(request, {
          full: flags.full,
          ...(flags.full && progressLine
            ? {
                onProgress: (p: { items: number; total?: number }) => {
                  process.stderr.write(
                    `\r\u001b[Kread ${n(p.items)}${p.total === undefined ? '' : ` of ${n(p.total)}`} items`,
                  );
                },
              }
            : {}),
        });
        if (flags.full && progressLine) {
          process.stderr.write('\r\u001b[K');
        }
        if (!this.jsonEnabled()) {
          this.log(renderPlan(plan));
        }
        return plan;
      }
      const tty = process.stderr.isTTY && !this.jsonEnabled();
      const govern = memoryGovernor();
      // One status line on a terminal: items, then media when they are being saved.
      let itemsLine = '';
      let mediaLine = '';
      const draw = (): void => {
        if (tty) {
          process.stderr.write(
            `\r\u001b[K${itemsLine}${mediaLine === '' ? '' : ` · ${mediaLine}`}`,
          );
        }
      };
      const summary = await runExport({
        ...request,
        ...(request.media === undefined
          ? {}
          : {
              media: {
                ...request.media,
                onEvent: (e) => {
                  if (e.type === 'progress') {
                    mediaLine = renderMediaProgress(e);
                    draw();
                  }
                },
              },
            }),
        onProgress: (p) => {
          govern();
          if (p.phase === 'finish') {
            itemsLine = '';
            mediaLine = '';
            if (tty) {
              process.stderr.write('\r\u001b[K');
            }
            return;
          }
          const total = p.total === undefined ? '' : `/${n(p.total)}`;
          itemsLine = `${p.phase === 'split' ? 'splitting' : p.phase} ${n(p.items)}${total} items`;
          draw();
        },
      });
      if (!this.jsonEnabled()) {
        const rel = relative(process.cwd(), summary.output) || '.';
        this.log(renderSummary(summary, rel.startsWith('..') ? summary.output : `./${rel}`));
      }
      if (summary.status === 'incomplete') {
        // Something did not reach the output (listed in synx-issues.jsonl): never exit 0.
        process.exitCode = EXIT_INCOMPLETE;
      }
      return summary;
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
}
