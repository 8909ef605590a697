import { relative } from 'node:path';
import { Flags } from '@oclif/core';
import type { SynapseClient } from '@synx/client';
import {
  openExportSession,
  planExport,
  runExport,
  type ExportPlan,
  type ExportRequest,
  type ExportSession,
  type ExportSummary,
} from '@synx/export';
import { SynxError } from '@synx/model';
import { translateFormatFlags, type FormatRegistry } from '@synx/plugin-host';
import { connectionFlags, wizardBackend } from '../lib/backend.js';
import { SynxCommand } from '../lib/base.js';
import { EXIT_INCOMPLETE, exitCodesHelp } from '../lib/exit-codes.js';
import { exportRequest, missingInputs, preflight, resumable } from '../lib/export-request.js';
import { memoryGovernor } from '../lib/memory.js';
import { createProgress, type ProgressMode } from '../lib/progress.js';
import { loadFormatRegistry } from '../lib/registry.js';
import { renderPlan, renderSummary } from '../lib/render.js';
import { commandLine, promptAborted, runWizard, type ExportInputs } from '../lib/wizard.js';

export default class Export extends SynxCommand {
  static override summary =
    'Export a Synapse project, task set or ground-truth version to a training format.';
  static override description = `Reads assignments, tasks or a ground-truth dataset version from a Synapse backend (or a Synapse raw export folder with --from), converts every annotation to the chosen format and writes a dataset plus a manifest (synx-export.json) that counts what was written, converted and dropped, and why.

Run it with no flags at a terminal and it guides you: what to export, which project (or "help me find it"), which format, which options; then it analyses the source, shows the plan and asks to proceed. Whatever you give as flags is not asked again; --yes skips only the confirmation. With every input given as flags it never asks; without a terminal it fails at once (exit 2) naming the missing flags.
--dry-run prints the plan (counts, classes, what the format cannot hold, the output tree) and writes nothing; it samples a few pages of a large source (--full reads everything for exact counts).

Format options: --option key=value (-O), or the flags a format declares (e.g. --<format>-<option> value). \`synx formats show <id>\` lists a format's options, their values and its flags; \`synx formats list\` lists the formats.

${exitCodesHelp()}`;

