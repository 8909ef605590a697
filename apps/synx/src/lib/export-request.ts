// The export command's mapping of inputs (flags or a guided run's answers) to an export
// request, and the checks around a run: what is missing, whether a flags run would export
// anything, and how a failure part-way says how to resume. The command wires these together.
import type { QueryParams } from '@synx/client';
import type { ExportPlan, ExportRequest, SourceRequest } from '@synx/export';
import { isSynxError, SynxError } from '@synx/model';
import { parseSplitRatios } from '@synx/split';
import { flagOptions, parseOptionPairs, type FormatRegistry } from '@synx/plugin-host';
import { resolveConnection } from './backend.js';
import { debugLogger } from './base.js';
import { loadClassMap } from './class-map.js';
import { describeSource, n } from './render.js';
import { rankFormats, type ExportInputs } from './wizard.js';

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

/**
 * The format's options: `--option key=value` pairs (format flags such as `--<format>-<option>`
 * were rewritten into them before parsing) plus the format flags a guided run answered.
 */
function formatOptions(
  registry: FormatRegistry,
  formatName: string,
  inputs: ExportInputs,
): Record<string, unknown> {
  const pairs = inputs.option ?? [];
  const entry = registry.entry(formatName);
  return {
    ...parseOptionPairs(pairs),
    ...(entry === undefined ? {} : flagOptions(entry, inputs)),
  };
}

/** The inputs an export cannot start without, named as flags. */
export function missingInputs(inputs: ExportInputs, registry: FormatRegistry): string[] {
  const missing: string[] = [];
  const target = inputs.target;
  if (inputs.from === undefined) {
    if (target === 'ground_truth' && inputs['gt-version'] === undefined) {
      missing.push('--gt-version');
    } else if ((target === 'assignment' || target === 'task') && inputs.project === undefined) {
      missing.push('--project');
    } else if (
      target === undefined &&
      inputs.project === undefined &&
      inputs['gt-version'] === undefined
    ) {
      missing.push('--project (or --gt-version, or --from DIR)');
    }
  }
  if (inputs.format === undefined) {
    missing.push(
      `--format (one of: ${registry
        .list()
        .map((e) => e.id)
        .join(', ')})`,
    );
  }
  return missing;
}

/** The export request for complete inputs (flags or answers alike). */
export async function exportRequest(
  flags: ExportInputs,
  registry: FormatRegistry,
  synxVersion: string,
): Promise<ExportRequest> {
  const str = (k: string): string | undefined =>
    typeof flags[k] === 'string' ? flags[k] : undefined;
  const num = (k: string): number | undefined =>
    typeof flags[k] === 'number' ? flags[k] : undefined;
  const formatId = flags.format ?? '';
  const format = await registry.get(formatId);
  const entry = registry.entry(formatId);
  const split =
    flags.split === undefined
      ? undefined
      : {
          ratios: parseSplitRatios(flags.split),
          seed: flags.seed ?? 0,
          stratify: flags.stratify === true,
          groupBy: flags['group-by'],
        };
  if (str('media-mode') !== undefined && flags.from === undefined) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      '--media-mode applies to --from folders; media from the API are always downloaded',
    );
  }
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
    const target =
      flags.target ?? (flags['gt-version'] !== undefined ? 'ground_truth' : 'assignment');
    if (target === 'ground_truth' && flags['gt-version'] === undefined) {
      throw new SynxError('SYNX_MISSING_INPUT', 'missing --gt-version for --target ground_truth');
    }
    if (target !== 'ground_truth' && flags.project === undefined) {
      throw new SynxError('SYNX_MISSING_INPUT', `missing --project for --target ${target}`);
    }
    const c = await resolveConnection(flags);
    source = {
      kind: 'api',
      host: c.host,
      token: c.token,
      auth: c.auth,
      tenant: c.tenant,
      target,
      project: idFlag(flags.project),
      gtVersion: idFlag(flags['gt-version']),
      ...(flags.filter === undefined ? {} : { filter: parseFilter(flags.filter) }),
    };
  }
  const classMap = str('class-map');
  const mediaConcurrency = num('media-concurrency');
  const retries = num('retries');
  return {
    source,
    format,
    ...(entry === undefined
      ? {}
      : { formatPackage: { name: entry.plugin.name, version: entry.plugin.version } }),
    formatOptions: formatOptions(registry, formatId, flags),
    output: flags.output,
    classMap: classMap === undefined ? undefined : await loadClassMap(classMap),
    split,
    ...(flags['save-original-files'] === true
      ? {
          media: {
            mode: (str('media-mode') ?? 'copy') as 'copy' | 'hardlink' | 'symlink',
            orientation: (str('media-orientation') ?? 'apply') as 'apply' | 'keep',
            ...(mediaConcurrency === undefined
              ? {}
              : { downloader: { concurrency: mediaConcurrency } }),
          },
        }
      : {}),
    strict: flags['strict'] === true,
    force: flags['force'] === true,
    logger: debugLogger('export'),
    concurrency: num('concurrency') ?? 64,
    ...(retries === undefined ? {} : { retry: { retries } }),
    synxVersion,
  };
}

/**
 * Refuses a flags run that would export nothing: a source or filter that matches no item, or
 * a format that can hold none of the source's annotations (naming formats that can).
 */
export async function preflight(
  plan: ExportPlan,
  registry: FormatRegistry,
  inputs: ExportInputs,
): Promise<void> {
  if (plan.items === 0) {
    const filter = inputs.filter;
    throw new SynxError(
      'SYNX_NOTHING_TO_EXPORT',
      filter === undefined
        ? `nothing to export: ${describeSource(plan.source, plan.project)} holds no items${plan.source.kind === 'synapse-folder' ? ' (no item files in its json/ folder)' : ''}`
        : `nothing to export: no item of ${describeSource(plan.source, plan.project)} matches --filter ${filter}`,
      {
        hint:
          filter === undefined
            ? 'check the id (`synx projects list`, `synx gt list`) or --target; nothing was written'
            : 'loosen or drop --filter (`synx export --dry-run` without it shows the statuses and tags the items carry); nothing was written',
        details: filter === undefined ? {} : { filter },
      },
    );
  }
  const has = Object.values(plan.annotations).reduce((a, b) => a + b, 0);
  if (has > 0 && plan.treatments.every((t) => t.treatment.action === 'drop')) {
    const ranked = await rankFormats(registry, plan.annotations, plan.annotationsByMedia);
    const holders = ranked
      .filter((f) => !f.verbatim && f.keep + f.convert > 0)
      .map((f) => `--format ${f.id} (${f.note})`);
    const raw = ranked.filter((f) => f.verbatim).map((f) => `--format ${f.id}`);
    const what = Object.entries(plan.annotations)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([feature, count]) => `${n(count)} ${feature}`)
      .join(', ');
    throw new SynxError(
      'SYNX_NOTHING_TO_EXPORT',
      `${plan.format.title} cannot hold any of the source's annotations (${what}${plan.sampled.exact ? '' : ` in ${n(plan.sampled.items)} sampled items`}): the export would write none`,
      {
        hint: `${holders.length > 0 ? `use a format that holds them: ${holders.join('; ')}` : raw.length > 0 ? `use ${raw.join(' or ')} (keeps everything as received)` : 'no installed format holds them (`synx formats list`)'}; nothing was written`,
        details: { format: plan.format.id, annotations: plan.annotations },
      },
    );
  }
}

/**
 * A failure part-way says what was done and the command that resumes (the same one: finished
 * files are kept, media already saved are not fetched again).
 */
export function resumable(
  err: unknown,
  done: number,
  total: number | undefined,
  again: string,
): unknown {
  if (!isSynxError(err)) {
    return err;
  }
  const partial = [
    'SYNX_NETWORK',
    'SYNX_TIMEOUT',
    'SYNX_SERVER',
    'SYNX_RATE_LIMITED',
    'SYNX_HTTP',
    'SYNX_IO',
    'SYNX_ABORTED',
    'SYNX_PLUGIN_FAILED',
  ];
  if (!partial.includes(err.code)) {
    return err;
  }
  const progress = `${n(done)}${total === undefined ? '' : ` of ${n(total)}`} items were read before it stopped; files under their final names are complete, the rest is not written`;
  return new SynxError(err.code, err.message, {
    cause: err,
    hint: `${err.hint === undefined ? '' : `${err.hint}\n  `}${progress}\n  resume with: ${again}`,
    details: {
      ...err.details,
      itemsDone: done,
      ...(total === undefined ? {} : { itemsTotal: total }),
      resume: again,
    },
  });
}