  static override examples = [
    '<%= config.bin %> export',
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
    format: Flags.string({
      char: 'f',
      description:
        'Output format id, or <package>:<id> for one plugin’s format (see `synx formats list`).',
    }),
    output: Flags.string({
      char: 'o',
      description: 'Output folder (default ./synapse_export_<name>).',
    }),
    filter: Flags.string({
      description:
        'JSON object of extra list filters sent to Synapse, e.g. {"status":"completed"}.',
    }),
    'dry-run': Flags.boolean({ description: 'Print the plan and write nothing.' }),
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
    'media-orientation': Flags.string({
      options: ['apply', 'keep'],
      description:
        'With --save-original-files: apply (default) saves EXIF-rotated images turned upright with the tag removed, so every loader sees what was annotated; keep saves them byte for byte.',
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
    ...connectionFlags,
    'class-map': Flags.file({
      description: 'Class map (.txt, .json, .yaml) that fixes class ids and order.',
      exists: true,
    }),
    option: Flags.string({
      char: 'O',
      multiple: true,
      description:
        'Format option key=value (repeatable). A format’s own flags and options: `synx formats show <id>`.',
    }),
    strict: Flags.boolean({
      description: 'Fail (exit 6) at the first per-item error instead of reporting it.',
    }),
    force: Flags.boolean({
      description: 'Write into a non-empty folder that is not a synx export.',
    }),
    yes: Flags.boolean({
      char: 'y',
      description: 'Guided runs: do not ask "Proceed?" (flags-only runs never ask anything).',
    }),
    quiet: Flags.boolean({
      char: 'q',
      description: 'No progress output (the report is still printed; --json prints only JSON).',
    }),
    full: Flags.boolean({
      description:
        'With --dry-run: read every item for exact counts and split previews (progress shown); without it a large source is sampled.',
      dependsOn: ['dry-run'],
    }),
    concurrency: Flags.integer({
      min: 1,
      max: 256,
      default: 64,
      description:
        'Image headers read over HTTP at once (API sources; sizes from data-unit meta, saved files or an earlier run need none).',
    }),
    retries: Flags.integer({
      min: 0,
      max: 100,
      description:
        'Retries of a request that failed for a passing reason (429, 5xx, reset, timeout, cut-short body), for every request: pages, headers, downloads (default 8).',
    }),
  };

  async run(): Promise<ExportSummary | ExportPlan> {
    const registry = loadFormatRegistry(this.config, (issue) => {
      this.warn(issue.message);
    });
    // The chosen format's flags (declared in its manifest) become --option pairs.
    this.argv = translateFormatFlags(this.argv, registry, COMMAND_FLAGS);
    const { flags } = await this.parse(Export);
    if (flags.storage !== undefined) {
      throw new SynxError('SYNX_NOT_SUPPORTED', '--storage is not supported yet', {
        hint: 'run without it; the flag is reserved and will not be ignored silently',
      });
    }
    const given: ExportInputs = Object.fromEntries(
      Object.entries(flags).filter(([, v]) => v !== undefined),
    );
    const missing = missingInputs(given, registry);
    // A person at a terminal is asked for what is missing; a program gets the list at once.
    const terminal = !this.jsonEnabled() && process.stdin.isTTY && process.stdout.isTTY;
    let inputs = given;
    let guided = false;
    if (missing.length > 0) {
      if (!terminal) {
        throw new SynxError('SYNX_MISSING_INPUT', `missing ${missing.join(' and ')}`, {
          hint: 'no terminal to ask on: give them as flags (see synx export --help)',
          details: { missing },
        });
      }
      inputs = await this.guide(given, registry, flags.yes);
      guided = true;
    }
    const request = await exportRequest(inputs, registry, this.config.version);
    // Flags left at their defaults are left out of the repeat command.
    const defaults = Object.fromEntries(
      Object.entries(Export.flags).map(([name, f]) => [name, (f as { default?: unknown }).default]),
    );
    const again = commandLine(this.config.bin, inputs, defaults);
    const ac = new AbortController();
    const onSigint = (): void => {
      ac.abort(new SynxError('SYNX_ABORTED', 'interrupted'));
    };
    process.once('SIGINT', onSigint);
    const signalled: ExportRequest = { ...request, signal: ac.signal };
    let done = 0;
    let started = false;
    let total: number | undefined;
    const progressMode = (): ProgressMode =>
      flags.quiet || this.jsonEnabled() ? 'quiet' : process.stderr.isTTY ? 'tty' : 'lines';
    try {
      if (flags['dry-run']) {
        // --full reads every item: the same progress display as an export.
        const progress = createProgress({ stream: process.stderr, mode: progressMode() });
        let plan: ExportPlan;
        try {
          plan = await planExport(signalled, {
            full: flags.full,
            ...(flags.full
              ? {
                  onProgress: (p: { items: number; total?: number | undefined }) => {
                    progress.onProgress({
                      phase: 'read',
                      items: p.items,
                      total: p.total,
                      annotations: 0,
                    });
                  },
                }
              : {}),
          });
        } finally {
          progress.stop();
        }
        if (!this.jsonEnabled()) {
          this.log(renderPlan(plan));
        }
        return plan;
      }
      let session: ExportSession | undefined;
      if (!guided) {
        // Flags runs check the source first (a small sample, no image headers): nothing is
        // written for a run that would export nothing. The run reads from the same opened
        // source (one project request, one listing of page 1 or of the folder).
        session = await openExportSession(signalled);
        try {
          await preflight(
            await planExport(
              { ...signalled, session },
              { sizes: false, sampleItems: PREFLIGHT_ITEMS },
            ),
            registry,
            inputs,
          );
        } catch (err) {
          session.close();
          throw err;
        }
      }
      const progress = createProgress({ stream: process.stderr, mode: progressMode() });
      const govern = memoryGovernor();
      let summary: ExportSummary;
      try {
        started = true;
        summary = await runExport({
          ...signalled,
          ...(session === undefined ? {} : { session }),
          ...(signalled.media === undefined
            ? {}
            : {
                media: {
                  ...signalled.media,
                  onEvent: (e) => {
                    progress.onMedia(e);
                  },
                },
              }),
          onProgress: (p) => {
            govern();
            done = p.items;
            total = p.total ?? total;
            progress.onProgress(p);
          },
        });
      } finally {
        progress.stop();
      }
      if (!this.jsonEnabled()) {
        const rel = relative(process.cwd(), summary.output) || '.';
        this.log(renderSummary(summary, rel.startsWith('..') ? summary.output : `./${rel}`));
        if (guided) {
          this.log(`\nTo run this again without questions:\n  ${again}`);
        }
      }
      if (summary.status === 'incomplete') {
        // Something did not reach the output (listed in synx-issues.jsonl): never exit 0.
        process.exitCode = EXIT_INCOMPLETE;
      }
      return summary;
    } catch (err) {
      throw started ? resumable(err, done, total, again) : err;
    } finally {
      process.off('SIGINT', onSigint);
    }
  }

  /** The guided export: asks for what the flags did not give, shows the plan, asks to proceed. */
  private async guide(
    given: ExportInputs,
    registry: FormatRegistry,
    yes: boolean,
  ): Promise<ExportInputs> {
    const prompts = await import('@inquirer/prompts');
    let client: SynapseClient | undefined;
    const connectOnce = async (): Promise<SynapseClient> => {
      const { connect } = await import('../lib/connect.js');
      client ??= await connect(given, 'export');
      return client;
    };
    try {
      return await runWizard(
        given,
        {
          prompts: prompts,
          registry,
          backend: async () => wizardBackend(await connectOnce()),
          analyse: async (inputs) =>
            planExport(await exportRequest(inputs, registry, this.config.version), {}),
          defaultOutput: (plan) => relative(process.cwd(), plan.output) || '.',
          renderPlan: (plan) => renderPlan(plan, { heading: 'Plan' }),
          print: (text) => {
            this.log(text);
          },
        },
        { confirm: !yes },
      );
    } catch (err) {
      throw promptAborted(err) ?? err;
    } finally {
      client?.close();
    }
  }
}

/** Flags of the command itself: a format's manifest cannot take them over. */
const COMMAND_FLAGS: ReadonlySet<string> = new Set([...Object.keys(Export.flags), 'json', 'help']);

/** Items a flags run's pre-flight reads of a large folder (an API source reads its 5 sample pages). */
const PREFLIGHT_ITEMS = 200;
